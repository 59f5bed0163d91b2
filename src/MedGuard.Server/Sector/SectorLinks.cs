using MedGuard.Storage.Sector;

namespace MedGuard.Server.Sector;

/// <summary>Query strings of the dashboard's filters and drill-downs, so a bar, a cell or a number links to what it counts.</summary>
public static class SectorLinks
{
    public static string FilterQuery(SectorFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var parts = new List<string>();
        Add(parts, "region", filter.Region);
        Add(parts, "tier", filter.Tier?.ToString());
        Add(parts, "from", filter.From?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        Add(parts, "to", filter.To?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        Add(parts, "campaign", filter.Campaign?.ToString());
        return string.Join('&', parts);
    }

    public static string DrillQuery(SectorDrill drill)
    {
        ArgumentNullException.ThrowIfNull(drill);
        var parts = new List<string>();
        Add(parts, "kind", drill.Kind == SectorDrillKind.Institutions ? null : drill.Kind.ToString());
        Add(parts, "detector", drill.Detector);
        Add(parts, "severity", drill.Severity?.ToString());
        Add(parts, "title", drill.Title);
        Add(parts, "port", drill.Port?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Add(parts, "package", drill.Package);
        Add(parts, "account", drill.Account);
        return string.Join('&', parts);
    }

    /// <summary>The institution list behind a figure, same filters.</summary>
    public static string Institutions(SectorFilter filter, SectorDrill drill) => Join("/dashboard/institutions", FilterQuery(filter), DrillQuery(drill));

    /// <summary>One institution's records behind a figure (its matching findings, systems, assets).</summary>
    public static string Institution(SectorFilter filter, SectorDrill drill, Guid institution) =>
        Join("/dashboard/institutions", FilterQuery(filter), DrillQuery(drill), $"institution={institution}");

    /// <summary>The dashboard itself with other filters.</summary>
    public static string Dashboard(SectorFilter filter) => Join("/dashboard", FilterQuery(filter));

    public static string Export(SectorFilter filter, string table) => Join("/dashboard", FilterQuery(filter), "handler=export", $"table={Uri.EscapeDataString(table)}");

    private static void Add(List<string> parts, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            parts.Add($"{name}={Uri.EscapeDataString(value)}");
        }
    }

    private static string Join(string path, params string[] queries)
    {
        var query = string.Join('&', queries.Where(q => q.Length > 0));
        return query.Length == 0 ? path : $"{path}?{query}";
    }
}
