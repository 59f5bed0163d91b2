using MedGuard.Storage.Findings;

namespace MedGuard.Server.Findings;

/// <summary>Links to the 检测发现 list filtered as a <see cref="FindingFilter"/> says.</summary>
public static class FindingFilterLinks
{
    /// <summary>The query string of these filters (for links to the filtered list).</summary>
    public static string ToQuery(this FindingFilter filter)
    {
        var parts = new List<string>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                parts.Add($"{name}={Uri.EscapeDataString(value)}");
            }
        }

        Add("institution", filter.Institution?.ToString());
        Add("asset", filter.Asset?.ToString());
        Add("system", filter.System?.ToString());
        Add("detector", filter.Detector);
        Add("severity", filter.Severity?.ToString());
        Add("status", filter.Status?.ToString());
        Add("overdue", filter.Overdue ? "true" : null);
        Add("campaign", filter.Campaign?.ToString());
        Add("found", filter.Campaign is null ? null : filter.Found?.ToString());
        return string.Join('&', parts);
    }
}
