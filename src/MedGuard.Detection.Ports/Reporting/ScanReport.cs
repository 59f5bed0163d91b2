using MedGuard.Detection.Ports.Policy;
using MedGuard.Detection.Ports.Scanning;
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

    public static ScanReport Build(IReadOnlyList<HostResult> hosts, HighRiskPortPolicy policy, DateTimeOffset now)
    {
        var findings = new List<Finding>();
        foreach (var host in hosts)
        {
            foreach (var port in host.OpenPorts)
            {
                var observation = PortObservation.From(host.Target.Address.ToString(), port.Port, port.Service, now);
                findings.AddRange(policy.Evaluate(observation));
            }
        }

        findings.Sort((a, b) => b.Severity != a.Severity ? b.Severity.CompareTo(a.Severity) : string.CompareOrdinal(a.Target, b.Target));
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
        var highRiskTargets = findings.Where(f => f.RuleId == HighRiskPortPolicy.HighRiskPortRuleId)
            .Select(f => f.Target[..f.Target.LastIndexOf(':')].Trim('[', ']')).ToHashSet(StringComparer.Ordinal);
        var distribution = hosts.SelectMany(h => h.OpenPorts.Select(p => p.Port)).GroupBy(p => p)
            .Select(g => (Port: g.Key, Hosts: g.Count())).OrderByDescending(x => x.Hosts).ThenBy(x => x.Port).ToArray();
        return new ScanSummary(
            hosts.Count,
            hosts.Count(h => h.OpenPorts.Count > 0),
            hosts.Sum(h => h.OpenPorts.Count),
            distribution.Length,
            hosts.Count(h => highRiskTargets.Contains(h.Target.Address.ToString())))
        {
            PortDistribution = distribution,
        };
    }
}
