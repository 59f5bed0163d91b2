namespace MedGuard.Reports.Inputs;

/// <summary>What the 整改通知 to one institution needs: its open findings from remote detection.</summary>
public sealed record DetectionNoticeInput(UnitFacts Unit, string Issuer, DateOnly IssuedOn, IReadOnlyList<NoticeFinding> Findings);

/// <summary>
/// One finding. <see cref="Evidence"/> is the decrypted evidence; the notice masks personal data in it
/// (<see cref="MedGuard.Domain.Findings.EvidenceMask"/>) whatever the caller passed.
/// </summary>
public sealed record NoticeFinding
{
    public required string Asset { get; init; }

    public string? System { get; init; }

    /// <summary>Detector: ports / web / apk / logic / tls.</summary>
    public required string Detector { get; init; }

    public required string RuleId { get; init; }

    public required string Title { get; init; }

    public required MedGuard.Domain.Findings.Severity Severity { get; init; }

    public required string Target { get; init; }

    public string? Evidence { get; init; }

    /// <summary>GB/T 22239 items (28448 unit codes or clause citations).</summary>
    public IReadOnlyList<string> StandardRefs { get; init; } = [];

    public string? Cwe { get; init; }

    public string? Remediation { get; init; }

    public DateOnly? DueOn { get; init; }

    public required string Status { get; init; }

    public DateOnly FirstSeen { get; init; }
}
