using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace MedGuard.Detection.Ports.Scanning;

/// <summary>
/// Linux connect engine of the sweep: non-blocking <c>connect(2)</c> on raw descriptors, watched by one epoll loop
/// per core (<see cref="EpollLoop"/>). The kernel does most of the work of a connect scan (socket set-up, SYN, RST),
/// and on a fast network that work is spent in the thread that calls <c>connect</c>; spreading the calls over one
/// loop per core is what lets a sweep use more than one CPU.
/// </summary>
internal sealed class EpollConnector : IDisposable
{
    private readonly EpollLoop[] _loops;
    private int _nextLoop = -1;

    private EpollConnector(EpollLoop[] loops) => _loops = loops;

    /// <summary>Whether this platform can run the engine (its epoll_event layout is x86-64's).</summary>
    public static bool IsSupported => OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture == Architecture.X64;

    /// <summary>The connector, or null where epoll is not available (then the scanner uses .NET sockets).</summary>
    public static EpollConnector? TryCreate(int loops = 0)
    {
        if (!IsSupported)
        {
            return null;
        }

        var count = loops > 0 ? loops : Math.Clamp(Environment.ProcessorCount, 1, 4);
        var created = new List<EpollLoop>(count);
        try
        {
            for (var i = 0; i < count; i++)
            {
                var loop = EpollLoop.TryCreate(i);
                if (loop is null)
                {
                    break;
                }

                created.Add(loop);
            }
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            created.ForEach(l => l.Dispose());
            return null;
        }

        return created.Count == 0 ? null : new EpollConnector([.. created]);
    }

    /// <summary>
    /// One connect attempt. Called from a completion (on a loop thread) it stays on that loop and may reuse the
    /// socket of a refused port; otherwise the loops take turns.
    /// </summary>
    public Task<ConnectOutcome> ConnectAsync(IPAddress address, int port, TimeSpan timeout) =>
        LoopForCaller().ConnectAsync(address, port, timeout);

    private EpollLoop LoopForCaller()
    {
        var loop = EpollLoop.Current;
        return loop is not null && Array.IndexOf(_loops, loop) >= 0
            ? loop
            : _loops[(uint)Interlocked.Increment(ref _nextLoop) % (uint)_loops.Length];
    }

    /// <summary>Starts a probe of <paramref name="starter"/> on a loop thread: this one when called on a loop, else the next.</summary>
    public void Post(IProbeStarter starter, int index, int attempt, TimeSpan timeout) =>
        LoopForCaller().Post(starter, index, attempt, timeout);

    /// <summary>Sockets created and reused so far (the difference is the kernel work saved).</summary>
    internal (long Created, long Reused, long Waited) SocketCounts =>
        (_loops.Sum(l => l.SocketsCreated), _loops.Sum(l => l.SocketsReused), _loops.Sum(l => l.ProbesWaited));

    public void Dispose()
    {
        foreach (var loop in _loops)
        {
            loop.Dispose();
        }
    }
}

/// <summary>What became of one connect attempt.</summary>
internal enum ConnectOutcome
{
    Open,
    Refused,
    Silent,
    Unreachable,
    LocalShortage,
    Cancelled,
}

internal static class AddressFamilies
{
    public static bool IsV6(this IPAddress address) => address.AddressFamily == AddressFamily.InterNetworkV6;
}
