namespace MedGuard.Detection.Ports.Scanning;

/// <summary>How the sweep makes its connects.</summary>
public enum ConnectEngine
{
    /// <summary>The epoll engine where it runs (Linux x86-64), .NET sockets elsewhere.</summary>
    Auto,

    /// <summary>Raw non-blocking connects on one epoll loop per core, reusing the sockets of refused ports.</summary>
    Epoll,

    /// <summary>.NET <see cref="System.Net.Sockets.Socket"/> objects: portable, more CPU per connect.</summary>
    Sockets,
}
