using MedGuard.Detection.Logic.Profiles;
using MedGuard.Detection.Logic.Scenarios;
using MedGuard.Domain.Scope;

namespace MedGuard.Detection.Logic;

/// <summary>Everything a logic scan needs; the CLI and the platform's campaign worker build it the same way.</summary>
public sealed record LogicScanOptions
{
    /// <summary>The authorized scope: every request is checked against it (and the base URL before anything is sent).</summary>
    public required AuthorizedScope Scope { get; init; }

    /// <summary>The scope as the run records it (file name and entries).</summary>
    public string? ScopeDescription { get; init; }

    /// <summary>
    /// The detectors the authorization names, when the platform runs the scan (the spine's AssetAuthorization); the
    /// scan refuses to start unless it names <c>logic</c>. Null from the CLI, where the scope file is the authorization.
    /// </summary>
    public IReadOnlyCollection<string>? AuthorizedDetectors { get; init; }

    public required ServiceProfile Profile { get; init; }

    /// <summary>The service's base URL; the profile's baseUrl, or the scope's only origin, when not given.</summary>
    public Uri? BaseUrl { get; init; }

    public required IReadOnlyList<Scenario> Scenarios { get; init; }

    public required IReadOnlyList<TestIdentity> Identities { get; init; }

    /// <summary>Hard cap on the whole run's requests before cleanup (each scenario also has its own budget).</summary>
    public int MaxRequests { get; init; } = 500;

    /// <summary>Requests per second to the host (the scope's maxRatePerHost caps it).</summary>
    public double RatePerSecond { get; init; } = 20;

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Responses are cut at this size (a huge page cannot exhaust memory).</summary>
    public int MaxResponseBytes { get; init; } = 512 * 1024;

    /// <summary>"Today" for date variables ({{$today+7}}); China time by default.</summary>
    public DateOnly? Today { get; init; }

    /// <summary>Called with each scenario's outcome as it ends (progress display).</summary>
    public Action<Running.ScenarioOutcome>? Progress { get; init; }
}
