namespace MedGuard.Domain.Platform;

/// <summary>
/// China Standard Time (UTC+8, no daylight saving): the clock dates in the platform are read on — an authorization
/// "valid until 2026-12-31" ends at midnight in Beijing, whatever the server's zone.
/// </summary>
public static class ChinaStandardTime
{
    public static readonly TimeSpan Offset = TimeSpan.FromHours(8);

    public static DateTimeOffset At(DateTimeOffset instant) => instant.ToOffset(Offset);

    public static DateOnly DateOf(DateTimeOffset instant) => DateOnly.FromDateTime(At(instant).DateTime);

    public static TimeOnly TimeOf(DateTimeOffset instant) => TimeOnly.FromDateTime(At(instant).DateTime);
}
