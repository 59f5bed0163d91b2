using System.Globalization;

namespace MedGuard.Cli.Progress;

/// <summary>
/// Rate and time left of long work (a port sweep, a web scan), from samples of how much of it is done. The rate is
/// taken over the last few seconds, so it follows a sweep that slows down at a firewall or a web scan that moves
/// from crawling to slower active checks; until that window fills, over everything so far.
/// </summary>
internal sealed class ProgressMeter
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(5);
    private readonly Queue<(TimeSpan At, long Done)> _samples = new();

    public ProgressMeter(string unit) => Unit = unit;

    /// <summary>What is counted, as the line reads it (端口, 请求).</summary>
    public string Unit { get; }

    /// <summary>Records that <paramref name="done"/> of <paramref name="total"/> are done <paramref name="elapsed"/> after the start.</summary>
    public ProgressReading Sample(TimeSpan elapsed, long done, long total)
    {
        _samples.Enqueue((elapsed, done));
        while (_samples.Count > 2 && elapsed - _samples.Peek().At > Window)
        {
            _samples.Dequeue();
        }

        var (since, doneThen) = _samples.Count > 1 && elapsed - _samples.Peek().At >= TimeSpan.FromSeconds(1)
            ? _samples.Peek()
            : (TimeSpan.Zero, 0L);
        var seconds = (elapsed - since).TotalSeconds;
        var rate = seconds > 0 ? Math.Max(0, done - doneThen) / seconds : 0;
        TimeSpan? left = total <= 0 || rate <= 0 ? null : TimeSpan.FromSeconds(Math.Max(0, total - done) / rate);
        return new ProgressReading(done, total, rate, left);
    }

    /// <summary>The line shown beside the bar: "12,345/65,535 端口 · 4,321 端口/秒 · 剩余 0:12".</summary>
    public string Describe(ProgressReading reading)
    {
        var culture = CultureInfo.InvariantCulture;
        var count = reading.Total > 0
            ? string.Format(culture, "{0:N0}/{1:N0} {2}", reading.Done, reading.Total, Unit)
            : string.Format(culture, "{0:N0} {1}", reading.Done, Unit);
        var rate = reading.PerSecond > 0 ? string.Format(culture, "{0:N0} {1}/秒", reading.PerSecond, Unit) : $"-- {Unit}/秒";
        return $"{count} · {rate} · 剩余 {(reading.Remaining is { } left ? Clock(left) : "--")}";
    }

    /// <summary>m:ss, or h:mm:ss from an hour on.</summary>
    public static string Clock(TimeSpan span)
    {
        var seconds = (long)Math.Ceiling(span.TotalSeconds);
        return seconds >= 3600
            ? string.Format(CultureInfo.InvariantCulture, "{0}:{1:00}:{2:00}", seconds / 3600, seconds / 60 % 60, seconds % 60)
            : string.Format(CultureInfo.InvariantCulture, "{0}:{1:00}", seconds / 60, seconds % 60);
    }
}

/// <summary>One sample of long work: how much is done of how much, how fast, and how long is left at that pace.</summary>
internal readonly record struct ProgressReading(long Done, long Total, double PerSecond, TimeSpan? Remaining);
