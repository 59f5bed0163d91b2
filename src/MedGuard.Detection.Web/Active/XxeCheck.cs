using System.Text.RegularExpressions;
using MedGuard.Detection.Web.Crawl;
using MedGuard.Detection.Web.Http;
using MedGuard.Detection.Web.Scanning;
using MedGuard.Domain.Findings;

namespace MedGuard.Detection.Web.Active;

/// <summary>
/// XML external entity risk (XXE) on endpoints that take XML: posts a document whose DTD declares two INTERNAL entities
/// holding halves of a random marker and reports when the joined marker comes back — the parser expands DTD entities,
/// the precondition of XXE. The payload never names a file, URL or external entity (nothing leaves the server, nothing
/// is read), and an endpoint that merely echoes the body shows the halves apart, not joined. A second marker confirms.
/// Candidates: responses that were XML, SOAP-style paths (.asmx, .svc, /ws/, /soap, /xml), endpoints whose requests
/// carried XML; at most <see cref="MaxEndpoints"/>, each once.
/// </summary>
public sealed partial class XxeCheck
{
    public const string RuleId = "xxe";
    public const int MaxEndpoints = 20;

    public async Task RunAsync(SafeHttpPipeline pipeline, CrawlResult crawl, Action<WebFinding> add, CancellationToken cancellationToken)
    {
        foreach (var url in Candidates(crawl).Take(MaxEndpoints))
        {
            if (pipeline.IsHostSkipped(url))
            {
                return;
            }

            var first = await ProbeAsync(pipeline, url, cancellationToken).ConfigureAwait(false);
            if (first is null)
            {
                continue;
            }

            var second = await ProbeAsync(pipeline, url, cancellationToken).ConfigureAwait(false);
            if (second is null)
            {
                continue;
            }

            add(WebFinding.From(RuleId, "XML 接口解析 DTD 实体（XML 外部实体注入风险）", Severity.Medium, first.Value.Exchange, technique: "entity",
                cwe: "CWE-611", standardRefs: InjectionRefs.InputValidation, highRiskCases: [],
                remediation: "XML 解析器禁用 DTD（.NET DtdProcessing.Prohibit；Java 设置 disallow-doctype-decl；PHP 不使用 LIBXML_NOENT/LIBXML_DTDLOAD；Python 使用 defusedxml），或拒绝含 <!DOCTYPE 的请求。",
                extra: new Dictionary<string, string>
                {
                    ["marker"] = first.Value.Marker,
                    ["confirmRequest"] = second.Value.Exchange.RawRequest,
                    ["note"] = "检测只声明内部实体并比对其展开结果，未引用任何外部文件或地址",
                }));
        }
    }

    /// <summary>Where XML is accepted, by what the crawl saw; SOAP-style paths first.</summary>
    public static IEnumerable<Uri> Candidates(CrawlResult crawl)
    {
        var fromPaths = crawl.Pages.Select(p => p.Request.Url).Concat(crawl.Endpoints.Select(e => e.Url)).Where(u => XmlPath().IsMatch(u.AbsolutePath));
        var fromResponses = crawl.Pages.Where(p => IsXml(p.ContentType) && !p.Request.Url.AbsolutePath.EndsWith(".xml", StringComparison.OrdinalIgnoreCase))
            .Select(p => p.Request.Url);
        var fromRequests = crawl.Pages.Where(p => IsXml(p.Request.ContentType ?? "")).Select(p => p.Request.Url);
        return fromPaths.Concat(fromRequests).Concat(fromResponses)
            .Where(u => !StateChangingEndpoint.IsLikely(new Endpoint("POST", u, [])))
            .Select(u => new Uri(u.GetLeftPart(UriPartial.Path)))
            .DistinctBy(u => u.AbsoluteUri, StringComparer.Ordinal);
    }

    private static bool IsXml(string contentType) => contentType.Contains("xml", StringComparison.OrdinalIgnoreCase)
        && !contentType.Contains("html", StringComparison.OrdinalIgnoreCase);

    private static async Task<(HttpExchange Exchange, string Marker)?> ProbeAsync(SafeHttpPipeline pipeline, Uri url, CancellationToken cancellationToken)
    {
        var token = Guid.NewGuid().ToString("N")[..10];
        var marker = $"MGXXE{token}";
        var body = $"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<!DOCTYPE r [<!ENTITY mga \"MGXXE\"><!ENTITY mgb \"{token}\">]>\n<r>&mga;&mgb;</r>";
        var soap = url.AbsolutePath.EndsWith(".asmx", StringComparison.OrdinalIgnoreCase) || url.AbsolutePath.EndsWith(".svc", StringComparison.OrdinalIgnoreCase);
        var request = new ScanRequest("POST", url) { Body = body, ContentType = soap ? "text/xml; charset=utf-8" : "application/xml; charset=utf-8" };
        try
        {
            var exchange = await pipeline.SendAsync(request, cancellationToken: cancellationToken).ConfigureAwait(false);
            return !exchange.Failed && exchange.Body.Contains(marker, StringComparison.Ordinal) ? (exchange, marker) : null;
        }
        catch (ScanRefusedException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"(?i)(\.asmx|\.svc|/ws|/soap|/xml|xmlrpc|/services?/)(/|$|\.|\b)")]
    private static partial Regex XmlPath();
}
