using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;

namespace MedGuard.Detection.Ports.Scanning;

/// <summary>
/// Connect timeouts for a whole sweep without a timer per connection: each attempt is queued with its deadline and
/// one loop closes the sockets whose deadline passed (closing aborts the pending connect). Deadlines are close to
/// first-in first-out, so the loop only looks at the head; an attempt behind a longer one waits at most the
/// difference of their timeouts.
/// </summary>
internal sealed class ConnectDeadlines : IAsyncDisposable
{
    private readonly ConcurrentQueue<Attempt> _queue = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Lazy<Task> _loop;

    // The loop starts with the first attempt: an epoll sweep never makes one, and then no 5 ms timer ticks beside it.
    public ConnectDeadlines() => _loop = new Lazy<Task>(() => Task.Run(LoopAsync));

    public Attempt Start(Socket socket, TimeSpan timeout)
    {
        var attempt = new Attempt(socket, Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency));
        _queue.Enqueue(attempt);
        _ = _loop.Value;
        return attempt;
    }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(5));
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                var now = Stopwatch.GetTimestamp();
                while (_queue.TryPeek(out var head) && (head.Finished || head.Deadline <= now))
                {
                    _queue.TryDequeue(out _);
                    try
                    {
                        head.Expire();
                    }
                    catch (Exception ex) when (ex is ObjectDisposedException or SocketException or InvalidOperationException)
                    {
                        // The socket went away by itself; the loop must outlive any one attempt.
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Sweep finished.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_loop.IsValueCreated)
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            await _loop.Value.ConfigureAwait(false);
        }

        _stop.Dispose();
    }

    internal sealed class Attempt(Socket socket, long deadline)
    {
        private int _state; // 0 pending, 1 finished, 2 expired

        public long Deadline { get; } = deadline;

        public bool Finished => Volatile.Read(ref _state) != 0;

        /// <summary>Marks the connect as answered; false if the deadline won the race.</summary>
        public bool Finish() => Interlocked.CompareExchange(ref _state, 1, 0) == 0;

        public bool Expired => Volatile.Read(ref _state) == 2;

        public void Expire()
        {
            if (Interlocked.CompareExchange(ref _state, 2, 0) == 0)
            {
                socket.Dispose();
            }
        }
    }
}
