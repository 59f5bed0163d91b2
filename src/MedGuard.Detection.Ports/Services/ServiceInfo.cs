namespace MedGuard.Detection.Ports.Services;

/// <summary>What stands behind an open port, as far as the probes could tell.</summary>
public sealed record ServiceInfo
{
    /// <summary>Service name in nmap's vocabulary where one exists: ssh, http, rdp, ms-sql, dicom, hl7-mllp…</summary>
    public required string Name { get; init; }

    public string? Product { get; init; }

    public string? Version { get; init; }

    /// <summary>Extra facts: the HTTP title, the RDP security protocol, the DICOM implementation…</summary>
    public string? Info { get; init; }

    /// <summary>The first bytes the service sent, printable (control bytes escaped), at most 256 characters.</summary>
    public string? Banner { get; init; }

    /// <summary>Which probe identified it (for the per-probe report).</summary>
    public string? Probe { get; init; }

    /// <summary>Facts that make findings: no_auth, anonymous_login, rdp_no_nla, dicom_open_association…</summary>
    public IReadOnlyCollection<string> Flags { get; init; } = [];

    public HttpSummary? Http { get; init; }

    public TlsSummary? Tls { get; init; }

    public bool Has(string flag) => Flags.Contains(flag, StringComparer.Ordinal);

    /// <summary>Product with its version and extra info, as one line ("MariaDB 10.11.6", "nginx/1.22.1 HTTP 200 《…》").</summary>
    public string? ProductLine()
    {
        var parts = new List<string>();
        if (!string.IsNullOrEmpty(Product))
        {
            parts.Add(Product);
        }

        if (!string.IsNullOrEmpty(Version) && !(Product ?? "").Contains(Version, StringComparison.Ordinal))
        {
            parts.Add(Version);
        }

        if (!string.IsNullOrEmpty(Info))
        {
            parts.Add($"({Info})");
        }

        return parts.Count == 0 ? null : string.Join(' ', parts);
    }
}

public sealed record HttpSummary(int Status, string? Server, string? Title);

public sealed record TlsSummary(
    string Protocol, string Subject, string Issuer, DateTimeOffset NotBefore, DateTimeOffset NotAfter, bool SelfSigned,
    bool ChainTrusted, string? CipherSuite)
{
    public bool ExpiredAt(DateTimeOffset now) => now > NotAfter;
}
