namespace MedGuard.Detection.Ports.Scanning;

/// <summary>What a TCP connect told us about a port (nmap's words, so imported and native results agree).</summary>
public enum PortState : byte
{
    /// <summary>Not probed yet (or given up with the host).</summary>
    Unknown = 0,

    /// <summary>The handshake completed: something listens.</summary>
    Open = 1,

    /// <summary>The host answered with a reset: reachable, nothing listens.</summary>
    Closed = 2,

    /// <summary>No answer after the retries, or an ICMP unreachable: a firewall is in the way.</summary>
    Filtered = 3,
}

public static class PortStateNames
{
    public static string ToWire(this PortState state) => state switch
    {
        PortState.Open => "open",
        PortState.Closed => "closed",
        PortState.Filtered => "filtered",
        _ => "unknown",
    };
}
