using System.Globalization;
using MedGuard.Domain.Findings;
using MedGuard.Domain.Institutions;
using MedGuard.Storage.Sector;
using MedGuard.Storage.Tenancy;

namespace MedGuard.Server.Sector;

/// <summary>
/// The dashboard's filters and drill-down as they arrive in a query string, checked: an unknown region or tier, a
/// period ending before it starts, or a region outside the viewer's own is refused with a Chinese reason (the page
/// shows it as an empty state; the drill-down answers 403 for a region outside the viewer's).
/// </summary>
public sealed record SectorRequest(SectorFilter Filter, SectorDrill Drill, string? Problem, bool Forbidden)
{
    public static SectorRequest Parse(IQueryCollection query, TenantScope scope)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(scope);
        string? Text(string name) => query.TryGetValue(name, out var v) && !string.IsNullOrWhiteSpace(v.ToString()) ? v.ToString().Trim() : null;
        var filter = new SectorFilter();
        var drill = new SectorDrill();
        var problems = new List<string>();
        var forbidden = false;

        if (Text("region") is { } region)
        {
            if (region.Length is not (2 or 4 or 6) || !region.All(char.IsAsciiDigit) || !AdministrativeRegions.IsKnown(region))
            {
                problems.Add($"没有这个行政区划：{region}");
            }
            else if (scope.Kind == TenantKind.Regulator && !region.StartsWith(scope.Region, StringComparison.Ordinal) && !scope.Region.StartsWith(region, StringComparison.Ordinal))
            {
                problems.Add($"{AdministrativeRegions.FullName(region)} 不在您的管辖范围内");
                forbidden = true;
            }
            else
            {
                filter = filter with { Region = region };
            }
        }

        if (Text("tier") is { } tier)
        {
            if (Enum.TryParse<HospitalTier>(tier, out var t) && Enum.IsDefined(t) && !int.TryParse(tier, out _))
            {
                filter = filter with { Tier = t };
            }
            else
            {
                problems.Add($"没有这个医院等级：{tier}");
            }
        }

        DateOnly? Date(string name)
        {
            if (Text(name) is not { } text)
            {
                return null;
            }

            if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
            {
                return d;
            }

            problems.Add($"日期格式应为 年-月-日：{text}");
            return null;
        }

        filter = filter with { From = Date("from"), To = Date("to") };
        if (filter.From is { } f && filter.To is { } to && to < f)
        {
            problems.Add("期间的结束日期早于开始日期");
        }

        if (Text("campaign") is { } campaign)
        {
            filter = Guid.TryParse(campaign, out var id) ? filter with { Campaign = id } : filter;
        }

        if (Text("kind") is { } kind)
        {
            drill = drill with { Kind = Enum.TryParse<SectorDrillKind>(kind, out var k) && Enum.IsDefined(k) && !int.TryParse(kind, out _) ? k : SectorDrillKind.Institutions };
        }

        drill = drill with
        {
            Detector = Text("detector") is { } det && MedGuard.Domain.Campaigns.Campaign.KnownDetectors.Contains(det) ? det : null,
            Severity = Text("severity") is { } sev && Enum.TryParse<Severity>(sev, out var s) && Enum.IsDefined(s) ? s : null,
            Title = Text("title"),
            Port = Text("port") is { } port && int.TryParse(port, CultureInfo.InvariantCulture, out var p) ? p : null,
            Package = Text("package"),
            Account = Text("account"),
        };
        return new SectorRequest(filter, drill, problems.Count == 0 ? null : string.Join("；", problems), forbidden);
    }
}
