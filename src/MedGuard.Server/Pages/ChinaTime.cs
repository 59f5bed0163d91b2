using System.Globalization;
using MedGuard.Domain.Platform;

namespace MedGuard.Server.Pages;

/// <summary>
/// Every time a page shows is China Standard Time, whatever the server's own time zone: the users are in China and the
/// audit trail is read against their clocks. One offset all year (<see cref="ChinaStandardTime"/>, shared with the
/// engines and storage).
/// </summary>
public static class ChinaTime
{
    /// <summary>A UTC instant as a reader in China writes it, e.g. 2026-07-01 09:30:00.</summary>
    public static string Show(DateTime utc, string format = "yyyy-MM-dd HH:mm:ss") =>
        ChinaStandardTime.At(new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc))).ToString(format, CultureInfo.InvariantCulture);

    /// <summary>To the minute, as lists show it.</summary>
    public static string Minutes(DateTime utc) => Show(utc, "yyyy-MM-dd HH:mm");

    /// <summary>The instant a China calendar day begins, in UTC.</summary>
    public static DateTime StartOfDayUtc(DateOnly day) =>
        new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), ChinaStandardTime.Offset).UtcDateTime;
}
