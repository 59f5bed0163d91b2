using System.Globalization;

namespace MedGuard.Domain.Scope;

/// <summary>
/// When the authorization allows detection (允许检测时段): a daily window in China time (UTC+8, hospitals agree on
/// off-peak hours) and the dates the authorization letter is valid for. A window whose end is before its start runs
/// over midnight (22:00–06:00).
/// </summary>
public sealed record ScanWindow(TimeOnly? DailyFrom, TimeOnly? DailyTo, DateOnly? ValidFrom, DateOnly? ValidUntil)
{
    private static readonly TimeSpan ChinaOffset = TimeSpan.FromHours(8);

    /// <summary>Why <paramref name="now"/> is outside the window, or null when detection is allowed then.</summary>
    public string? Refusal(DateTimeOffset now)
    {
        var local = now.ToOffset(ChinaOffset);
        var date = DateOnly.FromDateTime(local.DateTime);
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
            var time = TimeOnly.FromDateTime(local.DateTime);
            var inside = start <= end ? time >= start && time < end : time >= start || time < end;
            if (!inside)
            {
                return $"当前北京时间 {time:HH\\:mm} 不在允许检测时段 {start:HH\\:mm}–{end:HH\\:mm} 内";
            }
        }

        return null;
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
