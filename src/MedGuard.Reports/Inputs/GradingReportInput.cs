namespace MedGuard.Reports.Inputs;

/// <summary>What the 定级报告 needs (DOMAIN.md §3, the 2025 structure). <see cref="Grading"/> null = not graded yet.</summary>
public sealed record GradingReportInput(UnitFacts Unit, SystemFacts System, GradingFacts? Grading, DateOnly IssuedOn);

/// <summary>What the 备案表 (表一–表六) needs. <paramref name="LevelCounts"/>: the unit's objects per level (1–5).</summary>
public sealed record FilingFormInput(
    UnitFacts Unit,
    SystemFacts System,
    GradingFacts? Grading,
    FilingFacts? Filing,
    IReadOnlyDictionary<int, int> LevelCounts,
    IReadOnlyList<string> Extensions,
    DateOnly IssuedOn);
