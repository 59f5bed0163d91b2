using MedGuard.Reports.Document;
using MedGuard.Reports.Inputs;

namespace MedGuard.Reports.Documents;

/// <summary>
/// 备案表 on the 2025 forms (公网安〔2025〕1846号, DOMAIN.md §3): 表一 unit, 表二 object, 表三 grading, 表四 new
/// technologies, 表五 attachments, 表六 data survey. What the platform does not hold is a marked blank (<see cref="Blank"/>).
/// </summary>
public static class FilingForm
{
    /// <summary>卫生健康 in the form's industry list.</summary>
    public const string HealthIndustry = "卫生健康（32）";

    public static ReportDocument Build(FilingFormInput input)
    {
        var (unit, system, g, f) = (input.Unit, input.System, input.Grading, input.Filing);
        static string Contact(ContactFacts? c) => c is null ? Blank.Marker : $"{c.Name}｜{Blank.Or(c.Title)}｜{Blank.Or(c.Phone)}｜{Blank.Or(c.Email)}";
        var domains = system.Assets.Where(a => a.Kind.Contains("域名") || a.Kind.Contains("网站")).Select(a => a.Value).ToList();
        var addresses = system.Assets.Where(a => a.Kind.Contains("IP") || a.Kind.Contains("地址")).Select(a => a.Value).ToList();
        var ports = system.Assets.Where(a => a.Ports is { Length: > 0 }).Select(a => $"{a.Value}: {a.Ports}").ToList();
        var apps = system.Assets.Where(a => a.Kind.Contains("应用") || a.Kind.Contains("公众号") || a.Kind.Contains("小程序")).Select(a => a.Value).ToList();

        var blocks = new List<Block>
        {
            new Paragraph(g is null ? $"注意：定级对象「{system.Name}」尚未定级，表三空缺；第二级以上定级对象应在定级后 30 日内备案。" : $"定级对象「{system.Name}」安全保护等级：{GradingReport.Level(g.Level)}（{g.Notation}）。", g is null),
            new Heading(1, "表一 单位基本情况"),
            GradingReport.Facts("表一 单位基本情况",
                ("单位名称", unit.Name),
                ("统一社会信用代码", Blank.Or(unit.CreditCode)),
                ("单位地址", Blank.Or(unit.Address)),
                ("行政区划", Blank.Or(unit.RegionName is null ? unit.RegionCode : $"{unit.RegionName}（{unit.RegionCode}）")),
                ("单位负责人（姓名｜职务｜电话｜邮箱）", Contact(unit.Head)),
                ("网络安全责任部门（联系人｜部门｜电话｜邮箱）", Contact(unit.SecurityDepartment)),
                ("数据安全管理部门（联系人｜部门｜电话｜邮箱）", Contact(unit.DataSecurityDepartment)),
                ("隶属关系", unit.DirectlyAffiliated ? "委属/直属" : Blank.Marker),
                ("单位类型", Blank.Or(unit.Tier is null ? null : $"医疗卫生机构（{unit.Tier}）")),
                ("所属行业", HealthIndustry),
                ("定级对象数量（第一级/第二级/第三级/第四级/第五级）", string.Join(" / ", Enumerable.Range(1, 5).Select(l => input.LevelCounts.GetValueOrDefault(l).ToString(System.Globalization.CultureInfo.InvariantCulture))))),
            new Heading(1, "表二 定级对象情况"),
            GradingReport.Facts("表二 定级对象情况",
                ("定级对象名称", system.Name),
                ("定级对象类型", system.ObjectType),
                ("采用的新技术", input.Extensions.Count == 0 ? "无" : string.Join("、", input.Extensions)),
                ("业务类型", system.Business),
                ("服务范围与服务对象", Blank.Or(system.Description)),
                ("部署方式", Blank.Marker),
                ("网络性质", system.InternetFacing ? "互联网" : "非互联网"),
                ("互联网 IP 地址段", system.InternetFacing ? Blank.Or(string.Join("、", addresses)) : "不适用"),
                ("域名", system.InternetFacing ? Blank.Or(string.Join("、", domains)) : "不适用"),
                ("主要协议与端口", system.InternetFacing ? Blank.Or(string.Join("；", ports)) : "不适用"),
                ("系统互联情况", Blank.Marker),
                ("投入运行日期", Blank.Or(system.InServiceSince)),
                ("上级系统", Blank.Marker),
                ("关键信息基础设施", system.IsCriticalInfrastructure ? "是" : "否")),
            new Heading(1, "表三 定级情况"),
            GradingReport.Facts("表三 定级情况",
                ("业务信息安全保护等级", g is null ? Blank.Marker : GradingReport.Level(g.InformationLevel)),
                ("系统服务安全保护等级", g is null ? Blank.Marker : GradingReport.Level(g.ServiceLevel)),
                ("安全保护等级", g is null ? Blank.Marker : GradingReport.Level(g.Level)),
                ("定级时间", g is null ? Blank.Marker : Blank.Date(g.GradedOn)),
                ("定级报告", g is null ? "无" : "有（本平台生成）"),
                ("专家评审情况", g is null ? Blank.Marker : g.ExpertReviewed ? $"已评审（{Blank.Or(g.ExpertReviewedOn)}，{Blank.Or(g.ExpertReviewers)}）" : "未评审"),
                ("上级主管部门审核情况", g is null ? Blank.Marker : g.Approval + (g.ApprovedOn is { } on ? $"（{Blank.Date(on)}）" : "")),
                ("备案日期", f is null ? "未备案" : Blank.Date(f.FiledOn)),
                ("受理公安机关", Blank.Or(f?.PoliceOrgan)),
                ("备案证明编号", Blank.Or(f?.CertificateNumber)),
                ("备案证明有效期至", Blank.Or(f?.CertificateValidUntil))),
            new Heading(1, "表四 新技术应用情况"),
            GradingReport.Facts("表四 新技术应用情况",
                ("云计算（服务模式、云服务商及其备案）", input.Extensions.Contains("云计算") ? Blank.Marker : "不适用"),
                ("移动互联（App、小程序名称）", apps.Count > 0 ? string.Join("、", apps) : input.Extensions.Contains("移动互联") ? Blank.Marker : "不适用"),
                ("物联网（感知层、网络传输层、处理应用层）", input.Extensions.Contains("物联网") ? Blank.Marker : "不适用"),
                ("工业控制（现场设备层、控制层、监控层）", input.Extensions.Contains("工业控制") ? Blank.Marker : "不适用"),
                ("大数据（数据出境情况）", input.Extensions.Contains("大数据") ? Blank.Marker : "不适用")),
            new Heading(1, "表五 提交材料情况"),
            new TableBlock("表五 提交材料情况", ["材料", "状态"],
            [
                ["系统拓扑结构及说明", Blank.Marker],
                ["系统安全组织机构及管理制度", Blank.Marker],
                ["安全建设或整改方案", Blank.Marker],
                ["系统使用的安全产品清单及认证、销售许可证明", Blank.Marker],
                ["系统安全服务情况", Blank.Marker],
                ["主管部门定级指导意见", g?.Approval == "已核准" ? "已核准（本平台记录）" : Blank.Marker],
            ], "表五"),
            new Heading(1, "表六 数据摸底调查表"),
            new TableBlock("表六 数据摸底调查表",
                ["数据名称", "数据级别", "数据类别", "责任部门", "个人信息", "数据量及月增长", "数据来源与流向", "存储位置"],
            [
                ["患者个人信息", Blank.Marker, Blank.Marker, Blank.Or(unit.DataSecurityDepartment?.Title), "敏感个人信息",
                    unit.PersonalDataRecords is { } n ? $"约 {n:N0} 条；月增长 {Blank.Marker}" : Blank.Marker, Blank.Marker, Blank.Marker],
            ], "表六"),
            new Paragraph($"说明：标注“{Blank.Marker}”的栏目平台没有记录，由单位据实填写后加盖公章。"),
        };
        return new ReportDocument(ReportKind.Filing, $"网络安全等级保护备案表（{system.Name}）", $"{unit.Name} · {Blank.Date(input.IssuedOn)}", blocks);
    }
}
