using System.Diagnostics;

namespace MedGuard.Detection.Ports.Scanning;

/// <summary>
/// Connection attempts per second, as a generic cell rate algorithm: each attempt reserves the next slot, so waiters
/// never starve and a burst of about 20 ms is allowed (below that, timer granularity would cap high rates).
/// </summary>
public sealed class RateLimiter
{
    private readonly long _intervalTicks;
    private readonly long _toleranceTicks;
    private readonly Lock _gate = new();
    private long _theoreticalArrival;

    public RateLimiter(double perSecond)
    {
        if (perSecond <= 0)
        {
            return;
        }

        _intervalTicks = (long)(Stopwatch.Frequency / perSecond);
        _toleranceTicks = Math.Max(_intervalTicks, Stopwatch.Frequency / 50);
    }

    public bool Unlimited => _intervalTicks == 0;

    public ValueTask WaitAsync(CancellationToken cancellationToken)
    {
        if (Unlimited)
        {
            return ValueTask.CompletedTask;
        }

        long waitTicks;
        lock (_gate)
        {
            var now = Stopwatch.GetTimestamp();
            var tat = Math.Max(_theoreticalArrival, now);
            waitTicks = tat - _toleranceTicks - now;
            _theoreticalArrival = tat + _intervalTicks;
        }

        return waitTicks <= 0
            ? ValueTask.CompletedTask
            : new ValueTask(Task.Delay(TimeSpan.FromSeconds((double)waitTicks / Stopwatch.Frequency), cancellationToken));
    }
}
