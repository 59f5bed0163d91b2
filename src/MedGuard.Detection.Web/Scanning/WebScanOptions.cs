using MedGuard.Detection.Web.Crawl;
using MedGuard.Detection.Web.Http;
using MedGuard.Detection.Web.Templates;

namespace MedGuard.Detection.Web.Scanning;

public sealed record WebScanOptions
{
    public HttpPipelineOptions Http { get; init; } = new();

    public CrawlOptions Crawl { get; init; } = new();

    /// <summary>Templates to run; null means the bundled ones.</summary>
    public IReadOnlyList<CheckTemplate>? Templates { get; init; }

    public LoginRecipe? Login { get; init; }

    public bool ActiveChecks { get; init; } = true;

    /// <summary>Roots trusted for the TLS checks instead of the system store (a hospital's own CA, a test CA).</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2Collection? TrustedRoots { get; init; }

    /// <summary>
    /// Shortest first delay of a time-based SQL injection probe; raised to twice the endpoint's timing noise when that
    /// is larger. The confirmation uses twice the first delay.
    /// </summary>
    public TimeSpan TimeBasedDelay { get; init; } = TimeSpan.FromSeconds(0.5);

    /// <summary>Called after every request (a live request counter on a terminal).</summary>
    public Action<long>? RequestSent { get; init; }

    /// <summary>Phase messages for a progress display (Chinese).</summary>
    public Action<string>? Progress { get; init; }
}
