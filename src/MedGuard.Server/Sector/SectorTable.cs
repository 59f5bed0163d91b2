using System.Globalization;
using MedGuard.Domain.Findings;
using MedGuard.Domain.Systems;
using MedGuard.Storage.Sector;

namespace MedGuard.Server.Sector;

/// <summary>One cell of a dashboard table: its text, its number (what the Excel export writes), the list it links to, and its 口径.</summary>
public sealed record SectorCell(string Text, double? Number = null, string? Link = null, string? Tooltip = null)
{
    public static SectorCell Of(string text) => new(text);

    public static SectorCell Count(long count, string? link = null, string? tooltip = null) =>
        new(count.ToString(CultureInfo.InvariantCulture), count, link, tooltip);

    /// <summary>A rate in percent, with numerator / denominator and the definition as its tooltip.</summary>
    public static SectorCell Rate(Figure figure, string? link = null) =>
        new(figure.Percent is { } p ? $"{p.ToString("0.0", CultureInfo.InvariantCulture)}%" : "—", figure.Percent, link,
            $"{figure.Numerator}/{figure.Denominator}：{figure.Definition}");
}

/// <summary>A table of the dashboard, as the page shows it and the export writes it (one definition of both).</summary>
public sealed record SectorTable(string Key, string Title, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<SectorCell>> Rows, string? Note = null);

/// <summary>The dashboard's tables from the figures: every cell's link goes to the institutions behind it, same filters.</summary>
public static class SectorTables
{
    private static readonly string[] Detectors = ["ports", "web", "apk", "logic"];

    public static string DetectorName(string? detector) => detector switch
    {
        "ports" => "端口",
        "web" => "网站",
        "apk" => "App",
        "logic" => "公众号/预约",
        _ => "全部",
    };

    public static IReadOnlyList<SectorTable> From(SectorFigures figures)
    {
        ArgumentNullException.ThrowIfNull(figures);
        var f = figures.Filter;
        var d = figures.Detection;
        string Link(SectorDrill drill) => SectorLinks.Institutions(f, drill);
        IReadOnlyList<SectorCell> FigureRow(Figure x) =>
        [
            SectorCell.Of(x.Label),
            SectorCell.Count(x.Numerator, Link(x.Drill), x.Definition),
            x.Denominator is { } den ? SectorCell.Count(den) : SectorCell.Of("—"),
            x.Denominator is null ? SectorCell.Of("—") : SectorCell.Rate(x),
            SectorCell.Of(x.Definition),
        ];

        var tables = new List<SectorTable>
        {
            new("detection", "检测概况", ["指标", "数值", "分母", "比例", "口径"],
            [
                FigureRow(d.UnitsTested), FigureRow(d.WebsitesTested), FigureRow(d.WebsitesWithFindings), FigureRow(d.DomainsWithFindings),
                FigureRow(d.HospitalsWithWebFindings), FigureRow(d.HighRiskServers), FigureRow(d.Ports.Servers), FigureRow(d.Ports.OpenPorts),
                FigureRow(d.Ports.DistinctPorts), FigureRow(d.Ports.ServersWithHighRiskPorts), FigureRow(d.AppsTested), FigureRow(d.AppsWithRisks),
                FigureRow(d.AccountsWithRisks), FigureRow(figures.UnderGrading.Total),
            ]),
            new("severity", "检测发现按类型与严重程度", ["检测类型", "高", "中", "低", "信息", "合计"],
                [.. Detectors.Select(det => (IReadOnlyList<SectorCell>)
                [
                    SectorCell.Of(DetectorName(det)),
                    .. new[] { Severity.High, Severity.Medium, Severity.Low, Severity.Info }.Select(s =>
                        SectorCell.Count(d.Count(det, s), Link(SectorDrill.Findings(det) with { Severity = s }))),
                    SectorCell.Count(d.BySeverity.Where(x => x.Detector == det).Sum(x => x.Count), Link(SectorDrill.Findings(det))),
                ])],
                "口径：期间内存在（首次发现早于期末、最后发现晚于期初）的检测发现条数，按检测器与严重程度。"),
            new("web-kinds", "网站漏洞按类型", ["漏洞类型", "严重程度", "数量"],
                [.. d.WebKinds.Select(k => (IReadOnlyList<SectorCell>)[SectorCell.Of(k.Kind), SectorCell.Of(k.Severity.ToChinese()), SectorCell.Count(k.Count, Link(k.Drill))])]),
            new("high-risk", "高危漏洞及所在服务器", ["高危漏洞", "服务器（源）", "数量"],
                [.. d.HighRiskOnServers.Select(k => (IReadOnlyList<SectorCell>)[SectorCell.Of(k.Kind), SectorCell.Of(k.Place ?? ""), SectorCell.Count(k.Count, Link(k.Drill))])]),
            new("ports", "开放端口（每个端口开放的服务器数）", ["端口", "服务器数"],
                [.. d.Ports.PerPort.Select(p => (IReadOnlyList<SectorCell>)[SectorCell.Of(p.Label), SectorCell.Count(p.Count, Link(p.Drill))])],
                $"服务器 {d.Ports.Servers.Numerator} 台，开放端口 {d.Ports.OpenPorts.Numerator} 个（每台 {d.Ports.PortsPerServer.ToString("0.0", CultureInfo.InvariantCulture)} 个），涉及端口 {d.Ports.DistinctPorts.Numerator} 种，存在高危端口的服务器 {d.Ports.ServersWithHighRiskPorts.Numerator} 台。"),
            new("apk", "App 风险（15 类风险 × App，发现条数）", ["风险类型", .. d.ApkTable.Apps],
                [.. d.ApkTable.Kinds.Select((k, row) => (IReadOnlyList<SectorCell>)
                [
                    SectorCell.Of(k),
                    .. d.ApkTable.Apps.Select((a, col) => SectorCell.Count(d.ApkTable.Counts[row][col], Link(SectorDrill.Findings("apk") with { Title = k, Package = a }))),
                ])]),
            new("accounts", "公众号/预约服务风险", ["公众号", "风险", "严重程度", "数量"],
                [.. d.AccountRisks.Select(k => (IReadOnlyList<SectorCell>)[SectorCell.Of(k.Place ?? ""), SectorCell.Of(k.Kind), SectorCell.Of(k.Severity.ToChinese()), SectorCell.Count(k.Count, Link(k.Drill))])]),
            new("tier-detection", "各级医院检测情况", ["医院等级", "机构", "检测单位", "高", "中", "低"],
                [.. d.ByTier.Select(t =>
                {
                    var tf = f with { Tier = t.Tier };
                    return (IReadOnlyList<SectorCell>)
                    [
                        SectorCell.Of(SectorFigureService.TierName(t.Tier)),
                        SectorCell.Count(t.Institutions, SectorLinks.Institutions(tf, SectorDrill.All)),
                        SectorCell.Count(t.UnitsTested, SectorLinks.Institutions(tf, SectorDrill.Tested(null))),
                        SectorCell.Count(t.High, SectorLinks.Institutions(tf, SectorDrill.Findings() with { Severity = Severity.High })),
                        SectorCell.Count(t.Medium, SectorLinks.Institutions(tf, SectorDrill.Findings() with { Severity = Severity.Medium })),
                        SectorCell.Count(t.Low, SectorLinks.Institutions(tf, SectorDrill.Findings() with { Severity = Severity.Low })),
                    ];
                })]),
        };
        if (d.Trend is { } trend)
        {
            tables.Add(new SectorTable("trend", $"趋势：{trend.CampaignName} 与此前相比", ["指标", "数量", "中位修复天数（高）", "中位修复天数（中）", "中位修复天数（低）"],
            [
                [SectorCell.Of("新发现"), SectorCell.Count(trend.New.Numerator, null, trend.New.Definition), .. Medians(trend)],
                [SectorCell.Of("已修复"), SectorCell.Count(trend.Fixed.Numerator, null, trend.Fixed.Definition), .. Medians(trend)],
                [SectorCell.Of("仍未修复"), SectorCell.Count(trend.StillOpen.Numerator, null, trend.StillOpen.Definition), .. Medians(trend)],
            ], "中位修复天数：该计划的运行关闭的检测发现，从首次发现到修复的天数的中位数。"));
        }

        tables.Add(Groups("tiers", "按医院等级：等保与调查指标", "医院等级", [.. figures.Tiers, figures.Total], g => SectorLinks.Institutions(f with { Tier = g.Tier }, SectorDrill.All)));
        tables.Add(Groups("regions", "按行政区划：等保与调查指标", "行政区划", figures.Regions, g => SectorLinks.Institutions(f with { Region = g.Region }, SectorDrill.All)));
        tables.Add(new SectorTable("under-graded-tiers", "定级偏低（按医院等级）", ["医院等级", "定级偏低的定级对象"],
            [.. figures.UnderGrading.PerTier.Select(t => (IReadOnlyList<SectorCell>)[SectorCell.Of(t.Label),
                SectorCell.Count(t.Count, SectorLinks.Institutions(f with { Tier = Enum.Parse<MedGuard.Domain.Institutions.HospitalTier>(t.Key) }, SectorDrill.UnderGraded))])],
            figures.UnderGrading.Total.Definition));
        tables.Add(new SectorTable("under-graded", "定级偏低的定级对象", ["机构", "医院等级", "定级对象", "已定等级", "建议不低于", "依据"],
            [.. figures.UnderGrading.Systems.Select(s => (IReadOnlyList<SectorCell>)
            [
                new SectorCell(s.InstitutionName, null, $"/institutions/{s.InstitutionId}"),
                SectorCell.Of(SectorFigureService.TierName(s.Tier)),
                new SectorCell(s.SystemName, null, $"/systems/{s.SystemId}"),
                SectorCell.Of(s.Graded.ToChinese()),
                SectorCell.Of(s.Suggested.ToChinese()),
                SectorCell.Of(string.Join("；", s.Rules)),
            ])]));
        return tables;
    }

    private static IEnumerable<SectorCell> Medians(CampaignTrend trend) =>
        trend.MedianDaysToFix.Select(m => m.MedianDays is { } days ? new SectorCell(days.ToString("0.0", CultureInfo.InvariantCulture), days, null, $"{m.Fixed} 条已修复") : SectorCell.Of("—"));

    private static SectorTable Groups(string key, string title, string first, IReadOnlyList<GroupFigures> groups, Func<GroupFigures, string> link)
    {
        var labels = groups.FirstOrDefault()?.Figures.Select(x => x.Label).ToList() ?? [];
        return new SectorTable(key, title, [first, "机构", "定级对象", .. labels],
            [.. groups.Select(g => (IReadOnlyList<SectorCell>)
            [
                SectorCell.Of(g.Name),
                SectorCell.Count(g.Institutions, link(g)),
                SectorCell.Count(g.Systems, link(g)),
                .. g.Figures.Select(x => SectorCell.Rate(x, link(g))),
            ])],
            "悬停单元格可见分子/分母与口径；点击进入对应机构名单。");
    }
}
