namespace MedGuard.Detection.Ports.Scanning;

/// <summary>
/// Pace of a scan. Defaults are gentle, because hospital servers (PACS, LIS, old Windows hosts of medical devices)
/// are fragile: a few connections at a time per host and a modest rate. Raise them only for hosts you know.
/// </summary>
public sealed record ScanOptions
{
    /// <summary>Connections in flight across all hosts (the adaptive limit never exceeds it).</summary>
    public int GlobalConcurrency { get; init; } = 512;

    /// <summary>Connections in flight to one host, sweep and service probes alike. Small on purpose.</summary>
    public int PerHostConcurrency { get; init; } = 8;

    /// <summary>Connection attempts per second across all hosts; 0 = unlimited.</summary>
    public double GlobalRate { get; init; } = 2000;

    /// <summary>Connection attempts per second to one host; 0 = unlimited.</summary>
    public double PerHostRate { get; init; } = 100;

    /// <summary>Timeout of a connect before the host's round-trip time is known.</summary>
    public TimeSpan InitialTimeout { get; init; } = TimeSpan.FromMilliseconds(1000);

    /// <summary>Lower bound of the adaptive timeout (srtt + 4·rttvar).</summary>
    public TimeSpan MinTimeout { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Upper bound of the adaptive timeout.</summary>
    public TimeSpan MaxTimeout { get; init; } = TimeSpan.FromMilliseconds(3000);

    /// <summary>Extra attempts for a port that stayed silent, before calling it filtered.</summary>
    public int Retries { get; init; } = 1;

    /// <summary>Hosts scanned at the same time.</summary>
    public int ParallelHosts { get; init; } = 64;

    /// <summary>Pauses (doubling from <see cref="BackoffBase"/>) before a host that stopped answering is given up.</summary>
    public int MaxBackoffs { get; init; } = 4;

    public TimeSpan BackoffBase { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Identify services on open ports (a second connection per probe).</summary>
    public bool IdentifyServices { get; init; } = true;

    /// <summary>
    /// How connects are made. <see cref="ConnectEngine.Auto"/>: the epoll engine where it runs (Linux x86-64), .NET
    /// sockets elsewhere.
    /// </summary>
    public ConnectEngine Engine { get; init; } = ConnectEngine.Auto;

    /// <summary>Service probes in flight to one host (never more than <see cref="PerHostConcurrency"/>).</summary>
    public int PerHostProbeConcurrency { get; init; } = 2;

    public void Validate()
    {
        if (GlobalConcurrency < 1 || PerHostConcurrency < 1 || ParallelHosts < 1 || PerHostProbeConcurrency < 1)
        {
            throw new ArgumentException("并发数必须至少为 1");
        }

        if (GlobalRate < 0 || PerHostRate < 0)
        {
            throw new ArgumentException("速率不能为负数");
        }

        if (Retries is < 0 or > 10)
        {
            throw new ArgumentException("重试次数应在 0–10 之间");
        }

        if (Engine == ConnectEngine.Epoll && !EpollConnector.IsSupported)
        {
            throw new ArgumentException("epoll 连接引擎只在 Linux x86-64 上可用（可用 --engine sockets）");
        }

        if (MinTimeout <= TimeSpan.Zero || MaxTimeout < MinTimeout || InitialTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("超时设置无效");
        }
    }
}
