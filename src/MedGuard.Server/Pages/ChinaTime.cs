using System.Globalization;

namespace MedGuard.Server.Pages;

/// <summary>
/// Every time a page shows is China Standard Time (Asia/Shanghai), whatever the server's own time zone: the users are
/// in China and the audit trail is read against their clocks. China keeps one offset all year.
/// </summary>
public static class ChinaTime
{
    public static TimeZoneInfo Zone { get; } = Find();

    /// <summary>A UTC instant as a reader in China writes it, e.g. 2026-07-01 09:30:00.</summary>
    public static string Show(DateTime utc, string format = "yyyy-MM-dd HH:mm:ss") =>
        TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), Zone).ToString(format, CultureInfo.InvariantCulture);

    /// <summary>To the minute, as lists show it.</summary>
    public static string Minutes(DateTime utc) => Show(utc, "yyyy-MM-dd HH:mm");

    private static TimeZoneInfo Find()
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return TimeZoneInfo.CreateCustomTimeZone("Asia/Shanghai", TimeSpan.FromHours(8), "中国标准时间", "中国标准时间");
        }
    }
}
