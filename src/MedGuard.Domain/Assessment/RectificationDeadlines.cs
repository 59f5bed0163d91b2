namespace MedGuard.Domain.Assessment;

/// <summary>
/// 整改时限 — how many days a rectification task gets from the day it is created: a high risk or major hazard 30 days,
/// any other shortfall 90. The one source for the lifecycle (tasks from an assessment) and for findings
/// (<see cref="Findings.FindingSla"/>'s defaults).
/// </summary>
public static class RectificationDeadlines
{
    public const int HighRiskDays = 30;

    public const int OtherDays = 90;

    public static int DaysFor(bool highRiskOrMajorHazard) => highRiskOrMajorHazard ? HighRiskDays : OtherDays;
}
