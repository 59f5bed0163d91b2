using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace MedGuard.Detection.Ports.Scanning;

/// <summary>
/// Linux fast path of the connect sweep: non-blocking <c>connect(2)</c> on raw descriptors and one epoll thread that
/// reads each outcome (<c>SO_ERROR</c>), enforces the deadlines and closes the descriptor — no Socket object, no
/// per-connection timer, no thread-pool hop per completion. Every descriptor is closed on the epoll thread (or before
/// it was ever registered), so completion and expiry never race on a reused descriptor number.
/// </summary>
internal sealed partial class EpollConnector : IDisposable
{
    private const int AfInet = 2, AfInet6 = 10, SockStream = 1, SockNonblock = 0x800, SockCloexec = 0x80000;
    private const int EpollCtlAdd = 1, EpollOut = 0x004, EpollErr = 0x008, EpollHup = 0x010, EpollOneShot = 1 << 30;
    private const int SolSocket = 1, SoError = 4, SoLinger = 13;
    private const int EInProgress = 115, EConnRefused = 111, EConnReset = 104, ETimedOut = 110;
    private const int EMFile = 24, ENFile = 23, ENoBufs = 105, EAddrNotAvail = 99, EAgain = 11, EAddrInUse = 98;

    private readonly int _epoll;
    private readonly ConcurrentDictionary<long, Pending> _pending = new();
    private readonly ConcurrentQueue<Pending> _deadlines = new();
    private readonly Thread _thread;
    private long _nextId;
    private volatile bool _stop;

    private EpollConnector(int epoll)
    {
        _epoll = epoll;
        _thread = new Thread(Loop) { IsBackground = true, Name = "medguard-epoll" };
        _thread.Start();
    }

    /// <summary>The connector, or null where epoll is not available (then the scanner uses .NET sockets).</summary>
    public static EpollConnector? TryCreate()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            var epoll = EpollCreate1(0x80000);
            return epoll < 0 ? null : new EpollConnector(epoll);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    public Task<ConnectOutcome> ConnectAsync(IPAddress address, int port, TimeSpan timeout)
    {
        var v6 = address.AddressFamily == AddressFamily.InterNetworkV6;
        var fd = Socket(v6 ? AfInet6 : AfInet, SockStream | SockNonblock | SockCloexec, 0);
        if (fd < 0)
        {
            return Task.FromResult(ConnectOutcome.LocalShortage);
        }

        var sockaddr = SockAddr(address, port, v6);
        if (Connect(fd, sockaddr, sockaddr.Length) == 0)
        {
            CloseWithReset(fd);
            return Task.FromResult(ConnectOutcome.Open);
        }

        var errno = Marshal.GetLastPInvokeError();
        if (errno != EInProgress)
        {
            Close(fd);
            return Task.FromResult(Classify(errno));
        }

        var pending = new Pending(Interlocked.Increment(ref _nextId), fd,
            Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency));
        _pending[pending.Id] = pending;
        _deadlines.Enqueue(pending);
        var ev = new EpollEvent { Events = EpollOut | EpollErr | EpollHup | EpollOneShot, Data = (ulong)pending.Id };
        if (EpollCtl(_epoll, EpollCtlAdd, fd, ref ev) != 0)
        {
            // Let the epoll thread close it at its deadline; report a local shortage now.
            pending.Abandoned = true;
            return Task.FromResult(ConnectOutcome.LocalShortage);
        }

        return pending.Completion.Task;
    }

    private void Loop()
    {
        var events = new EpollEvent[512];
        while (!_stop)
        {
            var n = EpollWait(_epoll, events, events.Length, 5);
            for (var i = 0; i < n; i++)
            {
                if (!_pending.TryRemove((long)events[i].Data, out var pending) || pending.Done)
                {
                    continue;
                }

                var error = 0;
                var length = sizeof(int);
                GetSockOpt(pending.Fd, SolSocket, SoError, ref error, ref length);
                pending.Done = true;
                ConnectOutcome outcome;
                if (error == 0)
                {
                    CloseWithReset(pending.Fd);
                    outcome = ConnectOutcome.Open;
                }
                else
                {
                    Close(pending.Fd);
                    outcome = Classify(error);
                }

                pending.Completion.TrySetResult(outcome);
            }

            var now = Stopwatch.GetTimestamp();
            while (_deadlines.TryPeek(out var head) && (head.Done || head.Deadline <= now))
            {
                _deadlines.TryDequeue(out _);
                if (head.Done)
                {
                    continue;
                }

                head.Done = true;
                _pending.TryRemove(head.Id, out _);
                Close(head.Fd);
                head.Completion.TrySetResult(head.Abandoned ? ConnectOutcome.LocalShortage : ConnectOutcome.Silent);
            }
        }

        // Shutting down: whatever is left is closed and answered, so no await hangs.
        while (_deadlines.TryDequeue(out var rest))
        {
            if (!rest.Done)
            {
                rest.Done = true;
                Close(rest.Fd);
                rest.Completion.TrySetResult(ConnectOutcome.Cancelled);
            }
        }

        Close(_epoll);
    }

    public void Dispose()
    {
        _stop = true;
        _thread.Join();
    }

    private static ConnectOutcome Classify(int errno) => errno switch
    {
        EConnRefused or EConnReset => ConnectOutcome.Refused,
        ETimedOut => ConnectOutcome.Silent,
        EMFile or ENFile or ENoBufs or EAddrNotAvail or EAgain or EAddrInUse => ConnectOutcome.LocalShortage,
        _ => ConnectOutcome.Unreachable, // EHOSTUNREACH, ENETUNREACH, EACCES (ICMP prohibited)…
    };

    /// <summary>Open ports are closed with a reset (SO_LINGER 0): no TIME_WAIT on either side.</summary>
    private static void CloseWithReset(int fd)
    {
        var linger = new Linger { OnOff = 1, Seconds = 0 };
        SetSockOpt(fd, SolSocket, SoLinger, ref linger, Marshal.SizeOf<Linger>());
        Close(fd);
    }

    private static byte[] SockAddr(IPAddress address, int port, bool v6)
    {
        var bytes = new byte[v6 ? 28 : 16];
        BitConverter.TryWriteBytes(bytes.AsSpan(0, 2), (ushort)(v6 ? AfInet6 : AfInet)); // host order
        bytes[2] = (byte)(port >> 8);
        bytes[3] = (byte)port;
        address.TryWriteBytes(bytes.AsSpan(v6 ? 8 : 4), out _);
        if (v6)
        {
            BitConverter.TryWriteBytes(bytes.AsSpan(24, 4), (uint)address.ScopeId);
        }

        return bytes;
    }

    private sealed class Pending(long id, int fd, long deadline)
    {
        public long Id { get; } = id;

        public int Fd { get; } = fd;

        public long Deadline { get; } = deadline;

        /// <summary>Touched only on the epoll thread once registered.</summary>
        public bool Done { get; set; }

        public bool Abandoned { get; set; }

        public TaskCompletionSource<ConnectOutcome> Completion { get; } = new();
    }

    [StructLayout(LayoutKind.Sequential, Pack = 4)]
    private struct EpollEvent
    {
        public uint Events;
        public ulong Data;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Linger
    {
        public int OnOff;
        public int Seconds;
    }

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    private static partial int Socket(int domain, int type, int protocol);

    [LibraryImport("libc", EntryPoint = "connect", SetLastError = true)]
    private static partial int Connect(int fd, byte[] address, int length);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "getsockopt", SetLastError = true)]
    private static partial int GetSockOpt(int fd, int level, int name, ref int value, ref int length);

    [LibraryImport("libc", EntryPoint = "setsockopt", SetLastError = true)]
    private static partial int SetSockOpt(int fd, int level, int name, ref Linger value, int length);

    [LibraryImport("libc", EntryPoint = "epoll_create1", SetLastError = true)]
    private static partial int EpollCreate1(int flags);

    [LibraryImport("libc", EntryPoint = "epoll_ctl", SetLastError = true)]
    private static partial int EpollCtl(int epoll, int op, int fd, ref EpollEvent ev);

    [LibraryImport("libc", EntryPoint = "epoll_wait", SetLastError = true)]
    private static partial int EpollWait(int epoll, [Out] EpollEvent[] events, int max, int timeout);
}
