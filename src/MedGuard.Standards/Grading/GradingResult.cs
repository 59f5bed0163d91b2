namespace MedGuard.Standards.Grading;

/// <summary>The outcome of grading: S and A levels, the final level, and why.</summary>
public sealed record GradingResult(
    int Level,
    int InformationLevel,
    int ServiceLevel,
    string Edition,
    IReadOnlyList<string> Reasons,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<GradingStep> NextSteps)
{
    /// <summary>S{information}A{service}, as filings write it: S3A1.</summary>
    public string Notation => $"S{InformationLevel}A{ServiceLevel}";

    /// <summary>Whether a special rule raised the level above max(S, A).</summary>
    public bool Raised => Level > Math.Max(InformationLevel, ServiceLevel);
}

/// <summary>One step of the grading and filing flow, with what it needs at this level.</summary>
public sealed record GradingStep(string Name, bool Required, string Detail, DateOnly? DueOn = null, string? Status = null);
