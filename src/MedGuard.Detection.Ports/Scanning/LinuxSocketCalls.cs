using System.Net;
using System.Runtime.InteropServices;

namespace MedGuard.Detection.Ports.Scanning;

/// <summary>The few libc calls of the epoll engine, with the Linux constants they need (x86-64 layout and numbers).</summary>
internal static partial class LinuxSocketCalls
{
    public const int AfInet = 2, AfInet6 = 10, SockStream = 1, SockNonblock = 0x800, SockCloexec = 0x80000;
    public const int EpollCtlAdd = 1;
    public const uint EpollIn = 0x001, EpollOut = 0x004, EpollErr = 0x008, EpollHup = 0x010, EpollEdgeTriggered = 1u << 31;
    public const int SolSocket = 1, SoError = 4, SoLinger = 13;
    public const int EInProgress = 115, EConnRefused = 111, EConnReset = 104, ETimedOut = 110, EConnAborted = 103, EAlready = 114, EIsConn = 106;
    public const int EMFile = 24, ENFile = 23, ENoBufs = 105, EAddrNotAvail = 99, EAgain = 11, EAddrInUse = 98;

    public static ConnectOutcome Classify(int errno) => errno switch
    {
        EConnRefused or EConnReset => ConnectOutcome.Refused,
        ETimedOut => ConnectOutcome.Silent,
        EMFile or ENFile or ENoBufs or EAddrNotAvail or EAgain or EAddrInUse => ConnectOutcome.LocalShortage,
        _ => ConnectOutcome.Unreachable, // EHOSTUNREACH, ENETUNREACH, EACCES (ICMP prohibited)…
    };

    /// <summary>A <c>sockaddr_in</c> / <c>sockaddr_in6</c> for <paramref name="address"/>:<paramref name="port"/>.</summary>
    public static byte[] SockAddr(IPAddress address, int port)
    {
        var v6 = address.IsV6();
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

    /// <summary>Closes with a reset (SO_LINGER 0): no TIME_WAIT on either side. Only open ports need this.</summary>
    public static void CloseWithReset(int fd)
    {
        var linger = new Linger { OnOff = 1, Seconds = 0 };
        SetSockOpt(fd, SolSocket, SoLinger, ref linger, Marshal.SizeOf<Linger>());
        Close(fd);
    }

    /// <summary>
    /// Whether a connected socket is connected to itself (TCP simultaneous open: the kernel picked the destination
    /// port of a loopback connect as its source port, and the SYN met its own socket). Nothing listens there: the
    /// port is closed. The local address is compared with <paramref name="sockaddr"/>, the one connected to.
    /// </summary>
    public static bool IsSelfConnected(int fd, byte[] sockaddr)
    {
        Span<byte> local = stackalloc byte[28];
        var length = local.Length;
        if (GetSockName(fd, ref MemoryMarshal.GetReference(local), ref length) != 0 || length < 8)
        {
            return false;
        }

        // Family and port (bytes 0–3), then the IPv4 address (4–7) or the IPv6 one (8–23).
        var v6 = sockaddr.Length == 28;
        return local[..4].SequenceEqual(sockaddr.AsSpan(0, 4))
            && (v6 ? local.Slice(8, 16).SequenceEqual(sockaddr.AsSpan(8, 16)) : local.Slice(4, 4).SequenceEqual(sockaddr.AsSpan(4, 4)));
    }

    /// <summary>The pending error of a socket (and clears it), or the errno of getsockopt itself.</summary>
    public static int PendingError(int fd)
    {
        var error = 0;
        var length = sizeof(int);
        return GetSockOpt(fd, SolSocket, SoError, ref error, ref length) == 0 ? error : Marshal.GetLastPInvokeError();
    }

    [StructLayout(LayoutKind.Sequential, Pack = 4)]
    public struct EpollEvent
    {
        public uint Events;
        public ulong Data;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct Linger
    {
        public int OnOff;
        public int Seconds;
    }

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    public static partial int Socket(int domain, int type, int protocol);

    [LibraryImport("libc", EntryPoint = "connect", SetLastError = true)]
    public static partial int Connect(int fd, byte[] address, int length);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "getsockname", SetLastError = true)]
    public static partial int GetSockName(int fd, ref byte address, ref int length);

    [LibraryImport("libc", EntryPoint = "getsockopt", SetLastError = true)]
    public static partial int GetSockOpt(int fd, int level, int name, ref int value, ref int length);

    [LibraryImport("libc", EntryPoint = "setsockopt", SetLastError = true)]
    public static partial int SetSockOpt(int fd, int level, int name, ref Linger value, int length);

    [LibraryImport("libc", EntryPoint = "eventfd", SetLastError = true)]
    public static partial int EventFd(uint initial, int flags);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, ref ulong value, nint length);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, ref ulong value, nint length);

    [LibraryImport("libc", EntryPoint = "epoll_create1", SetLastError = true)]
    public static partial int EpollCreate1(int flags);

    [LibraryImport("libc", EntryPoint = "epoll_ctl", SetLastError = true)]
    public static partial int EpollCtl(int epoll, int op, int fd, ref EpollEvent ev);

    [LibraryImport("libc", EntryPoint = "epoll_wait", SetLastError = true)]
    public static partial int EpollWait(int epoll, [Out] EpollEvent[] events, int max, int timeout);
}
