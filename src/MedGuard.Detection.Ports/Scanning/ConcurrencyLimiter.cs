namespace MedGuard.Detection.Ports.Scanning;

/// <summary>
/// A semaphore whose limit can move while it is in use: the scanner lowers the global limit when the local machine
/// runs short (file descriptors, buffers, ephemeral ports) and raises it back as connections succeed.
/// Taking and giving back a slot is lock-free (a sweep does it once per port, from every epoll loop at once);
/// only queued waiters and limit changes take the lock.
/// </summary>
public sealed class ConcurrencyLimiter(int limit, int floor = 1)
{
    private readonly Lock _gate = new();
    private readonly Queue<TaskCompletionSource> _waiters = new(); // under _gate
    private readonly int _ceiling = limit;
    private int _inUse;
    private int _limit = limit;
    private int _waiting;

    public int Limit => Volatile.Read(ref _limit);

    public int InUse => Volatile.Read(ref _inUse);

    public Task WaitAsync(CancellationToken cancellationToken)
    {
        if (TryEnter())
        {
            return Task.CompletedTask;
        }

        lock (_gate)
        {
            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Enqueue(waiter);
            Interlocked.Increment(ref _waiting);
            if (cancellationToken.CanBeCanceled)
            {
                cancellationToken.Register(() => waiter.TrySetCanceled(cancellationToken));
            }

            // A slot freed between TryEnter and the queueing saw no waiter: look again now that we are queued.
            WakeWaiters();
            return waiter.Task;
        }
    }

    /// <summary>Takes a slot only if one is free now and nobody queues for it.</summary>
    public bool TryEnter() => Volatile.Read(ref _waiting) == 0 && TryTakeSlot();

    public void Release()
    {
        Interlocked.Decrement(ref _inUse);
        if (Volatile.Read(ref _waiting) != 0)
        {
            lock (_gate)
            {
                WakeWaiters();
            }
        }
    }

    /// <summary>Multiplicative decrease after a local resource error.</summary>
    public void Shrink()
    {
        lock (_gate)
        {
            Volatile.Write(ref _limit, Math.Max(floor, _limit / 2));
        }
    }

    /// <summary>Additive increase after a success, up to the configured ceiling.</summary>
    public void Grow()
    {
        if (Volatile.Read(ref _limit) >= _ceiling)
        {
            return;
        }

        lock (_gate)
        {
            if (_limit < _ceiling)
            {
                Volatile.Write(ref _limit, _limit + 1);
                WakeWaiters();
            }
        }
    }

    private bool TryTakeSlot()
    {
        while (true)
        {
            var inUse = Volatile.Read(ref _inUse);
            if (inUse >= Volatile.Read(ref _limit))
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _inUse, inUse + 1, inUse) == inUse)
            {
                return true;
            }
        }
    }

    private void WakeWaiters()
    {
        while (_waiters.Count > 0 && TryTakeSlot())
        {
            var next = _waiters.Dequeue();
            Interlocked.Decrement(ref _waiting);
            if (!next.TrySetResult())
            {
                Interlocked.Decrement(ref _inUse); // cancelled meanwhile: the slot goes to the next one
            }
        }
    }
}
