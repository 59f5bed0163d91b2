using System.Net;

namespace MedGuard.Detection.Ports.Scope;

/// <summary>One address to scan, with the host name the user gave for it, if any.</summary>
public sealed record ScanTarget(IPAddress Address, string? HostName = null)
{
    public override string ToString() => HostName is null ? Address.ToString() : $"{HostName} ({Address})";
}
