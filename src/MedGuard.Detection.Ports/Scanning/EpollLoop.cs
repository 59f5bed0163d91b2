using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;
using static MedGuard.Detection.Ports.Scanning.LinuxSocketCalls;

namespace MedGuard.Detection.Ports.Scanning;

/// <summary>
/// One thread of the <see cref="EpollConnector"/>: it starts the probes posted to it, reads the outcome of those that
/// wait on the network through epoll (edge-triggered), enforces their deadlines and closes their descriptors — all on
/// this thread, so completion, expiry and reuse never race on a descriptor number.
/// <para>
/// Three things keep the kernel work per probe low. (1) The verdict is asked for at once: on a fast network the
/// answer (RST or SYN-ACK) is processed inside the <c>connect</c> call itself, and a second <c>connect</c> reports it
/// (the error, or EISCONN); only when it says EALREADY does the probe wait in epoll. (2) A failed connect leaves a
/// socket that Linux lets connect again once the failure has been reported (that second call also resets it), so the
/// sockets of refused and unreachable ports are kept and reused: no socket()/close()/epoll registration per port.
/// (3) Sockets join epoll only when a probe on them has to wait.
/// </para>
/// <para>Edge-triggered epoll re-polls a descriptor before reporting it: a stale wake-up of a socket that is
/// connecting again reports nothing, and one of an idle socket finds no pending probe and is ignored.</para>
/// </summary>
internal sealed class EpollLoop : IDisposable
{
    private const int IdleCap = 4096;
    private const int EfdNonblock = 0x800, EfdCloexec = 0x80000;
    private const ulong WakeToken = ulong.MaxValue;

    private static readonly Task<ConnectOutcome>[] Verdicts =
        [.. Enum.GetValues<ConnectOutcome>().Select(Task.FromResult)];

    [ThreadStatic]
    private static EpollLoop? t_current;

    private readonly int _epoll;
    private readonly int _wake;
    private readonly ConcurrentDictionary<int, Pending> _pending = new();
    private readonly ConcurrentQueue<Pending> _deadlines = new();
    private readonly ConcurrentQueue<PostedProbe> _posted = new();
    private readonly Stack<IdleSocket> _idle = new(); // loop thread only
    private readonly Thread _thread;
    private int _wakePending;
    private volatile bool _stop;
    private long _created, _reused, _waited;

    private EpollLoop(int epoll, int wake, int index)
    {
        _epoll = epoll;
        _wake = wake;
        _thread = new Thread(Loop) { IsBackground = true, Name = $"medguard-epoll-{index}" };
        _thread.Start();
    }

    /// <summary>The loop whose thread is running, if any.</summary>
    public static EpollLoop? Current => t_current;

    public long SocketsCreated => Interlocked.Read(ref _created);

    public long SocketsReused => Interlocked.Read(ref _reused);

    /// <summary>Probes whose verdict had to wait for epoll.</summary>
    public long ProbesWaited => Interlocked.Read(ref _waited);

    public static EpollLoop? TryCreate(int index)
    {
        var epoll = EpollCreate1(SockCloexec);
        if (epoll < 0)
        {
            return null;
        }

        var wake = EventFd(0, EfdNonblock | EfdCloexec);
        var ev = new EpollEvent { Events = EpollIn, Data = WakeToken };
        if (wake < 0 || EpollCtl(epoll, EpollCtlAdd, wake, ref ev) != 0)
        {
            Close(epoll);
            if (wake >= 0)
            {
                Close(wake);
            }

            return null;
        }

        return new EpollLoop(epoll, wake, index);
    }

    /// <summary>Runs <paramref name="starter"/>'s probe on this loop's thread (from any thread).</summary>
    public void Post(IProbeStarter starter, int index, int attempt, TimeSpan timeout)
    {
        _posted.Enqueue(new PostedProbe(starter, index, attempt, timeout));
        if (t_current != this && Interlocked.Exchange(ref _wakePending, 1) == 0)
        {
            ulong one = 1;
            _ = Write(_wake, ref one, sizeof(ulong));
        }
    }

    public Task<ConnectOutcome> ConnectAsync(IPAddress address, int port, TimeSpan timeout)
    {
        var v6 = address.IsV6();
        var sockaddr = SockAddr(address, port);
        var onLoop = t_current == this;
        if (onLoop && TryTakeIdle(v6, out var socket))
        {
            Interlocked.Increment(ref _reused);
        }
        else
        {
            var fd = Socket(v6 ? AfInet6 : AfInet, SockStream | SockNonblock | SockCloexec, 0);
            if (fd < 0)
            {
                return Verdict(ConnectOutcome.LocalShortage);
            }

            Interlocked.Increment(ref _created);
            socket = new IdleSocket(fd, v6, Registered: false);
        }

        var rc = Connect(socket.Fd, sockaddr, sockaddr.Length);
        var errno = rc == 0 ? 0 : Marshal.GetLastPInvokeError();
        if (rc != 0 && errno == EInProgress)
        {
            // A fast network has often answered inside that call: ask for the verdict before waiting for it.
            rc = Connect(socket.Fd, sockaddr, sockaddr.Length);
            errno = rc == 0 ? 0 : Marshal.GetLastPInvokeError();
            if (rc != 0 && errno == EAlready)
            {
                return Wait(socket, sockaddr, timeout, onLoop);
            }
        }

        if (rc == 0 || errno == EIsConn)
        {
            return Verdict(Connected(socket.Fd, sockaddr));
        }

        if (errno is EConnAborted or EInProgress)
        {
            Close(socket.Fd); // not the state we took it for: no verdict, retried as silent
            return Verdict(ConnectOutcome.Silent);
        }

        // The failing call reported the error and reset the socket.
        var outcome = Classify(errno);
        KeepOrClose(socket, outcome, onLoop);
        return Verdict(outcome);
    }

    private Task<ConnectOutcome> Wait(IdleSocket socket, byte[] sockaddr, TimeSpan timeout, bool onLoop)
    {
        Interlocked.Increment(ref _waited);
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        var pending = new Pending(socket with { Registered = true }, sockaddr, deadline, inline: onLoop);

        // Known before it is registered: off the loop thread, the event may be read at once.
        _pending[socket.Fd] = pending;
        if (!socket.Registered)
        {
            var ev = new EpollEvent { Events = EpollOut | EpollErr | EpollHup | EpollEdgeTriggered, Data = (ulong)socket.Fd };
            if (EpollCtl(_epoll, EpollCtlAdd, socket.Fd, ref ev) != 0)
            {
                _pending.TryRemove(socket.Fd, out _);
                pending.Done = true;
                Close(socket.Fd);
                return Verdict(ConnectOutcome.LocalShortage);
            }
        }

        _deadlines.Enqueue(pending); // watched within the loop's 5 ms epoll_wait
        return pending.Completion.Task;
    }

    private void Loop()
    {
        t_current = this;
        var events = new EpollEvent[512];
        while (!_stop)
        {
            var n = EpollWait(_epoll, events, events.Length, _posted.IsEmpty ? 5 : 0);
            for (var i = 0; i < n; i++)
            {
                if (events[i].Data == WakeToken)
                {
                    ulong count = 0;
                    _ = Read(_wake, ref count, sizeof(ulong));
                    Volatile.Write(ref _wakePending, 0);
                    continue;
                }

                var fd = (int)events[i].Data;
                if (!_pending.TryRemove(fd, out var pending) || pending.Done)
                {
                    continue; // a wake-up of an idle socket
                }

                pending.Done = true;
                ConnectOutcome outcome;
                if ((events[i].Events & (EpollErr | EpollHup)) == 0)
                {
                    // Writable without an error: connected — SO_ERROR confirms it (open ports are few).
                    var error = PendingError(fd);
                    if (error == 0)
                    {
                        outcome = Connected(fd, pending.SockAddr);
                    }
                    else
                    {
                        outcome = Classify(error);
                        Close(fd);
                    }
                }
                else if (ReadFailure(pending) is { } failure)
                {
                    outcome = failure;
                }
                else
                {
                    // Woken without a verdict: it keeps waiting, under the same deadline (still queued).
                    pending.Done = false;
                    _pending[fd] = pending;
                    continue;
                }

                // A sweep's continuation runs inline; a probe it starts is posted back here, not run recursively.
                pending.Completion.TrySetResult(outcome);
            }

            RunPosted();
            ExpireOverdue();
        }

        // Shutting down: whatever is left is closed and answered, so no await hangs.
        while (_deadlines.TryDequeue(out var rest))
        {
            if (!rest.Done)
            {
                rest.Done = true;
                _pending.TryRemove(rest.Socket.Fd, out _);
                Close(rest.Socket.Fd);
                rest.Completion.TrySetResult(ConnectOutcome.Cancelled);
            }
        }

        foreach (var socket in _idle)
        {
            Close(socket.Fd);
        }

        Close(_wake);
        Close(_epoll);
    }

    /// <summary>Starts the probes posted so far; those they post in turn wait for the next round (after epoll).</summary>
    private void RunPosted()
    {
        for (var count = _posted.Count; count > 0 && _posted.TryDequeue(out var probe); count--)
        {
            probe.Starter.StartProbe(probe.Index, probe.Attempt, probe.Timeout);
        }
    }

    /// <summary>
    /// The reason a waiting connect failed, or null if it has not. Connecting the failed socket again answers with
    /// the pending error (and clears it) and resets the socket for reuse: one call where getsockopt(SO_ERROR) and the
    /// reset would be two. A socket still connecting (EALREADY) was woken by a soft error — an ICMP unreachable that
    /// came while the kernel held the socket, which SO_ERROR reports as the network's answer — or by nothing.
    /// </summary>
    private ConnectOutcome? ReadFailure(Pending pending)
    {
        var fd = pending.Socket.Fd;
        var rc = Connect(fd, pending.SockAddr, pending.SockAddr.Length);
        var errno = rc == 0 ? 0 : Marshal.GetLastPInvokeError();
        if (rc != 0 && errno == EAlready)
        {
            var soft = PendingError(fd);
            if (soft == 0)
            {
                return null;
            }

            Close(fd);
            return Classify(soft);
        }

        if (rc == 0 || errno is EInProgress or EConnAborted or EIsConn)
        {
            // Not the state a failed connect leaves (or no error recorded): no verdict; retried as silent.
            Close(fd);
            return ConnectOutcome.Silent;
        }

        var outcome = Classify(errno);
        KeepOrClose(pending.Socket, outcome, onLoop: true);
        return outcome;
    }

    /// <summary>
    /// The verdict of a socket that connected, which it closes with a reset: open, unless it connected to itself
    /// (a self-connect on a loopback ephemeral port, where nothing listens: closed).
    /// </summary>
    private static ConnectOutcome Connected(int fd, byte[] sockaddr)
    {
        var self = IsSelfConnected(fd, sockaddr);
        CloseWithReset(fd);
        return self ? ConnectOutcome.Refused : ConnectOutcome.Open;
    }

    private bool TryTakeIdle(bool v6, out IdleSocket socket)
    {
        // Sockets of both families share one stack; the other family is rare (a dual-stack target list).
        if (_idle.TryPeek(out socket) && socket.V6 == v6)
        {
            _idle.Pop();
            return true;
        }

        socket = default;
        return false;
    }

    private void KeepOrClose(IdleSocket socket, ConnectOutcome outcome, bool onLoop)
    {
        // Only the loop thread touches the idle stack; a socket made elsewhere is not kept.
        if (onLoop && outcome is ConnectOutcome.Refused or ConnectOutcome.Unreachable && _idle.Count < IdleCap)
        {
            _idle.Push(socket);
        }
        else
        {
            Close(socket.Fd);
        }
    }

    private void ExpireOverdue()
    {
        var now = Stopwatch.GetTimestamp();
        while (_deadlines.TryPeek(out var head) && (head.Done || head.Deadline <= now))
        {
            _deadlines.TryDequeue(out _);
            if (head.Done)
            {
                continue;
            }

            head.Done = true;
            _pending.TryRemove(head.Socket.Fd, out _);
            Close(head.Socket.Fd);
            head.Completion.TrySetResult(ConnectOutcome.Silent);
        }
    }

    private static Task<ConnectOutcome> Verdict(ConnectOutcome outcome) => Verdicts[(int)outcome];

    public void Dispose()
    {
        _stop = true;
        ulong one = 1;
        _ = Write(_wake, ref one, sizeof(ulong));
        // Disposed from its own thread (by a continuation of its work), it must not wait for itself: it stops after
        // this round.
        if (t_current != this)
        {
            _thread.Join();
        }
    }

    /// <summary>A socket the loop may connect again: its family and whether epoll already watches it.</summary>
    private readonly record struct IdleSocket(int Fd, bool V6, bool Registered);

    private readonly record struct PostedProbe(IProbeStarter Starter, int Index, int Attempt, TimeSpan Timeout);

    private sealed class Pending(IdleSocket socket, byte[] sockaddr, long deadline, bool inline)
    {
        public IdleSocket Socket { get; } = socket;

        public byte[] SockAddr { get; } = sockaddr;

        public long Deadline { get; } = deadline;

        /// <summary>Touched only on the loop thread once registered.</summary>
        public bool Done { get; set; }

        /// <summary>
        /// A probe started on the loop (the sweep) continues on it; one started elsewhere continues on the thread
        /// pool, so a caller's code never runs on — or blocks — the loop thread.
        /// </summary>
        public TaskCompletionSource<ConnectOutcome> Completion { get; } =
            new(inline ? TaskCreationOptions.None : TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>What an epoll loop runs for the sweep: the start of one probe, on the loop's own thread.</summary>
internal interface IProbeStarter
{
    void StartProbe(int index, int attempt, TimeSpan timeout);
}
