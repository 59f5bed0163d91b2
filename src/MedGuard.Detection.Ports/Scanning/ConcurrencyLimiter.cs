namespace MedGuard.Detection.Ports.Scanning;

/// <summary>
/// A semaphore whose limit can move while it is in use: the scanner lowers the global limit when the local machine
/// runs short (file descriptors, buffers, ephemeral ports) and raises it back as connections succeed.
/// </summary>
public sealed class ConcurrencyLimiter(int limit, int floor = 1)
{
    private readonly Lock _gate = new();
    private readonly Queue<TaskCompletionSource> _waiters = new();
    private readonly int _ceiling = limit;
    private int _inUse;
    private int _limit = limit;

    public int Limit
    {
        get { lock (_gate) { return _limit; } }
    }

    public int InUse
    {
        get { lock (_gate) { return _inUse; } }
    }

    public Task WaitAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_inUse < _limit && _waiters.Count == 0)
            {
                _inUse++;
                return Task.CompletedTask;
            }

            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Enqueue(waiter);
            if (cancellationToken.CanBeCanceled)
            {
                cancellationToken.Register(() => waiter.TrySetCanceled(cancellationToken));
            }

            return waiter.Task;
        }
    }

    public void Release()
    {
        lock (_gate)
        {
            _inUse--;
            WakeWaiters();
        }
    }

    /// <summary>Multiplicative decrease after a local resource error.</summary>
    public void Shrink()
    {
        lock (_gate)
        {
            _limit = Math.Max(floor, _limit / 2);
        }
    }

    /// <summary>Additive increase after a success, up to the configured ceiling.</summary>
    public void Grow()
    {
        lock (_gate)
        {
            if (_limit < _ceiling)
            {
                _limit++;
                WakeWaiters();
            }
        }
    }

    private void WakeWaiters()
    {
        while (_inUse < _limit && _waiters.TryDequeue(out var next))
        {
            if (next.TrySetResult())
            {
                _inUse++;
            }
        }
    }
}
