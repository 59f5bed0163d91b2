using System.Globalization;
using MedGuard.Reports.Document;
using MedGuard.Reports.Inputs;

namespace MedGuard.Reports.Documents;

/// <summary>
/// The regulator's situation report (态势报告) for a region and period: section 二 of the sector report (等级保护工作
/// 推进情况, DOMAIN.md §7) as text written from the figures, the tables per tier and per region, charts, and the
/// institutions' ranking as an appendix. Every rate is printed with its numerator, denominator and definition.
/// </summary>
public static class SituationReport
{
    /// <summary>The lifecycle figures section 二 talks about, in the seed's order.</summary>
    public static readonly string[] LifecycleKeys = ["graded", "filed", "assessed", "rectified", "hisLevel3"];

    /// <summary>The survey figures (DOMAIN.md §7).</summary>
    public static readonly string[] SurveyKeys = ["millionRecords", "fiveStaff", "cryptoDevice", "cryptoAlgorithm", "domesticCrypto", "lacksProfessionals"];

    public static ReportDocument Build(SituationReportInput input)
    {
        var period = $"{Blank.Date(input.PeriodStart)}至{Blank.Date(input.PeriodEnd)}";
        var title = $"{input.RegionName}卫生健康行业网络安全态势报告";
        var subtitle = $"{input.Issuer} · 统计期间 {period}";
        var blocks = new List<Block>
        {
            new Heading(1, "一、基本情况"),
            new Paragraph(input.HasData
                ? $"统计期间 {period}，{input.RegionName}（{input.RegionCode}）纳入平台管理的医疗卫生机构 {input.Institutions} 家、定级对象（信息系统）{input.Systems} 个。"
                : $"统计期间 {period}，{input.RegionName}（{input.RegionCode}）在平台中没有医疗卫生机构和信息系统的数据，本报告无统计数字可报。请先录入或导入本地区的机构、系统和等级保护工作记录。"),
        };
        if (!input.HasData)
        {
            blocks.Add(new Heading(1, "二、等级保护工作推进情况"));
            blocks.Add(new Paragraph("本地区暂无数据。", true));
            return new ReportDocument(ReportKind.Situation, title, subtitle, blocks);
        }

        blocks.Add(new Heading(1, "二、等级保护工作推进情况"));
        blocks.Add(new Heading(2, "（一）整体情况"));
        blocks.Add(new Paragraph(Sentence(input.RegionName + "医疗卫生机构信息系统整体", input.Totals)));
        blocks.Add(new Heading(2, "（二）不同级别医院推进情况"));
        foreach (var tier in input.Tiers)
        {
            blocks.Add(new Paragraph(Sentence($"{tier.Name}医院（{tier.Institutions} 家、{tier.Systems} 个系统）", tier.Figures)));
        }

        var ranked = input.Tiers.Where(t => t.Figure("graded")?.Percent is not null).OrderByDescending(t => t.Figure("graded")!.Percent).ToList();
        if (ranked.Count >= 2)
        {
            blocks.Add(new Paragraph($"不同级别医院推进差异较大：定级率最高的是{ranked[0].Name}（{Rate(ranked[0].Figure("graded")!)}），最低的是{ranked[^1].Name}（{Rate(ranked[^1].Figure("graded")!)}）。"));
        }

        blocks.Add(new Heading(2, "（三）个人信息与密码应用"));
        blocks.Add(new Paragraph(SurveySentence(input.Totals)));

        var section = 3;
        if (input.Detection is { HasRuns: true } detection)
        {
            blocks.AddRange(DetectionSection(Numeral(section++), detection));
        }

        blocks.Add(new Heading(1, $"{Numeral(section++)}、统计表"));
        blocks.Add(FigureTable("表1 全地区主要指标", input.Totals));
        blocks.Add(GroupTable("表2 按医院级别统计", "医院级别", input.Tiers, LifecycleKeys));
        blocks.Add(GroupTable("表3 按地区统计", "地区", input.Regions, LifecycleKeys));
        blocks.Add(GroupTable("表4 调查指标（按医院级别）", "医院级别", input.Tiers, SurveyKeys));
        blocks.Add(new Heading(1, $"{Numeral(section)}、统计图"));
        blocks.Add(new ChartBlock(Chart("图1 各级别医院等级保护工作推进情况", input.Tiers, ["graded", "filed", "assessed", "rectified"])));
        if (input.Regions.Count > 0)
        {
            blocks.Add(new ChartBlock(Chart("图2 各地区定级率与备案率", input.Regions, ["graded", "filed"])));
        }

        blocks.Add(new Heading(1, "附录 医疗卫生机构排名"));
        blocks.Add(new Paragraph("排名规则：" + input.RankingRule));
        blocks.Add(new TableBlock("附表 机构排名", ["名次", "机构", "级别", "地区", "系统数", "已定级", "已备案", "三级以上", "三级已测评", "未整改高危问题", "得分"],
            [.. input.Rankings.Select((r, i) => (IReadOnlyList<string>)[N(i + 1), r.Name, r.Tier, r.Region, N(r.Systems), N(r.Graded), N(r.Filed), N(r.Level3), N(r.Level3Assessed), N(r.OpenHighFindings),
                r.Score.ToString("0.0", CultureInfo.InvariantCulture)])],
            "排名"));
        blocks.Add(new Heading(2, "指标定义"));
        foreach (var f in input.Totals)
        {
            blocks.Add(new Paragraph($"· {f.Name}：{f.Definition}"));
        }

        return new ReportDocument(ReportKind.Situation, title, subtitle, blocks);
    }

    /// <summary>
    /// The detection part (DOMAIN.md §6): what was tested, the ports of servers, website vulnerabilities by severity and
    /// kind, the app risk table as the sector report prints it (rows = kinds, columns = apps), official-account risks.
    /// </summary>
    private static IEnumerable<Block> DetectionSection(string numeral, SituationDetection d)
    {
        yield return new Heading(1, $"{numeral}、远程技术检测情况");
        yield return new Paragraph("检测概况：" + string.Join("，", d.Figures.Select(f => f.Total is { } t ? $"{f.Name} {N(f.Count)}（共 {N(t)}）" : $"{f.Name} {N(f.Count)}")) + "。");
        if (d.BySeverity.Count > 0)
        {
            yield return new Paragraph("发现的问题按危险等级：" + string.Join("；", d.BySeverity.Select(s => $"{DetectorName(s.Detector)} {N(s.Total)} 个（高危 {N(s.High)}、中危 {N(s.Medium)}、低危 {N(s.Low)}）")) + "。");
            yield return new TableBlock("表5 检测发现按危险等级", ["检测类别", "高危", "中危", "低危", "合计"],
                [.. d.BySeverity.Select(s => (IReadOnlyList<string>)[DetectorName(s.Detector), N(s.High), N(s.Medium), N(s.Low), N(s.Total)])], "危险等级");
            yield return new ChartBlock(new BarChart("图3 检测发现的危险等级分布", [.. d.BySeverity.Select(s => DetectorName(s.Detector))],
                [new ChartSeries("高危", [.. d.BySeverity.Select(s => (double)s.High)]), new ChartSeries("中危", [.. d.BySeverity.Select(s => (double)s.Medium)]),
                    new ChartSeries("低危", [.. d.BySeverity.Select(s => (double)s.Low)])],
                "个", 0)); // 0: the axis scales to the largest count
        }

        if (d.PerPort.Count > 0)
        {
            yield return new TableBlock("表6 服务器开放端口", ["端口", "开放该端口的服务器数"], [.. d.PerPort.Select(p => (IReadOnlyList<string>)[p.Name, N(p.Count)])], "开放端口");
        }

        if (d.WebKinds.Count > 0)
        {
            yield return new TableBlock("表7 网站漏洞种类", ["漏洞种类", "危险等级", "数量"], [.. d.WebKinds.Select(k => (IReadOnlyList<string>)[k.Kind, k.Severity, N(k.Count)])], "网站漏洞");
        }

        if (d.Apps.Count > 0)
        {
            yield return new TableBlock("表8 APP 风险在各 APP 中出现的次数", ["风险种类", .. d.Apps],
                [.. d.AppRiskKinds.Select((k, i) => (IReadOnlyList<string>)[k, .. d.AppRiskCounts[i].Select(N)])], "APP风险");
        }

        if (d.AccountRisks.Count > 0)
        {
            yield return new TableBlock("表9 公众号（预约挂号）业务风险", ["风险", "危险等级", "数量"], [.. d.AccountRisks.Select(k => (IReadOnlyList<string>)[k.Kind, k.Severity, N(k.Count)])], "公众号风险");
        }

        foreach (var f in d.Figures)
        {
            yield return new Paragraph($"· {f.Name}：{f.Definition}");
        }
    }

    private static string DetectorName(string detector) => detector switch
    {
        "ports" => "端口",
        "web" => "网站",
        "apk" => "APP",
        "logic" => "公众号",
        _ => detector,
    };

    private static string Numeral(int n) => n switch
    {
        1 => "一",
        2 => "二",
        3 => "三",
        4 => "四",
        5 => "五",
        6 => "六",
        _ => n.ToString(CultureInfo.InvariantCulture),
    };

    private static string N(long n) => n.ToString(CultureInfo.InvariantCulture);

    /// <summary>57.6%（19/33）, or 无数据 when the denominator is 0.</summary>
    internal static string Rate(SituationFigure f) => Blank.Rate(f.Count, f.Total);

    private static string Sentence(string subject, IReadOnlyList<SituationFigure> figures)
    {
        var parts = LifecycleKeys.Select(k => figures.FirstOrDefault(f => f.Key == k)).OfType<SituationFigure>().Select(f => $"{f.Name} {Rate(f)}");
        return $"{subject}：{string.Join("，", parts)}。";
    }

    private static string SurveySentence(IReadOnlyList<SituationFigure> figures)
    {
        var parts = SurveyKeys.Select(k => figures.FirstOrDefault(f => f.Key == k)).OfType<SituationFigure>().Select(f => $"{f.Name} {Rate(f)}");
        return $"据机构填报：{string.Join("，", parts)}。";
    }

    private static TableBlock FigureTable(string caption, IReadOnlyList<SituationFigure> figures) =>
        new(caption, ["指标", "分子", "分母", "比率", "定义"],
            [.. figures.Select(f => (IReadOnlyList<string>)[f.Name, N(f.Count), N(f.Total), f.Percent is { } p ? p.ToString("0.0", CultureInfo.InvariantCulture) + "%" : "无数据", f.Definition])],
            "主要指标");

    private static TableBlock GroupTable(string caption, string groupName, IReadOnlyList<SituationGroup> groups, string[] wanted)
    {
        // Only the figures the records carry: a column of dashes says nothing.
        var keys = wanted.Where(k => groups.Any(g => g.Figure(k) is not null)).ToArray();
        var names = keys.Select(k => groups.SelectMany(g => g.Figures).FirstOrDefault(f => f.Key == k)?.Name ?? k).ToList();
        return new TableBlock(caption, [groupName, "机构数", "系统数", .. names],
            [.. groups.Select(g => (IReadOnlyList<string>)[g.Name, N(g.Institutions), N(g.Systems), .. keys.Select(k => g.Figure(k) is { } f ? Rate(f) : "—")])],
            caption.Split(' ')[0]);
    }

    private static BarChart Chart(string title, IReadOnlyList<SituationGroup> groups, string[] keys) =>
        new(title, [.. groups.Select(g => g.Name)],
            [.. keys.Select(k => new ChartSeries(groups.SelectMany(g => g.Figures).FirstOrDefault(f => f.Key == k)?.Name ?? k, [.. groups.Select(g => g.Figure(k)?.Percent ?? 0)]))]);

}
