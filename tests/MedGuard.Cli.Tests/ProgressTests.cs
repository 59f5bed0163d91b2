using MedGuard.Cli.Progress;

namespace MedGuard.Cli.Tests;

/// <summary>
/// Progress of long work (port sweep, web scan) on stderr: the line's rate and time left, and when it is drawn at all
/// (a person at a terminal only — never into a pipe, a log, CI, or over JSON written to stdout).
/// </summary>
public sealed class ProgressTests
{
    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    [Fact]
    public void RateAndTimeLeftComeFromTheLastSecondsOfWork()
    {
        var meter = new ProgressMeter("端口");

        // Nothing done yet: no rate, no estimate.
        var start = meter.Sample(S(0), 0, 65535);
        Assert.Equal(0, start.PerSecond);
        Assert.Null(start.Remaining);
        Assert.Equal("0/65,535 端口 · -- 端口/秒 · 剩余 --", meter.Describe(start));

        // 10,000 ports a second for two seconds.
        meter.Sample(S(1), 10_000, 65535);
        var fast = meter.Sample(S(2), 20_000, 65535);
        Assert.Equal(10_000, fast.PerSecond, precision: 6);
        Assert.InRange(fast.Remaining!.Value.TotalSeconds, 4.553, 4.554);
        Assert.Equal("20,000/65,535 端口 · 10,000 端口/秒 · 剩余 0:05", meter.Describe(fast));

        // Then a firewall: 100 a second for 10 s. The estimate follows the new pace once the old samples age out.
        ProgressReading slow = default;
        for (var t = 3; t <= 12; t++)
        {
            slow = meter.Sample(S(t), 20_000 + ((t - 2) * 100), 65535);
        }

        Assert.Equal(100, slow.PerSecond, precision: 6);
        Assert.Equal("21,000/65,535 端口 · 100 端口/秒 · 剩余 7:26", meter.Describe(slow));
    }

    [Fact]
    public void WithoutAKnownTotalTheLineCountsAndHasNoEstimate()
    {
        var meter = new ProgressMeter("请求");
        meter.Sample(S(0), 0, 0);
        var reading = meter.Sample(S(2), 50, 0);
        Assert.Null(reading.Remaining);
        Assert.Equal("50 请求 · 25 请求/秒 · 剩余 --", meter.Describe(reading));
    }

    [Fact]
    public void TimeLeftReadsAsAClock()
    {
        Assert.Equal("0:00", ProgressMeter.Clock(TimeSpan.Zero));
        Assert.Equal("0:01", ProgressMeter.Clock(S(0.2)));
        Assert.Equal("2:05", ProgressMeter.Clock(S(125)));
        Assert.Equal("1:00:01", ProgressMeter.Clock(S(3601)));
    }

    [Theory]
    [InlineData(true, "table", false, false, true)]
    [InlineData(true, "json", true, false, true)] // JSON to a file: stdout is free, the terminal shows progress
    [InlineData(true, "json", false, false, false)] // JSON on stdout: quiet
    [InlineData(true, "sarif", false, false, false)]
    [InlineData(true, "nmap-xml", false, false, false)]
    [InlineData(false, "table", false, false, false)] // stderr is a pipe or a file
    [InlineData(true, "table", false, true, false)] // CI
    public void DrawnOnlyForAPersonAtATerminal(bool terminal, string format, bool toFile, bool ci, bool shown) =>
        Assert.Equal(shown, TerminalProgress.ShouldShow(terminal, format, toFile, ci));

    [Fact]
    public void AWriterOtherThanTheProcessStderrIsNeverDrawnOn() =>
        Assert.False(TerminalProgress.ShouldShow(new StringWriter(), "table", toFile: false));

    [Fact]
    public void QuietRunStillReturnsTheResultAndItsFailure()
    {
        Assert.Equal(42, TerminalProgress.Run(Task.FromResult(42), show: false, "x", new ProgressMeter("端口"), () => 0, () => 0));
        var failure = Task.FromException<int>(new InvalidDataException("坏数据"));
        Assert.Throws<InvalidDataException>(() => TerminalProgress.Run(failure, show: false, "x", new ProgressMeter("端口"), () => 0, () => 0));
    }
}
