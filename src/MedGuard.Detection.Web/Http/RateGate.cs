using System.Diagnostics;

namespace MedGuard.Detection.Web.Http;

/// <summary>Spaces requests evenly: each caller gets the next free time slot, at most <c>rate</c> per second.</summary>
internal sealed class RateGate(double ratePerSecond)
{
    private readonly long _intervalTicks = ratePerSecond <= 0 ? 0 : (long)(Stopwatch.Frequency / ratePerSecond);
    private readonly Lock _lock = new();
    private long _next;

    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        if (_intervalTicks == 0)
        {
            return;
        }

        long wait;
        lock (_lock)
        {
            var now = Stopwatch.GetTimestamp();
            var slot = Math.Max(now, _next);
            _next = slot + _intervalTicks;
            wait = slot - now;
        }

        if (wait > 0)
        {
            await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency), cancellationToken).ConfigureAwait(false);
        }
    }
}
