using System.Globalization;
using MedGuard.Domain.Assessment;
using MedGuard.Domain.Findings;
using MedGuard.Reports.Document;
using MedGuard.Reports.Inputs;
using MedGuard.Standards.Assessment;

namespace MedGuard.Reports.Documents;

/// <summary>
/// 测评报告 summary (DOMAIN.md §5): conclusion under the template used (2025: 符合率 and 重大风险隐患; 2021: 综合得分),
/// per category and per control point results, the high-risk issues and 重大风险隐患, and the rectification list.
/// The conclusion is computed by <see cref="ConclusionPolicy"/>, the code the platform concludes with.
/// </summary>
public static class AssessmentReport
{
    public static ReportDocument Build(AssessmentReportInput input, ConclusionPolicy? policy = null)
    {
        var items = input.Items;
        if (items.Count == 0)
        {
            return input.RecordedConclusion is null
                ? throw new ReportInputException($"测评「{input.System.Name} {Blank.Date(input.AssessedOn)}」尚无任何测评结果，也没有记录结论，无法生成测评报告：请先录入各要求项的测评结果。")
                : RecordedOnly(input);
        }

        var template = ConclusionPolicy.ParseTemplate(input.Template);
        var c = (policy ?? ConclusionPolicy.Default).Conclude(input.Level, items, template);
        List<Block> blocks =
        [
            new Heading(1, "一、测评概况"),
            GradingReport.Facts("测评概况",
                ("被测单位", input.Unit.Name),
                ("定级对象", input.System.Name),
                ("安全保护等级", GradingReport.Level(input.Level)),
                ("测评类型", input.KindName),
                ("测评机构", Blank.Or(input.Agency)),
                ("测评日期", Blank.Date(input.AssessedOn)),
                ("报告编号", Blank.Or(input.ReportNumber)),
                ("扩展要求", input.Extensions.Count == 0 ? "无" : string.Join("、", input.Extensions)),
                ("结论模板", c.TemplateName)),
            new Heading(1, "二、测评结论"),
            new Paragraph(ConclusionSentence(input, c), true),
            .. c.Reasons.Select(r => new Paragraph("依据：" + r)),
        ];
        if (input.MissingItems > 0)
        {
            blocks.Add(new Paragraph($"注意：尚有 {input.MissingItems} 项未录入测评结果，本结论为依据已录入结果的预评。", true));
        }

        blocks.Add(new Heading(1, "三、安全类测评结果"));
        blocks.Add(new TableBlock("各安全类测评结果", ["安全类", "要求项", "符合", "部分符合", "不符合", "不适用", "符合率"],
            [.. c.Categories.Select(k => (IReadOnlyList<string>)[k.Category, N(k.Items), N(k.Conforming), N(k.Partial), N(k.NonConforming), N(k.NotApplicable), Pct(k.Rate)]),
             ["合计", N(items.Count), N(Count(items, ItemResultValue.Conforming)), N(Count(items, ItemResultValue.PartiallyConforming)), N(Count(items, ItemResultValue.NonConforming)), N(Count(items, ItemResultValue.NotApplicable)), Pct(c.ConformityRate)]],
            "安全类"));
        blocks.Add(new ChartBlock(new BarChart("各安全类符合率", [.. c.Categories.Select(k => k.Category)], [new ChartSeries("符合率", [.. c.Categories.Select(k => k.Rate)])])));

        blocks.Add(new Heading(1, "四、控制点测评结果"));
        var policyUsed = policy ?? ConclusionPolicy.Default;
        blocks.Add(new TableBlock("各控制点测评结果", ["安全类", "控制点", "要求项", "符合", "部分符合", "不符合", "不适用", "符合率"],
            [.. items.GroupBy(i => (i.Item.Category.Order, i.Item.Category.Name, i.Item.ControlPoint)).OrderBy(g => g.Key.Order)
                .Select(g => (IReadOnlyList<string>)[g.Key.Name, g.Key.ControlPoint, N(g.Count()), N(Count(g, ItemResultValue.Conforming)), N(Count(g, ItemResultValue.PartiallyConforming)),
                    N(Count(g, ItemResultValue.NonConforming)), N(Count(g, ItemResultValue.NotApplicable)),
                    g.All(i => i.Result == ItemResultValue.NotApplicable) ? "—" : Pct(Math.Round(policyUsed.ConformityRate(g), 2))])],
            "控制点"));

        blocks.Add(new Heading(1, "五、高风险问题与重大风险隐患"));
        var risky = items.Where(i => i.MajorHazard || i.Risk == Severity.High || (i.HighRiskCases?.Count ?? 0) > 0).ToList();
        blocks.Add(risky.Count == 0
            ? new Paragraph("本次测评未发现高风险问题或重大风险隐患。")
            : new TableBlock("高风险问题与重大风险隐患", ["要求项", "条款", "控制点", "结果", "风险", "重大风险隐患", "高风险判例"],
                [.. risky.Select(i => (IReadOnlyList<string>)[i.Item.Code, i.Item.Citation, i.Item.ControlPoint, i.Result.ToChinese(), i.Risk?.ToChinese() ?? "", i.MajorHazard ? "是" : "否", string.Join("、", i.HighRiskCases ?? [])])],
                "高风险"));
        blocks.Add(new Paragraph($"重大风险隐患共 {c.MajorHazards} 项；高风险问题共 {items.Count(i => i.Risk == Severity.High)} 项。"));

        blocks.Add(new Heading(1, "六、整改清单"));
        blocks.Add(new TableBlock("待整改要求项", ["要求项", "条款", "控制点", "结果", "风险"],
            [.. c.Rectification.Select(i => (IReadOnlyList<string>)[i.Item.Code, i.Item.Citation, i.Item.ControlPoint, i.Result.ToChinese(), i.Risk?.ToChinese() ?? ""])], "待整改"));
        if (input.Rectifications.Count > 0)
        {
            blocks.Add(new TableBlock("整改任务", ["任务", "要求项", "风险", "整改期限", "状态", "责任方"],
                [.. input.Rectifications.Select(r => (IReadOnlyList<string>)[r.Title, r.ItemCode ?? "", r.Risk ?? "", r.DueOn is { } d ? Blank.Date(d) : "", r.Status, r.Owner ?? ""])], "整改任务"));
        }

        return new ReportDocument(ReportKind.Assessment, $"{input.System.Name}网络安全等级测评报告（摘要）", $"{input.Unit.Name} · {Blank.Date(input.IssuedOn)}", blocks);
    }

    /// <summary>
    /// An assessment the platform holds only as a summary (conclusion and score from the agency's report): the summary is
    /// printed as recorded, and per-category and per-point results are marked as not held.
    /// </summary>
    private static ReportDocument RecordedOnly(AssessmentReportInput input)
    {
        List<Block> blocks =
        [
            new Heading(1, "一、测评概况"),
            GradingReport.Facts("测评概况",
                ("被测单位", input.Unit.Name),
                ("定级对象", input.System.Name),
                ("安全保护等级", GradingReport.Level(input.Level)),
                ("测评类型", input.KindName),
                ("测评机构", Blank.Or(input.Agency)),
                ("测评日期", Blank.Date(input.AssessedOn)),
                ("报告编号", Blank.Or(input.ReportNumber)),
                ("结论模板", input.Template)),
            new Heading(1, "二、测评结论"),
            new Paragraph($"「{input.System.Name}」{GradingReport.Level(input.Level)}{input.KindName}：{(input.Template == "2021" ? "综合得分" : "符合率")} {(input.RecordedScore is { } s ? Pct(s).TrimEnd('%') + (input.Template == "2021" ? "" : "%") : Blank.Marker)}，测评结论：{input.RecordedConclusion}（按记录）。", true),
            new Paragraph($"平台只记录了本次测评的结论与得分，没有逐项测评结果：安全类、控制点结果和高风险问题见测评机构出具的报告原件（{Blank.Marker}）。"),
            new Heading(1, "三、整改清单"),
            input.Rectifications.Count == 0
                ? new Paragraph("平台没有记录本次测评产生的整改任务。")
                : new TableBlock("整改任务", ["任务", "要求项", "风险", "整改期限", "状态", "责任方"],
                    [.. input.Rectifications.Select(r => (IReadOnlyList<string>)[r.Title, r.ItemCode ?? "", r.Risk ?? "", r.DueOn is { } d ? Blank.Date(d) : "", r.Status, r.Owner ?? ""])], "整改任务"),
        ];
        return new ReportDocument(ReportKind.Assessment, $"{input.System.Name}网络安全等级测评报告（摘要）", $"{input.Unit.Name} · {Blank.Date(input.IssuedOn)}", blocks);
    }

    /// <summary>The one-line conclusion, e.g. 符合率 87.5%，无重大风险隐患，测评结论：基本符合。</summary>
    internal static string ConclusionSentence(AssessmentReportInput input, AssessmentConclusion c) => c.Template == ConclusionTemplate.Template2025
        ? $"「{input.System.Name}」{GradingReport.Level(input.Level)}等级测评：符合率 {Pct(c.ConformityRate)}，重大风险隐患 {c.MajorHazards} 项，测评结论：{c.Conclusion}。"
        : $"「{input.System.Name}」{GradingReport.Level(input.Level)}等级测评：综合得分 {c.ComprehensiveScore?.ToString("0.##", CultureInfo.InvariantCulture)}，符合率 {Pct(c.ConformityRate)}，测评结论：{c.Conclusion}。";

    internal static string Pct(double rate) => rate.ToString("0.##", CultureInfo.InvariantCulture) + "%";

    private static string N(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static int Count(IEnumerable<AssessedItem> items, ItemResultValue value) => items.Count(i => i.Result == value);
}
