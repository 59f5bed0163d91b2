namespace MedGuard.Standards.Obligations;

/// <summary>The dates and facts of one protected system that its obligations follow from.</summary>
public sealed record ObligationFacts
{
    public required int Level { get; init; }

    public bool IsCriticalInfrastructure { get; init; }

    public DateOnly? GradedOn { get; init; }

    public DateOnly? FiledOn { get; init; }

    /// <summary>Issue date of the 备案证明; the filing date is used when unknown.</summary>
    public DateOnly? CertificateIssuedOn { get; init; }

    /// <summary>Completion dates of 等级测评 (any order).</summary>
    public IReadOnlyList<DateOnly> AssessmentDates { get; init; } = [];
}
