using System.Net;
using System.Text.RegularExpressions;

namespace MedGuard.Detection.Web.Crawl;

/// <summary>The page URLs of a sitemap.xml (and the nested sitemaps of a sitemap index), bounded in count.</summary>
public static partial class Sitemap
{
    public static IReadOnlyList<Uri> Locations(string xml, Uri site) =>
        [.. Loc().Matches(xml.Length > 1024 * 1024 ? xml[..(1024 * 1024)] : xml).Take(500)
            .Select(m => Uri.TryCreate(site, WebUtility.HtmlDecode(m.Groups["u"].Value.Trim()), out var u) ? u : null)
            .OfType<Uri>().Distinct()];

    [GeneratedRegex(@"<loc>\s*(?<u>[^<\s]+)\s*</loc>", RegexOptions.IgnoreCase, 1000)]
    private static partial Regex Loc();
}
