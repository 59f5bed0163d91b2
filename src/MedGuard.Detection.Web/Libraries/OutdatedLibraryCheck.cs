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

        // Stylesheets carry the same banners (Bootstrap) without the script: only pages and scripts are read.
        var addresses = isPage ? url.AbsoluteUri + "\n" + exchange.Body : url.AbsoluteUri;
        var script = isScript || isPage ? exchange.Body : null;
        foreach (var sighting in ClientLibraryCatalog.Identify(addresses, script, _libraries).Where(s => s.Vulnerable))
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
                technique: "component", cwe: "CWE-1395", standardRefs: refs.StandardRefs, highRiskCases: refs.HighRiskCases,
                remediation: $"将 {sighting.Library.Name} 升级到 {sighting.Ranges.Max(r => r.Below)} 或更新的受支持版本，或移除不再使用的副本。",
                extra: new Dictionary<string, string>
                {
                    ["library"] = sighting.Library.Name,
                    ["version"] = sighting.Version.ToString(),
                    ["cves"] = string.Join(", ", sighting.Cves),
                    ["vulnerabilities"] = string.Join("\n", sighting.Ranges.Select(r => $"{string.Join(", ", r.Cves)}：{r.Summary}（{r.Source}）")),
                });
        }
    }
}
