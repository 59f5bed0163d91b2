using MedGuard.Detection.Ports.Policy;
using MedGuard.Detection.Ports.PortSets;
using MedGuard.Detection.Ports.Scanning;
using MedGuard.Domain.Detection;
using MedGuard.Domain.Findings;

namespace MedGuard.Detection.Ports.Reporting;

/// <summary>A finished scan (or an imported one): hosts with their open ports, the policy's findings, the summary.</summary>
public sealed class ScanReport
{
    private ScanReport(IReadOnlyList<HostResult> hosts, IReadOnlyList<Finding> findings, ScanSummary summary)
    {
        Hosts = hosts;
        Findings = findings;
        Summary = summary;
    }

    public IReadOnlyList<HostResult> Hosts { get; }

    public IReadOnlyList<Finding> Findings { get; }

    public ScanSummary Summary { get; }

    public DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset FinishedAt { get; init; }

    /// <summary>Port list as the user gave it (for nmap XML's scaninfo).</summary>
    public string? PortSpec { get; init; }

    /// <summary>The same report with the run's times and port list (nmap XML carries them).</summary>
    public ScanReport WithRun(DateTimeOffset startedAt, DateTimeOffset finishedAt, string? portSpec) =>
        new(Hosts, Findings, Summary) { StartedAt = startedAt, FinishedAt = finishedAt, PortSpec = portSpec };

    /// <summary>
    /// The scan as a <see cref="DetectionRun"/>, the shape the writers and the platform share. A host that stopped
    /// answering is a coverage note: its ports not seen open were not seen closed either. Findings keep the policy
    /// rules that fired as their locations (<c>policy:rdp_exposed</c>), one per host:port:rule.
    /// </summary>
    /// <param name="scope">The authorized scope as a person reads it.</param>
    /// <param name="target">The targets and ports as given.</param>
    /// <param name="importedFrom">The nmap XML file the hosts came from; no connection of ours was made then.</param>
    public DetectionRun ToDetectionRun(string scope, string? target = null, string? importedFrom = null)
    {
        var hosts = new List<ObservedHost>(Hosts.Count);
        var coverage = new List<CoverageNote>();
        long connections = 0;
        foreach (var host in Hosts)
        {
            var address = host.Target.Address.ToString();
            var ports = new List<ObservedPort>(host.OpenPorts.Count);
            foreach (var port in host.OpenPorts)
            {
                ports.Add(new ObservedPort(port.Port, StateName(port.State))
                {
                    Service = port.Service?.Name,
                    Product = port.Service?.ProductLine(),
                    Banner = port.Service?.Banner,
                    Protocol = port.Protocol == "tcp" ? null : port.Protocol,
                });
            }

            hosts.Add(new ObservedHost(address, ports) { HostName = host.Target.HostName, Closed = host.ClosedCount, Filtered = host.FilteredCount });
            connections += host.PortsScanned;
            if (host.Unresponsive)
            {
                coverage.Add(new CoverageNote(address, $"主机停止响应，已放弃（退避 {host.Backoffs} 次）：{host.FilteredCount} 个端口状态未知"));
            }
        }

        var findings = new List<Finding>(Findings.Count);
        foreach (var finding in Findings)
        {
            // "port:N" repeats the target; the policy rule is what a reader needs to know why it fired.
            findings.Add(finding with { Locations = [.. finding.Locations.Where(l => l.StartsWith("policy:", StringComparison.Ordinal))] });
        }

        return new DetectionRun
        {
            DetectorId = "ports",
            DetectorVersion = DetectionRun.VersionOf(typeof(ScanReport).Assembly),
            Scope = scope,
            Target = importedFrom is null ? target : $"nmap XML 导入：{importedFrom}",
            StartedAt = StartedAt,
            EndedAt = FinishedAt,
            Statistics = new DetectionStatistics { Connections = importedFrom is null ? connections : 0, Files = importedFrom is null ? 0 : 1 },
            Coverage = coverage,
            // Every host scanned counts as covered, open ports or not: a host with nothing open any more is exactly
            // where an importer closes findings.
            Covered = [.. hosts.Select(h => h.Address)],
            PortsScanned = ScannedPorts(),
            Hosts = hosts,
            Findings = DetectionRun.MergeByFingerprint(findings),
            Figures =
            [
                new("hosts", Summary.Hosts),
                new("hostsWithOpenPorts", Summary.HostsWithOpenPorts),
                new("openPorts", Summary.OpenPorts),
                new("distinctPorts", Summary.DistinctPorts),
                new("hostsWithHighRiskPorts", Summary.HostsWithHighRiskPorts),
            ],
        };
    }

    /// <summary>The port list as canonical ranges; null when the run does not say which ports it scanned.</summary>
    private string? ScannedPorts()
    {
        if (string.IsNullOrWhiteSpace(PortSpec))
        {
            return null;
        }

        try
        {
            return PortRanges.Canonical(PortSet.Parse(PortSpec).Ports);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static string StateName(PortState state) => state switch
    {
        PortState.Open => "open",
        PortState.Closed => "closed",
        _ => "filtered",
    };

    public static ScanReport Build(IReadOnlyList<HostResult> hosts, HighRiskPortPolicy policy, DateTimeOffset now)
    {
        var findings = new List<Finding>();
        foreach (var host in hosts)
        {
            foreach (var port in host.OpenPorts)
            {
                var observation = PortObservation.From(host.Target.Address.ToString(), port.Port, port.Service, now) with { Protocol = port.Protocol };
                findings.AddRange(policy.Evaluate(observation));
            }
        }

        findings.Sort((a, b) => b.Severity != a.Severity ? b.Severity.CompareTo(a.Severity) : string.CompareOrdinal(a.Target.Display, b.Target.Display));
        return new ScanReport(hosts, findings, ScanSummary.Of(hosts, findings));
    }
}

/// <summary>
/// The seed's summary of an exposure campaign: 19 servers, 50 open ports, 17 distinct ports, 3 servers with
/// high-risk ports — and how ports spread over servers.
/// </summary>
public sealed record ScanSummary(int Hosts, int HostsWithOpenPorts, int OpenPorts, int DistinctPorts, int HostsWithHighRiskPorts)
{
    /// <summary>Port → number of hosts with it open, most common first.</summary>
    public IReadOnlyList<(int Port, int Hosts)> PortDistribution { get; init; } = [];

    public static ScanSummary Of(IReadOnlyList<HostResult> hosts, IReadOnlyList<Finding> findings)
    {
        // Plain loops: this runs once per scan, right after the last packet, where LINQ over value tuples would first
        // have to be JIT-compiled.
        var highRiskTargets = new HashSet<string>(StringComparer.Ordinal);
        foreach (var f in findings)
        {
            if (f.RuleId == HighRiskPortPolicy.HighRiskPortRuleId && f.Target is ServiceTarget service)
            {
                highRiskTargets.Add(service.Host);
            }
        }

        var hostsPerPort = new Dictionary<int, int>();
        int withOpen = 0, open = 0, withHighRisk = 0;
        foreach (var h in hosts)
        {
            withOpen += h.OpenPorts.Count > 0 ? 1 : 0;
            open += h.OpenPorts.Count;
            withHighRisk += highRiskTargets.Contains(h.Target.Address.ToString()) ? 1 : 0;
            foreach (var p in h.OpenPorts)
            {
                hostsPerPort[p.Port] = hostsPerPort.GetValueOrDefault(p.Port) + 1;
            }
        }

        var distribution = new (int Port, int Hosts)[hostsPerPort.Count];
        var i = 0;
        foreach (var (port, count) in hostsPerPort)
        {
            distribution[i++] = (port, count);
        }

        // Most common first, then by port.
        Array.Sort(distribution, static (a, b) => a.Hosts != b.Hosts ? b.Hosts.CompareTo(a.Hosts) : a.Port.CompareTo(b.Port));
        return new ScanSummary(hosts.Count, withOpen, open, distribution.Length, withHighRisk) { PortDistribution = distribution };
    }
}
