using Cronos;
using MedGuard.Domain.Campaigns;
using MedGuard.Domain.Platform;
using MedGuard.Domain.Scope;

namespace MedGuard.Storage.Campaigns;

/// <summary>When a campaign's rounds fire and when its daily window opens, in Beijing time.</summary>
public static class CampaignSchedule
{
    /// <summary>Asia/Shanghai from the system's zone data, or the fixed UTC+8 it amounts to (China has no daylight saving).</summary>
    public static TimeZoneInfo Zone { get; } = FindZone();

    private static TimeZoneInfo FindZone()
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(Campaign.TimeZoneId);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return TimeZoneInfo.CreateCustomTimeZone(Campaign.TimeZoneId, ChinaStandardTime.Offset, "北京时间", "北京时间");
        }
    }

    /// <summary>Parses a five-field cron expression, or throws <see cref="CampaignException"/> naming it and why.</summary>
    public static CronExpression ParseCron(string? text)
    {
        var expression = text?.Trim() ?? "";
        if (expression.Length == 0)
        {
            throw new CampaignException("周期计划必须给出 cron 表达式（五段：分 时 日 月 周，北京时间，如 \"0 2 1 * *\" 表示每月 1 日 02:00）");
        }

        try
        {
            return CronExpression.Parse(expression, CronFormat.Standard);
        }
        catch (CronFormatException)
        {
            // Cronos's own message is English (and may quote a NUL it read past the end): the user gets the field count.
            var fields = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
            var why = fields == 5 ? "某段的取值超出范围或含无法识别的字符" : $"收到 {fields} 段";
            throw new CampaignException($"cron 表达式 \"{expression}\" 无法解析（应为五段：分 时 日 月 周，北京时间，如 \"0 2 1 * *\"；{why}）");
        }
    }

    /// <summary>The cron's next firing strictly after <paramref name="after"/>, or null when it never fires again.</summary>
    public static DateTimeOffset? NextCron(string cron, DateTimeOffset after) =>
        ParseCron(cron).GetNextOccurrence(after, Zone);

    /// <summary>
    /// When the daily window (<c>22:00-06:00</c>, Beijing time) next admits detection at or after
    /// <paramref name="now"/>: now itself when inside, else the window's next start. Null window = now.
    /// </summary>
    public static DateTimeOffset NextWindowStart(string? window, DateTimeOffset now)
    {
        if (window is null || !ScanWindow.TryParseDaily(window, out var from, out var to))
        {
            return now;
        }

        var local = ChinaStandardTime.At(now);
        if (ScanWindow.DailyIncludes(from, to, TimeOnly.FromDateTime(local.DateTime)))
        {
            return now;
        }

        var start = new DateTimeOffset(local.Date + from.ToTimeSpan(), ChinaStandardTime.Offset);
        return start > local ? start : start.AddDays(1);
    }

    /// <summary>Whether <paramref name="now"/> lies in the daily window (always, for no window).</summary>
    public static bool InWindow(string? window, DateTimeOffset now) => NextWindowStart(window, now) == now;
}
