using System.Text.RegularExpressions;

namespace MedGuard.Detection.Web.Crawl;

/// <summary>
/// robots.txt as a map, not a fence: the paths it names (Allow and Disallow alike — an authorized test looks where the
/// site asks search engines not to) and the sitemaps it points to. Wildcard patterns are cut at their first wildcard.
/// </summary>
public static partial class RobotsTxt
{
    public static (IReadOnlyList<Uri> Paths, IReadOnlyList<Uri> Sitemaps) Parse(string text, Uri site)
    {
        var paths = new List<Uri>();
        var sitemaps = new List<Uri>();
        foreach (var line in text.Split('\n').Take(2000))
        {
            var m = Rule().Match(line);
            if (!m.Success)
            {
                continue;
            }

            var value = m.Groups["v"].Value.Trim();
            if (m.Groups["k"].Value.Equals("sitemap", StringComparison.OrdinalIgnoreCase))
            {
                if (Uri.TryCreate(site, value, out var s))
                {
                    sitemaps.Add(s);
                }

                continue;
            }

            var cut = value.IndexOfAny(['*', '$']);
            var path = cut >= 0 ? value[..cut] : value;
            if (path.StartsWith('/') && path.Length > 1 && Uri.TryCreate(site, path, out var u))
            {
                paths.Add(u);
            }
        }

        return (paths.Distinct().ToList(), sitemaps.Distinct().ToList());
    }

    [GeneratedRegex(@"^\s*(?<k>allow|disallow|sitemap)\s*:\s*(?<v>\S+)", RegexOptions.IgnoreCase, 1000)]
    private static partial Regex Rule();
}
