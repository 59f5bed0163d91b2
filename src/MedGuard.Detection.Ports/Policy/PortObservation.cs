using MedGuard.Detection.Ports.Services;

namespace MedGuard.Detection.Ports.Policy;

/// <summary>One open port as the policy sees it: where, which service, which flags (no_auth, tls_expired…).</summary>
public sealed record PortObservation(string Address, int Port, string? Service, IReadOnlyCollection<string> Flags)
{
    public ServiceInfo? Details { get; init; }

    /// <summary>tcp, or udp (the finding's evidence says which).</summary>
    public string Protocol { get; init; } = "tcp";

    /// <summary>Builds the observation from probe results; TLS facts become flags as of <paramref name="now"/>.</summary>
    public static PortObservation From(string address, int port, ServiceInfo? service, DateTimeOffset now)
    {
        var flags = new HashSet<string>(service?.Flags ?? [], StringComparer.Ordinal);
        if (service?.Tls is { } tls)
        {
            if (tls.ExpiredAt(now))
            {
                flags.Add("tls_expired");
            }

            if (tls.SelfSigned)
            {
                flags.Add("tls_self_signed");
            }

            if (!tls.ChainTrusted)
            {
                flags.Add("tls_untrusted");
            }

            if (tls.Protocol is "TLSv1.0" or "TLSv1.1" or "SSLv3")
            {
                flags.Add("tls_legacy"); // only negotiated when the server offers nothing newer (see ServiceIdentifier)
            }
        }

        return new PortObservation(address, port, service?.Name, flags) { Details = service };
    }
}
