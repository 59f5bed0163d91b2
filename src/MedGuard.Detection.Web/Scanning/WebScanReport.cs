using MedGuard.Domain.Detection;
using MedGuard.Domain.Findings;

namespace MedGuard.Detection.Web.Scanning;

/// <summary>What a scan of one site produced, plus the figures the seed's summary is made of.</summary>
public sealed record WebScanReport(
    string Target,
    long Requests,
    TimeSpan Duration,
    IReadOnlyList<WebFinding> Findings,
    int PagesCrawled,
    int EndpointsFound,
    int ParametersTested)
{
    /// <summary>What the scan could not cover, and why; empty when it ran to the end (未完成的检测).</summary>
    public IReadOnlyList<string> Limitations { get; init; } = [];

    public bool Complete => Limitations.Count == 0;

    public DateTimeOffset StartedAt { get; init; }

    /// <summary>The origins the scan crawled (<c>https://host:port</c>): what its run covers.</summary>
    public IReadOnlyList<string> CrawledOrigins { get; init; } = [];

    /// <summary>Why the browser crawl ran (<c>--browser on</c>, or what <c>auto</c> saw); null when it did not.</summary>
    public string? BrowserCrawl { get; init; }

    /// <summary>Requests the rendered pages tried to send outside the scope; the browser refused each one.</summary>
    public int BrowserRefusedOutOfScope { get; init; }

    public int Count(Severity severity) => Findings.Count(f => f.Severity == severity);

    /// <summary>Distinct kinds of vulnerability (rule ids), as the seed counts "18 kinds".</summary>
    public int Kinds => Findings.Select(f => f.RuleId).Distinct(StringComparer.Ordinal).Count();

    /// <summary>The seed's summary line: 共发现 N 种漏洞，高危 x 个、中危 y 个、低危 z 个.</summary>
    public string Summary =>
        $"共发现 {Kinds} 种漏洞、{Findings.Count} 个漏洞：高危 {Count(Severity.High)} 个、中危 {Count(Severity.Medium)} 个、低危 {Count(Severity.Low)} 个";

    /// <summary>
    /// The scan as a <see cref="DetectionRun"/>, the shape the writers and the platform share. Each limitation becomes
    /// a coverage note on the site's origin; a weakness found over several methods is one finding (its identity is
    /// origin + path + parameter + rule) listing each <c>METHOD url</c> as a location.
    /// </summary>
    public DetectionRun ToDetectionRun(string scope)
    {
        var origin = Uri.TryCreate(Target, UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Authority) : Target;
        return new DetectionRun
        {
            DetectorId = "web",
            DetectorVersion = DetectionRun.VersionOf(typeof(WebScanReport).Assembly),
            Scope = scope,
            Target = Target,
            StartedAt = StartedAt,
            EndedAt = StartedAt + Duration,
            Statistics = new DetectionStatistics { Requests = Requests },
            Coverage = [.. Limitations.Select(l => new CoverageNote(origin, l))],
            // A report made without crawling (none recorded) still covers the origin it was pointed at.
            Covered = CrawledOrigins.Count > 0 ? CrawledOrigins : [origin],
            Findings = DetectionRun.MergeByFingerprint(Findings.Select(f =>
                f.Finding with { Locations = [.. f.Finding.Locations.Where(l => !l.StartsWith("parameter:", StringComparison.Ordinal))] })),
            Figures =
            [
                new("pagesCrawled", PagesCrawled),
                new("endpointsFound", EndpointsFound),
                new("parametersTested", ParametersTested),
                new("browserRefusedOutOfScope", BrowserRefusedOutOfScope),
            ],
        };
    }
}
