using MedGuard.Domain.Findings;

namespace MedGuard.Detection.Logic.Scenarios;

/// <summary>
/// A business-logic test as data (业务逻辑检测场景): metadata (risk kind, severity, CWE, OWASP API 2023, OAT, GB/T 22239
/// items), the identities it needs, a hard budget, and four step lists — setup (must succeed), probe (the attack;
/// its exchange decides), proof (a follow-up read showing the state changed or not) and cleanup (always runs).
/// Operation names refer to a <see cref="Profiles.ServiceProfile"/>, so one scenario fits many hospitals (docs/logic-scenarios.md).
/// </summary>
public sealed record Scenario
{
    public required string Id { get; init; }

    public required string Title { get; init; }

    /// <summary>Kind of risk as the report groups them (越权访问, 放号窗口, 黄牛抢号, 金额篡改, 信息泄露).</summary>
    public required string Risk { get; init; }

    public required Severity Severity { get; init; }

    /// <summary>CWE-639, CWE-285, CWE-841, CWE-602, CWE-799, CWE-837…</summary>
    public required IReadOnlyList<string> Cwe { get; init; }

    /// <summary>OWASP API Security Top 10 2023 id (API1:2023…).</summary>
    public string? Owasp { get; init; }

    /// <summary>OWASP Automated Threats id (OAT-005 Scalping…).</summary>
    public string? Oat { get; init; }

    /// <summary>GB/T 22239-2019 items as GB/T 28448 unit codes (L3-CES1-09).</summary>
    public IReadOnlyList<string> StandardRefs { get; init; } = [];

    public string? Description { get; init; }

    /// <summary>
    /// The scenario measures the anti-automation controls themselves (burst limit, cancel freeze): a refusal with the
    /// profile's anti-automation code is then the control holding, not a probe that never reached its target.
    /// </summary>
    public bool MeasuresAntiAutomation { get; init; }

    public string? Remediation { get; init; }

    /// <summary>The identities the scenario uses by name (A, B…); <c>anonymous</c> needs none.</summary>
    public IReadOnlyList<string> Identities { get; init; } = [];

    /// <summary>Most requests the scenario may send before its cleanup (a breach stops it).</summary>
    public int MaxRequests { get; init; } = 40;

    /// <summary>Most requests per second the scenario may send to the host (capped again by the scope).</summary>
    public double? MaxRatePerSecond { get; init; }

    public IReadOnlyList<ScenarioStep> Setup { get; init; } = [];

    public IReadOnlyList<ScenarioStep> Probe { get; init; } = [];

    public IReadOnlyList<ScenarioStep> Proof { get; init; } = [];

    public IReadOnlyList<ScenarioStep> Cleanup { get; init; } = [];

    public required string Source { get; init; }

    public int Line { get; init; }
}
