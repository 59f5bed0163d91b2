using System.Diagnostics;
using System.Net;
using MedGuard.Detection.Ports.Policy;
using MedGuard.Detection.Ports.Reporting;
using MedGuard.Detection.Ports.Scanning;
using MedGuard.Detection.Ports.Scope;
using MedGuard.Detection.Ports.Udp;
using MedGuard.Domain.Detection;
using MedGuard.Domain.Findings;
using MedGuard.Domain.Scope;

namespace MedGuard.Detection.Ports.Tests;

/// <summary>
/// UDP services hospitals leave open, against the real Debian daemons of tests/setup.d/udp.sh: each service's positive
/// on 10.200.5.2 and its safe twin on 10.200.6.2 (snmpd with a site community, ntpsec with noquery, a resolver that
/// does not recurse, no TFTP, no SSDP). Plus the probe file's own examples, scope, pace and the findings they become.
/// </summary>
public sealed class UdpServiceTests
{
    private static readonly ScanOptions Quick = new() { InitialTimeout = TimeSpan.FromMilliseconds(600), Retries = 0, PerHostRate = 0, GlobalRate = 0 };

    private static IPAddress Open => Address("MEDGUARD_UDP_OPEN");

    private static IPAddress Safe => Address("MEDGUARD_UDP_SAFE");

    private static AuthorizedScope Scope => AuthorizedScope.Parse("10.200.5.0/24\n10.200.6.0/24\n", "udp-test-scope");

    [Fact]
    public void EveryProbeReadsItsExamples()
    {
        var catalog = UdpProbeCatalog.Default;
        Assert.Equal(
            ["dns-recursion", "ntp-mode6", "ntp-monlist", "ntp-time", "snmp-private", "snmp-public", "ssdp-msearch", "tftp-read"],
            catalog.Probes.Select(p => p.Id).Order(StringComparer.Ordinal));
        foreach (var probe in catalog.Probes)
        {
            Assert.True(probe.PositiveExamples.Count > 0 && probe.NegativeExamples.Count > 0, $"{probe.Id}: examples missing");
            var flagged = probe.Replies[0].Flags;
            foreach (var reply in probe.PositiveExamples)
            {
                var info = probe.Read(reply);
                Assert.True(info is not null, $"{probe.Id}: positive example {Convert.ToHexString(reply)} not read");
                Assert.Equal(probe.Service, info.Name);
                Assert.Equal(flagged, info.Flags);
            }

            foreach (var reply in probe.NegativeExamples)
            {
                var info = probe.Read(reply);
                Assert.True(info is null || (flagged.Count > 0 && !flagged.Any(info.Flags.Contains)),
                    $"{probe.Id}: negative example {Convert.ToHexString(reply)} read as {string.Join(',', info?.Flags ?? [])}");
            }
        }
    }

    [Fact]
    public void ABadProbeFileIsRefusedWithItsProbe()
    {
        var bad = UdpProbeCatalog_Parse("""{"probes": [{"id": "x", "service": "snmp", "port": 161, "send_hex": "zz", "replies": [{"pattern": "^a"}]}]}""");
        Assert.Contains("探针 'x'", bad.Message, StringComparison.Ordinal);
        var unknownKey = UdpProbeCatalog_Parse("""{"probes": [{"id": "x", "service": "snmp", "port": 161, "send": "a", "reply": []}]}""");
        Assert.Contains("JSON", unknownKey.Message, StringComparison.Ordinal);
    }

    private static InvalidDataException UdpProbeCatalog_Parse(string json) =>
        Assert.Throws<InvalidDataException>(() => UdpProbeCatalog.Parse(json, "t.json"));

    [Fact]
    public async Task OpenServicesAreFoundAndTheirSafeTwinsAreNot()
    {
        var scanner = new UdpServiceScanner(Scope, Quick);
        var results = await scanner.ScanAsync([new ScanTarget(Open), new ScanTarget(Safe)]);

        string[] FlagsOf(IPAddress host, int port) =>
            [.. results.Where(r => r.Target.Address.Equals(host) && r.Port == port).SelectMany(r => r.Service.Flags)];
        string? ServiceOf(IPAddress host, int port) => results.SingleOrDefault(r => r.Target.Address.Equals(host) && r.Port == port)?.Service.Name;

        // Positives: every service, with its flag.
        Assert.Equal(["snmp_default_community"], FlagsOf(Open, 161));
        Assert.Equal(["tftp_open"], FlagsOf(Open, 69));
        Assert.Equal(["ntp_mode6"], FlagsOf(Open, 123)); // ntpsec has no mode 7: no monlist
        Assert.Equal(["ssdp_exposed"], FlagsOf(Open, 1900));
        Assert.Equal(["dns_open_recursion"], FlagsOf(Open, 53));
        var snmp = results.Single(r => r.Target.Address.Equals(Open) && r.Port == 161).Service;
        Assert.Contains("MedGuard test PACS gateway", snmp.Info, StringComparison.Ordinal);
        Assert.Contains("ntpsec", results.Single(r => r.Target.Address.Equals(Open) && r.Port == 123).Service.Info, StringComparison.Ordinal);

        // Negative twins: SNMP with a site community and no TFTP/SSDP are silent; NTP and DNS answer, without the flag.
        Assert.Null(ServiceOf(Safe, 161));
        Assert.Null(ServiceOf(Safe, 69));
        Assert.Null(ServiceOf(Safe, 1900));
        Assert.Equal("ntp", ServiceOf(Safe, 123));
        Assert.Empty(FlagsOf(Safe, 123));
        Assert.Equal("dns", ServiceOf(Safe, 53));
        Assert.Empty(FlagsOf(Safe, 53));
    }

    [Fact]
    public async Task FindingsComeFromThePortPolicyInTheSameRunShape()
    {
        var results = await new UdpServiceScanner(Scope, Quick).ScanAsync([new ScanTarget(Open), new ScanTarget(Safe)]);
        var hosts = new[] { Open, Safe }.Select(a => new HostResult(new ScanTarget(a),
            results.Where(r => r.Target.Address.Equals(a)).Select(r => new PortResult(r.Port, PortState.Open) { Protocol = "udp", Service = r.Service }))).ToList();
        var report = ScanReport.Build(hosts, HighRiskPortPolicy.Default, DateTimeOffset.UtcNow);
        var run = report.ToDetectionRun("udp-test-scope");

        var byRule = report.Findings.ToDictionary(f => ((ServiceTarget)f.Target).Port);
        Assert.Equal(5, report.Findings.Count);
        Assert.All(report.Findings, f => Assert.Equal(Open.ToString(), ((ServiceTarget)f.Target).Host));
        Assert.Equal(Severity.High, byRule[161].Severity);
        Assert.Equal(["L3-CES1-01", "L3-CES1-18"], byRule[161].StandardRefs);
        Assert.Equal(Severity.High, byRule[69].Severity);
        Assert.Equal(Severity.Medium, byRule[123].Severity);
        Assert.Equal(Severity.Medium, byRule[1900].Severity);
        Assert.Equal(Severity.Medium, byRule[53].Severity);
        Assert.All(report.Findings, f => Assert.Equal("udp", f.Evidence["protocol"]));

        var json = DetectionRunJson.Write(run);
        var read = DetectionRunJson.Read(json);
        var port = read.Hosts.Single(h => h.Address == Open.ToString()).Ports.Single(p => p.Port == 161);
        Assert.Equal("udp", port.Protocol);
        Assert.Equal("snmp", port.Service);
        Assert.Equal(5, read.Findings.Count);
    }

    [Fact]
    public async Task NothingIsSentOutsideTheScope()
    {
        var scanner = new UdpServiceScanner(Scope, Quick);
        await Assert.ThrowsAsync<ScopeException>(() => scanner.ScanAsync([new ScanTarget(Safe), new ScanTarget(IPAddress.Parse("10.200.7.2"))]));
        Assert.Equal(0, scanner.Sent); // refused before the first datagram, even to the target in scope
    }

    [Fact]
    public async Task DatagramsToAHostKeepItsRate()
    {
        // 8 probes to the safe twin at 10 a second: two at once (the limiter allows one interval of burst), then 100 ms apart.
        var scanner = new UdpServiceScanner(Scope, Quick with { PerHostRate = 10, InitialTimeout = TimeSpan.FromMilliseconds(50) });
        var clock = Stopwatch.StartNew();
        await scanner.ScanAsync([new ScanTarget(Safe)]);
        Assert.Equal(8, scanner.Sent);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(550), $"8 datagrams in {clock.Elapsed.TotalMilliseconds} ms at 10/s");
    }

    private static IPAddress Address(string variable) =>
        IPAddress.Parse(Environment.GetEnvironmentVariable(variable)
            ?? throw new InvalidOperationException($"{variable} is not set: run ./test.sh (tests/setup.d/udp.sh starts the UDP services)"));
}
