using MedGuard.Detection.Web.Crawl;
using MedGuard.Detection.Web.Http;
using MedGuard.Detection.Web.Scanning;

namespace MedGuard.Detection.Web.Templates;

/// <summary>
/// Runs check templates. Identical requests from several templates are sent once and every template's matchers see
/// the shared response (nuclei's clustering). Passive templates are also evaluated on every response the scan sees.
/// </summary>
public sealed class TemplateRunner(SafeHttpPipeline pipeline, IReadOnlyList<CheckTemplate> templates)
{
    private readonly HashSet<string> _reported = [];
    private readonly Lock _lock = new();
    private readonly string _random = Guid.NewGuid().ToString("N")[..10];

    public IReadOnlyList<CheckTemplate> Templates => templates;

    /// <summary>Requests actually sent by the last <see cref="RunRequestsAsync"/> (after clustering).</summary>
    public int UniqueRequests { get; private set; }

    /// <summary>Requests the templates asked for before clustering.</summary>
    public int RequestedRequests { get; private set; }

    public async Task<IReadOnlyList<WebFinding>> RunRequestsAsync(Uri baseUrl, Soft404Profile soft404, CancellationToken cancellationToken)
    {
        var clusters = new Dictionary<string, (ScanRequest Request, bool Follow, List<CheckTemplate> Templates)>(StringComparer.Ordinal);
        var requested = 0;
        foreach (var template in templates.Where(t => t.Schemes.Contains(baseUrl.Scheme, StringComparer.OrdinalIgnoreCase)))
        {
            foreach (var r in template.Requests)
            {
                foreach (var path in r.Paths)
                {
                    var request = Build(baseUrl, r, path);
                    var key = (r.FollowRedirects ? "follow\n" : "") + request.ClusterKey;
                    requested++;
                    if (!clusters.TryGetValue(key, out var cluster))
                    {
                        cluster = (request, r.FollowRedirects, []);
                        clusters[key] = cluster;
                    }

                    cluster.Templates.Add(template);
                }
            }
        }

        RequestedRequests = requested;
        UniqueRequests = clusters.Count;
        var findings = new List<WebFinding>();
        var tasks = clusters.Values.Select(async cluster =>
        {
            HttpExchange exchange;
            try
            {
                exchange = await pipeline.SendAsync(cluster.Request, cluster.Follow, cancellationToken).ConfigureAwait(false);
            }
            catch (ScanRefusedException)
            {
                return;
            }

            foreach (var template in cluster.Templates)
            {
                var finding = Evaluate(template, exchange, soft404);
                if (finding is not null)
                {
                    lock (_lock)
                    {
                        findings.Add(finding);
                    }
                }
            }
        });
        await Task.WhenAll(tasks).ConfigureAwait(false);
        return findings;
    }

    /// <summary>Evaluates the passive templates on a response the scan saw anyway (crawl, active checks).</summary>
    public IReadOnlyList<WebFinding> EvaluatePassive(HttpExchange exchange, Soft404Profile? soft404)
    {
        var list = new List<WebFinding>();
        foreach (var template in templates.Where(t => t.Passive))
        {
            var f = Evaluate(template, exchange, soft404);
            if (f is not null)
            {
                list.Add(f);
            }
        }

        return list;
    }

    private WebFinding? Evaluate(CheckTemplate template, HttpExchange exchange, Soft404Profile? soft404)
    {
        if (exchange.Failed || !template.Schemes.Contains(exchange.Request.Url.Scheme, StringComparer.OrdinalIgnoreCase))
        {
            return null;
        }

        var sample = new ResponseSample(exchange.Status, exchange.Headers, exchange.Body);
        if (!template.Matches(sample))
        {
            return null;
        }

        if (template.Soft404 && soft404 is not null && soft404.LooksNotFound(exchange))
        {
            return null;
        }

        var url = exchange.Request.Url;
        var key = template.OncePerHost ? $"{template.Id}|{url.Host}:{url.Port}" : $"{template.Id}|{url.GetLeftPart(UriPartial.Path)}";
        lock (_lock)
        {
            if (!_reported.Add(key))
            {
                return null;
            }
        }

        var extracted = template.Extract(sample);
        var extra = extracted.Count > 0 ? new Dictionary<string, string> { ["extracted"] = string.Join("\n", extracted) } : null;
        return WebFinding.From(template.Id, template.Title, template.Severity, exchange, cwe: template.Cwe,
            standardRefs: template.StandardRefs, highRiskCases: template.HighRiskCases, remediation: template.Remediation,
            extra: extra, technique: "template");
    }

    private ScanRequest Build(Uri baseUrl, TemplateRequest r, string path)
    {
        path = path.Replace("{{random}}", _random, StringComparison.Ordinal);
        Uri url;
        if (path.StartsWith("{{BaseURL}}", StringComparison.Ordinal))
        {
            var rest = path["{{BaseURL}}".Length..];
            url = rest.Length == 0 ? baseUrl : new Uri(baseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/') + rest);
        }
        else
        {
            url = new Uri(new Uri(baseUrl.GetLeftPart(UriPartial.Authority)), path);
        }

        return new ScanRequest(r.Method, url)
        {
            Headers = [.. r.Headers.Select(h => new KeyValuePair<string, string>(h.Key, h.Value.Replace("{{random}}", _random, StringComparison.Ordinal)))],
            Body = r.Body?.Replace("{{random}}", _random, StringComparison.Ordinal),
            ContentType = r.ContentType,
        };
    }
}
