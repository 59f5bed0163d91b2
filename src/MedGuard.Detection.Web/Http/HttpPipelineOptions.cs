namespace MedGuard.Detection.Web.Http;

/// <summary>Limits that keep a scan gentle enough to point at a hospital's production site.</summary>
public sealed record HttpPipelineOptions
{
    /// <summary>Requests per second over all hosts.</summary>
    public double GlobalRatePerSecond { get; init; } = 50;

    /// <summary>Requests per second to one host:port.</summary>
    public double PerHostRatePerSecond { get; init; } = 20;

    public int GlobalConcurrency { get; init; } = 8;

    public int PerHostConcurrency { get; init; } = 4;

    /// <summary>Most requests sent to one host:port in one scan; the scan stops checking that host past it.</summary>
    public int RequestBudgetPerHost { get; init; } = 5000;

    /// <summary>Response bodies are cut at this size so a huge download cannot exhaust memory.</summary>
    public int MaxResponseBytes { get; init; } = 2 * 1024 * 1024;

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A host that fails this many times in a row (timeouts, resets) is skipped for the rest of the scan.</summary>
    public int MaxConsecutiveFailures { get; init; } = 5;

    /// <summary>Safe mode (默认开启): only GET, HEAD, POST, OPTIONS and TRACE; no destructive methods.</summary>
    public bool SafeMode { get; init; } = true;

    public int MaxRedirects { get; init; } = 5;

    public string UserAgent { get; init; } = "Mozilla/5.0 (compatible; MedGuard-WebScanner/1.0; authorized security test)";
}
