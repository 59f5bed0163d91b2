using MedGuard.Domain.Systems;
using MedGuard.Reports.Document;
using MedGuard.Reports.Inputs;

namespace MedGuard.Reports.Documents;

/// <summary>
/// 定级报告 in the 2025 structure (DOMAIN.md §3): 一 the object (责任主体, 构成, 承载业务, 承载数据, 安全责任), 二 the S
/// level, 三 the A level, 四 the final level, 五 review and approval.
/// </summary>
public static class GradingReport
{
    public static ReportDocument Build(GradingReportInput input)
    {
        var (unit, system) = (input.Unit, input.System);
        var g = input.Grading ?? throw new ReportInputException(
            $"定级对象「{system.Name}」尚未定级，无法生成定级报告：缺少业务信息安全保护等级（S）、系统服务安全保护等级（A）和最终等级。请先在“定级”页完成定级（受侵害的客体与侵害程度），再生成定级报告。");
        List<Block> blocks =
        [
            new Heading(1, "一、定级对象描述"),
            new Heading(2, "（一）责任主体"),
            Facts("责任主体",
                ("运营使用单位", unit.Name),
                ("统一社会信用代码", Blank.Or(unit.CreditCode)),
                ("单位地址", Blank.Or(unit.Address)),
                ("单位负责人", Blank.Or(unit.Head?.Name)),
                ("网络安全责任部门", Blank.Or(unit.SecurityDepartment is { } s ? $"{s.Name}（{s.Title}）" : null))),
            new Heading(2, "（二）定级对象构成"),
            new Paragraph($"定级对象「{system.Name}」为{system.ObjectType}，{(system.InternetFacing ? "面向互联网提供服务" : "不直接面向互联网")}。"
                + (system.Description is { Length: > 0 } d ? d : "")),
            new TableBlock("定级对象构成（资产）", ["类型", "标识", "开放端口/说明"],
                system.Assets.Count == 0 ? [[Blank.Marker, Blank.Marker, Blank.Marker]] : [.. system.Assets.Select(a => (IReadOnlyList<string>)[a.Kind, a.Value, a.Ports ?? a.Note ?? ""])], "构成"),
            new Paragraph($"网络拓扑图：{Blank.Marker}"),
            new Heading(2, "（三）承载业务"),
            new Paragraph($"业务类型：{system.Business}；核心业务系统：{(system.IsCore ? "是" : "否")}；关键信息基础设施：{(system.IsCriticalInfrastructure ? "是" : "否")}；投入运行日期：{Blank.Or(system.InServiceSince)}。"),
            new Heading(2, "（四）承载数据"),
            new Paragraph(unit.PersonalDataRecords is { } n
                ? $"单位填报的个人信息存储量约 {n:N0} 条{(n >= 1_000_000 ? "（达到 100 万条以上）" : "")}。"
                : $"个人信息存储量：{Blank.Marker}"),
            new Heading(2, "（五）安全责任"),
            new Paragraph($"「{unit.Name}」作为网络运营者，对定级对象的网络安全和数据安全承担主体责任（网络安全法第二十一条）。"),

            new Heading(1, "二、业务信息安全保护等级的确定"),
            new Paragraph($"业务信息安全保护等级（S）：{Level(g.InformationLevel)}。"),
            .. Steps(g.Reasons, "业务信息"),
            new Heading(1, "三、系统服务安全保护等级的确定"),
            new Paragraph($"系统服务安全保护等级（A）：{Level(g.ServiceLevel)}。"),
            .. Steps(g.Reasons, "系统服务"),
            new Heading(1, "四、安全保护等级的确定"),
            new TableBlock("定级结果", ["定级对象名称", "业务信息安全保护等级", "系统服务安全保护等级", "安全保护等级"],
                [[system.Name, Level(g.InformationLevel), Level(g.ServiceLevel), Level(g.Level)]], "定级结果"),
            new Paragraph($"依据 {g.MatrixEdition}，取业务信息安全保护等级和系统服务安全保护等级中的较高者，定级对象「{system.Name}」的安全保护等级为{Level(g.Level)}（{g.Notation}）。", true),
            .. g.Reasons.Where(r => !r.Contains("业务信息") && !r.Contains("系统服务")).Select(r => new Paragraph("· " + r)),

            new Heading(1, "五、专家评审与主管部门核准"),
            Facts("评审与核准",
                ("定级日期", Blank.Date(g.GradedOn)),
                ("专家评审", g.ExpertReviewed ? $"已评审（{Blank.Or(g.ExpertReviewedOn)}）" : "未评审"),
                ("评审专家及单位", Blank.Or(g.ExpertReviewers)),
                ("主管部门核准", g.Approval + (g.ApprovedOn is { } on ? $"（{Blank.Date(on)}）" : "")),
                ("核准人", Blank.Or(g.ApprovedBy))),
        ];
        return new ReportDocument(ReportKind.Grading, $"{system.Name}定级报告", $"{unit.Name} · {Blank.Date(input.IssuedOn)}", blocks);
    }

    internal static string Level(int level) => ProtectionLevelNames.FromNumber(level).ToChinese();

    internal static TableBlock Facts(string caption, params (string Name, string Value)[] rows) =>
        new(caption, ["项目", "内容"], [.. rows.Select(r => (IReadOnlyList<string>)[r.Name, r.Value])], caption);

    private static IEnumerable<Block> Steps(IReadOnlyList<string> reasons, string aspect)
    {
        var mine = reasons.Where(r => r.Contains(aspect)).ToList();
        if (mine.Count == 0)
        {
            yield return new Paragraph($"{aspect}安全的受侵害客体与侵害程度：{Blank.Marker}");
            yield break;
        }

        foreach (var r in mine)
        {
            yield return new Paragraph("· " + r);
        }
    }
}
