using MedGuard.Detection.Web.Crawl;
using MedGuard.Detection.Web.Http;
using MedGuard.Detection.Web.Scanning;

namespace MedGuard.Detection.Web.Libraries;

/// <summary>
/// Outdated client libraries (使用存在已知漏洞的前端组件): passive, on every response the scan sees. A script's URL and a
/// page's script addresses name the version (jquery-1.8.3.min.js, /ajax/libs/jquery/1.8.3/), a script's banner comment
/// names it too (/*! jQuery v1.8.3). One finding per host, library and version, at the first place it was seen.
/// </summary>
public sealed class OutdatedLibraryCheck(IReadOnlyList<ClientLibrary>? libraries = null)
{
    public const string RuleId = "outdated-js-library";

    private readonly IReadOnlyList<ClientLibrary> _libraries = libraries ?? ClientLibraryCatalog.All;
    private readonly HashSet<string> _reported = [];
    private readonly Lock _lock = new();

    public IEnumerable<WebFinding> Evaluate(HttpExchange exchange)
    {
        if (exchange.Failed || exchange.Status is < 200 or >= 300)
        {
            yield break;
        }

        var url = exchange.Request.Url;
        var type = exchange.Header("Content-Type") ?? "";
        var isScript = type.Contains("javascript", StringComparison.OrdinalIgnoreCase) || type.Contains("ecmascript", StringComparison.OrdinalIgnoreCase)
            || url.AbsolutePath.EndsWith(".js", StringComparison.OrdinalIgnoreCase);
        var isPage = type.Contains("html", StringComparison.OrdinalIgnoreCase);

        // Where each library is named: a script address in a page (its own file when it is on this site, else the page
        // with the library as the place — two CDN libraries on one page stay two findings), or the response itself
        // (a script's URL and banner; a page's inline scripts). Stylesheets carry the same banners (Bootstrap) without
        // the script, so only pages and scripts are read.
        var sightings = new List<(LibrarySighting Sighting, Uri At, string? Place)>();
        if (isPage)
        {
            foreach (var src in PageParser.ScriptSources(exchange.Body, url))
            {
                var own = src.GetLeftPart(UriPartial.Authority) == url.GetLeftPart(UriPartial.Authority);
                sightings.AddRange(ClientLibraryCatalog.Identify(src.AbsoluteUri, null, _libraries)
                    .Select(s => (s, own ? src : url, own ? null : s.Library.Name)));
            }
        }

        sightings.AddRange(ClientLibraryCatalog.Identify(url.AbsoluteUri, isScript || isPage ? exchange.Body : null, _libraries)
            .Select(s => (s, url, (string?)null)));
        foreach (var (sighting, at, place) in sightings.Where(x => x.Sighting.Vulnerable))
        {
            lock (_lock)
            {
                if (!_reported.Add($"{url.Host}:{url.Port}|{sighting.Library.Name}|{sighting.Version}"))
                {
                    continue;
                }
            }

            var refs = FindingRefs.KnownVulnerabilities;
            yield return WebFinding.From(RuleId, $"使用存在已知漏洞的 JavaScript 库：{sighting.Library.Name} {sighting.Version}", sighting.Severity, exchange,
                parameter: place, technique: "component", cwe: "CWE-1395", standardRefs: refs.StandardRefs, highRiskCases: refs.HighRiskCases,
                remediation: $"将 {sighting.Library.Name} 升级到 {sighting.Ranges.Max(r => r.Below)} 或更新的受支持版本，或移除不再使用的副本。",
                extra: new Dictionary<string, string>
                {
                    ["library"] = sighting.Library.Name,
                    ["version"] = sighting.Version.ToString(),
                    ["cves"] = string.Join(", ", sighting.Cves),
                    ["vulnerabilities"] = string.Join("\n", sighting.Ranges.Select(r => $"{string.Join(", ", r.Cves)}：{r.Summary}（{r.Source}）")),
                },
                url: at.AbsoluteUri);
        }
    }
}
