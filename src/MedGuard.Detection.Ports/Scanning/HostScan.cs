using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MedGuard.Detection.Ports.Scope;

namespace MedGuard.Detection.Ports.Scanning;

/// <summary>
/// The sweep of one host. Its in-flight window starts small and grows by one per completed probe up to the per-host
/// cap (slow start); silent ports are retried; when a run of timeouts follows earlier answers, a port that answered
/// before is probed again: if it still answers, the silence is a firewall and the sweep goes on; if not, the host
/// has stopped answering (overloaded, or an IPS blocked us): the window drops to one, the ports lost in the outage
/// are queued again, and the host is paused for a doubling back-off, then given up after <c>MaxBackoffs</c>.
/// </summary>
internal sealed class HostScan : IProbeStarter
{
    private const int InitialWindow = 4;

    private readonly ScanTarget _target;
    private readonly ScanOptions _options;
    private readonly ConcurrencyLimiter _global;
    private readonly RateLimiter _globalRate;
    private readonly RateLimiter _hostRate;
    private readonly ScanProgress _progress;
    private readonly ConnectDeadlines _deadlines;
    private readonly EpollConnector? _epoll;
    private readonly HostResult _result;
    private readonly RttEstimator _rtt;
    private readonly Lock _gate = new();
    private readonly Queue<(int Index, int Attempt)> _retries = new();
    private readonly List<int> _silentRun = [];
    private readonly SemaphoreSlim _signal = new(0);
    private readonly int _count;

    private int _next;
    private int _inFlight;
    private double _window;
    private int? _lastAnswered;
    private bool _checkingLiveness;
    private long _pausedUntil;
    private bool _givenUp;

    public HostScan(
        ScanTarget target, IReadOnlyList<int> ports, ScanOptions options, ConcurrencyLimiter global, RateLimiter globalRate,
        RateLimiter hostRate, ScanProgress progress, ConnectDeadlines deadlines, EpollConnector? epoll = null)
    {
        _deadlines = deadlines;
        _epoll = epoll;
        _target = target;
        _options = options;
        _global = global;
        _globalRate = globalRate;
        _hostRate = hostRate;
        _progress = progress;
        _result = new HostResult(target, ports);
        _rtt = new RttEstimator(options);
        _count = ports.Count;
        _window = Math.Min(InitialWindow, options.PerHostConcurrency);
    }

    public async Task<HostResult> RunAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            (int Index, int Attempt)? work = null;
            TimeSpan pause = TimeSpan.Zero;
            TimeSpan timeout;
            lock (_gate)
            {
                timeout = _rtt.Timeout;
                var pendingWork = !_givenUp && (_retries.Count > 0 || _next < _count);
                if (!pendingWork && _inFlight == 0 && !_checkingLiveness)
                {
                    break;
                }

                var now = Stopwatch.GetTimestamp();
                if (pendingWork && now < _pausedUntil)
                {
                    // At least a millisecond: a pause that rounds to zero would read as "wait for a completion",
                    // and with nothing in flight none would come.
                    pause = TimeSpan.FromMilliseconds(Math.Max(1, Stopwatch.GetElapsedTime(now, _pausedUntil).TotalMilliseconds));
                }
                else if (pendingWork && _inFlight < (int)_window)
                {
                    work = _retries.Count > 0 ? _retries.Dequeue() : (_next++, 0);
                    _inFlight++;
                }
            }

            if (work is null)
            {
                if (pause > TimeSpan.Zero)
                {
                    await _signal.WaitAsync(pause, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    // Completions signal; the timeout is only a safety net against a missed wake-up.
                    await _signal.WaitAsync(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
                }

                continue;
            }

            await _global.WaitAsync(cancellationToken).ConfigureAwait(false);
            await _globalRate.WaitAsync(cancellationToken).ConfigureAwait(false);
            await _hostRate.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (_epoll is not null)
            {
                // Connects are made on the epoll loop threads, where sockets are reused and work spreads over cores.
                _epoll.Post(this, work.Value.Index, work.Value.Attempt, timeout);
            }
            else
            {
                _ = ProbeAsync(work.Value.Index, work.Value.Attempt, timeout, cancellationToken);
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        _result.Complete();
        return _result;
    }

    void IProbeStarter.StartProbe(int index, int attempt, TimeSpan timeout) =>
        _ = ProbeAsync(index, attempt, timeout, CancellationToken.None);

    private async Task ProbeAsync(int index, int attempt, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var outcome = ConnectOutcome.Unreachable;
        try
        {
            outcome = _epoll is not null
                ? await _epoll.ConnectAsync(_target.Address, _result.PortAt(index), timeout).ConfigureAwait(false)
                : await ConnectAsync(_target.Address, _result.PortAt(index), timeout, _deadlines, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // Whatever happened, the slot and the window must be given back, or the sweep would wait forever.
            _global.Release();
            Complete(index, attempt, outcome, Stopwatch.GetElapsedTime(started));
        }
    }

    /// <summary>One connect attempt; the deadline queue closes the socket if it stays silent past its timeout.</summary>
    internal static async Task<ConnectOutcome> ConnectAsync(
        IPAddress address, int port, TimeSpan timeout, ConnectDeadlines deadlines, CancellationToken cancellationToken)
    {
        Socket socket;
        try
        {
            socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        }
        catch (SocketException)
        {
            return ConnectOutcome.LocalShortage;
        }

        var pending = deadlines.Start(socket, timeout);
        try
        {
            await socket.ConnectAsync(new IPEndPoint(address, port), cancellationToken).ConfigureAwait(false);
            if (!pending.Finish())
            {
                return ConnectOutcome.Silent;
            }

            // Close the open connection with a reset: no TIME_WAIT on either side (only open ports need this).
            socket.LingerState = new LingerOption(true, 0);

            // A socket connected to itself (TCP simultaneous open on a loopback ephemeral port) found no listener.
            return socket.LocalEndPoint is IPEndPoint local && local.Port == port && local.Address.Equals(address)
                ? ConnectOutcome.Refused
                : ConnectOutcome.Open;
        }
        catch (OperationCanceledException)
        {
            return ConnectOutcome.Cancelled;
        }
        catch (Exception ex) when (ex is ObjectDisposedException or SocketException && pending.Expired)
        {
            return ConnectOutcome.Silent;
        }
        catch (SocketException ex)
        {
            pending.Finish();
            return ex.SocketErrorCode switch
            {
                SocketError.ConnectionRefused or SocketError.ConnectionReset => ConnectOutcome.Refused,
                SocketError.TimedOut => ConnectOutcome.Silent,
                SocketError.TooManyOpenSockets or SocketError.NoBufferSpaceAvailable or SocketError.AddressNotAvailable
                    or SocketError.AddressAlreadyInUse or SocketError.SystemNotReady => ConnectOutcome.LocalShortage,
                _ => ConnectOutcome.Unreachable, // ICMP unreachable / prohibited: a filter answered for the host.
            };
        }
        finally
        {
            socket.Dispose();
        }
    }

    private void Complete(int index, int attempt, ConnectOutcome outcome, TimeSpan elapsed)
    {
        var checkLiveness = false;
        Span<(int Index, int Attempt)> relaunch = stackalloc (int, int)[2];
        var relaunchCount = 0;
        TimeSpan timeout;
        lock (_gate)
        {
            _inFlight--;
            switch (outcome)
            {
                case ConnectOutcome.Open or ConnectOutcome.Refused:
                    _result[index] = outcome == ConnectOutcome.Open ? PortState.Open : PortState.Closed;
                    _rtt.Add(elapsed);
                    _lastAnswered = index;
                    _silentRun.Clear();
                    Grow();
                    _global.Grow();
                    _progress.AddDone();
                    if (outcome == ConnectOutcome.Open)
                    {
                        _progress.AddOpen();
                    }

                    break;
                case ConnectOutcome.Unreachable:
                    _result[index] = PortState.Filtered;
                    _progress.AddDone();
                    break;
                case ConnectOutcome.Silent:
                    _silentRun.Add(index);
                    if (attempt < _options.Retries)
                    {
                        _retries.Enqueue((index, attempt + 1));
                    }
                    else
                    {
                        _result[index] = PortState.Filtered;
                        _progress.AddDone();
                    }

                    // A dropped SYN is not congestion for a connect scan (the kernel owns the handshake), so a
                    // firewalled host is swept at full window; only an outage (below) shrinks it.
                    Grow();
                    if (_lastAnswered is not null && !_checkingLiveness && !_givenUp
                        && _silentRun.Count >= Math.Max(8, 2 * (int)_window))
                    {
                        _checkingLiveness = true;
                        checkLiveness = true;
                    }

                    break;
                case ConnectOutcome.LocalShortage:
                    _retries.Enqueue((index, attempt));
                    _global.Shrink();
                    break;
                case ConnectOutcome.Cancelled:
                    break;
            }

            timeout = _rtt.Timeout;
            if (CanRelaunch())
            {
                // Up to two: one in place of the probe that finished, one more while the window grows (slow start).
                while (relaunchCount < 2 && _inFlight < (int)_window && (_retries.Count > 0 || _next < _count) && _global.TryEnter())
                {
                    relaunch[relaunchCount++] = _retries.Count > 0 ? _retries.Dequeue() : (_next++, 0);
                    _inFlight++;
                }
            }
        }

        if (checkLiveness)
        {
            _ = CheckLivenessAsync();
        }

        if (relaunchCount == 0)
        {
            _signal.Release();
            return;
        }

        // Posted, not called: a verdict known at once would otherwise recurse probe after probe.
        for (var i = 0; i < relaunchCount; i++)
        {
            _epoll!.Post(this, relaunch[i].Index, relaunch[i].Attempt, timeout);
        }
    }

    /// <summary>
    /// On the epoll path the next probes start straight from a completion (posted to the same loop thread, which may
    /// reuse the socket just refused) when nothing needs waiting for: no rate limit, no pause. Otherwise the sweep
    /// loop is woken to decide. Caller holds the gate.
    /// </summary>
    private bool CanRelaunch() =>
        _epoll is not null && _globalRate.Unlimited && _hostRate.Unlimited && !_givenUp && Stopwatch.GetTimestamp() >= _pausedUntil;

    private void Grow()
    {
        if (_window < _options.PerHostConcurrency)
        {
            _window = Math.Min(_options.PerHostConcurrency, _window + 1);
        }
    }

    private async Task CheckLivenessAsync()
    {
        int port;
        lock (_gate)
        {
            port = _result.PortAt(_lastAnswered!.Value);
        }

        var outcome = ConnectOutcome.Silent;
        try
        {
            await _hostRate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
            outcome = _epoll is not null
                ? await _epoll.ConnectAsync(_target.Address, port, _options.MaxTimeout).ConfigureAwait(false)
                : await ConnectAsync(_target.Address, port, _options.MaxTimeout, _deadlines, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Counts as silent.
        }

        lock (_gate)
        {
            _checkingLiveness = false;
            if (outcome is ConnectOutcome.Open or ConnectOutcome.Refused)
            {
                // Still alive: the silent ports were dropped by a firewall. Keep their verdicts.
                _silentRun.Clear();
            }
            else
            {
                _result.Backoffs++;
                foreach (var lost in _silentRun)
                {
                    // Ports still waiting for their retry are queued already; those judged filtered get another go.
                    if (_result[lost] == PortState.Filtered)
                    {
                        _result[lost] = PortState.Unknown;
                        _progress.RemoveDone();
                        _retries.Enqueue((lost, 0));
                    }
                }

                _silentRun.Clear();
                _window = 1;
                if (_result.Backoffs > _options.MaxBackoffs)
                {
                    _givenUp = true;
                    _result.Unresponsive = true;
                }
                else
                {
                    var delay = _options.BackoffBase * Math.Pow(2, _result.Backoffs - 1);
                    _pausedUntil = Stopwatch.GetTimestamp() + (long)(delay.TotalSeconds * Stopwatch.Frequency);
                }
            }
        }

        _signal.Release();
    }
}
