using MedGuard.Domain.Assessment;

namespace MedGuard.Domain.Findings;

/// <summary>
/// 整改时限 per severity for detection findings, as configuration. The defaults are the platform's rectification
/// deadlines (<see cref="RectificationDeadlines"/>): 高 30 days, 中 and 低 90; informational findings get none.
/// </summary>
public sealed record FindingSla
{
    public static FindingSla Default { get; } = new();

    public int? HighDays { get; init; } = RectificationDeadlines.HighRiskDays;

    public int? MediumDays { get; init; } = RectificationDeadlines.OtherDays;

    public int? LowDays { get; init; } = RectificationDeadlines.OtherDays;

    public int? InfoDays { get; init; }

    public int? DaysFor(Severity severity) => severity switch
    {
        Severity.High => HighDays,
        Severity.Medium => MediumDays,
        Severity.Low => LowDays,
        _ => InfoDays,
    };

    /// <summary>The deadline of a finding of this severity first seen on <paramref name="firstSeen"/>; null when the severity has none.</summary>
    public DateOnly? DueOn(Severity severity, DateOnly firstSeen) => DaysFor(severity) is { } days ? firstSeen.AddDays(days) : null;
}
