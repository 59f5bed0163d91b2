using System.Globalization;
using MedGuard.Domain.Platform;

namespace MedGuard.Domain.Scope;

/// <summary>
/// When the authorization allows detection (允许检测时段): a daily window in China time (UTC+8, hospitals agree on
/// off-peak hours) and the dates the authorization letter is valid for. A window whose end is before its start runs
/// over midnight (22:00–06:00).
/// </summary>
public sealed record ScanWindow(TimeOnly? DailyFrom, TimeOnly? DailyTo, DateOnly? ValidFrom, DateOnly? ValidUntil)
{
    /// <summary>Why <paramref name="now"/> is outside the window, or null when detection is allowed then.</summary>
    public string? Refusal(DateTimeOffset now)
    {
        var date = ChinaStandardTime.DateOf(now);
        if (ValidFrom is { } from && date < from)
        {
            return $"授权自 {from:yyyy-MM-dd} 起生效，今天（{date:yyyy-MM-dd}）尚未生效";
        }

        if (ValidUntil is { } until && date > until)
        {
            return $"授权已于 {until:yyyy-MM-dd} 到期";
        }

        if (DailyFrom is { } start && DailyTo is { } end)
        {
            var time = ChinaStandardTime.TimeOf(now);
            if (!DailyIncludes(start, end, time))
            {
                return $"当前北京时间 {time:HH\\:mm} 不在允许检测时段 {start:HH\\:mm}–{end:HH\\:mm} 内";
            }
        }

        return null;
    }

    /// <summary>Whether <paramref name="time"/> lies in the daily window from–to (a window ending before it starts runs over midnight).</summary>
    public static bool DailyIncludes(TimeOnly from, TimeOnly to, TimeOnly time) =>
        from <= to ? time >= from && time < to : time >= from || time < to;

    /// <summary>Reads a daily window as people write it, <c>22:00-06:00</c> (China time); start and end must differ.</summary>
    public static bool TryParseDaily(string? text, out TimeOnly from, out TimeOnly to)
    {
        from = to = default;
        var parts = (text ?? "").Split('-', 2, StringSplitOptions.TrimEntries);
        return parts.Length == 2
            && TimeOnly.TryParseExact(parts[0], "H:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out from)
            && TimeOnly.TryParseExact(parts[1], "H:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out to)
            && from != to;
    }

    public override string ToString()
    {
        var parts = new List<string>();
        if (DailyFrom is { } s && DailyTo is { } e)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"每日 {s:HH\\:mm}–{e:HH\\:mm}"));
        }

        if (ValidFrom is not null || ValidUntil is not null)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"有效期 {ValidFrom?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "…"} 至 {ValidUntil?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "…"}"));
        }

        return string.Join("，", parts);
    }
}
