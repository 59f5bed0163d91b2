using MedGuard.Domain.Findings;

namespace MedGuard.Detection.Ports.Policy;

/// <summary>One rule of the high-risk port policy (Data/high-risk-ports.json).</summary>
public sealed record PolicyRule
{
    public required string Id { get; init; }

    /// <summary>The finding's rule id: high_risk_port, unauthenticated_service, tls_certificate…</summary>
    public required string RuleId { get; init; }

    public required string Title { get; init; }

    public required Severity Severity { get; init; }

    public required string Why { get; init; }

    public IReadOnlySet<int> Ports { get; init; } = new HashSet<int>();

    public IReadOnlySet<string> Services { get; init; } = new HashSet<string>();

    public IReadOnlyList<string> Flags { get; init; } = [];

    public IReadOnlyList<string> StandardRefs { get; init; } = [];

    public IReadOnlyList<string> HighRiskCases { get; init; } = [];

    public string? Remediation { get; init; }

    public IReadOnlyList<PortObservation> PositiveExamples { get; init; } = [];

    public IReadOnlyList<PortObservation> NegativeExamples { get; init; } = [];

    public bool Matches(PortObservation o)
    {
        var bySelector = (Ports.Count == 0 && Services.Count == 0)
            || Ports.Contains(o.Port)
            || (o.Service is not null && Services.Contains(o.Service));
        return bySelector && Flags.All(o.Flags.Contains);
    }
}
