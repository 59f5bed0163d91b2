using System.Net;
using System.Text;
using System.Text.Json;
using MedGuard.Detection.Ports.Policy;
using MedGuard.Detection.Ports.Reporting;
using MedGuard.Detection.Ports.Scanning;
using MedGuard.Detection.Ports.Scope;
using MedGuard.Detection.Ports.Services;
using MedGuard.Domain.Detection;
using MedGuard.Domain.Findings;

namespace MedGuard.Detection.Ports.Tests;

public class ReportingTests
{
    private static ScanReport Sample()
    {
        var a = new HostResult(new ScanTarget(IPAddress.Parse("10.200.0.2")),
        [
            new PortResult(22, PortState.Open) { Service = new ServiceInfo { Name = "ssh", Product = "OpenSSH_9.2p1", Banner = "SSH-2.0-OpenSSH_9.2p1" } },
            new PortResult(3389, PortState.Open) { Service = new ServiceInfo { Name = "rdp", Product = "xrdp" } },
            new PortResult(80, PortState.Open),
        ], closedCount: 997);
        var b = new HostResult(new ScanTarget(IPAddress.Parse("10.200.0.3")), [new PortResult(80, PortState.Open)], filteredCount: 999);
        var c = new HostResult(new ScanTarget(IPAddress.Parse("10.200.0.4")), [], closedCount: 1000);
        return ScanReport.Build([a, b, c], HighRiskPortPolicy.Default, DateTimeOffset.UtcNow);
    }

    [Fact]
    public void RunJsonKeepsTheKeysScriptsRead()
    {
        using var doc = JsonDocument.Parse(DetectionRunJson.Write(Sample().ToDetectionRun("scope.txt：10.200.0.0/24", "10.200.0.2-4 端口 top100")));
        var root = doc.RootElement;
        Assert.Equal(DetectionRun.SchemaVersion, root.GetProperty("schemaVersion").GetInt32());
        Assert.Equal("ports", root.GetProperty("detector").GetString());
        Assert.Equal("scope.txt：10.200.0.0/24", root.GetProperty("scope").GetString());
        var host = root.GetProperty("hosts")[0];
        Assert.Equal("10.200.0.2", host.GetProperty("address").GetString());
        Assert.Equal(997, host.GetProperty("closed").GetInt32());
        var port = host.GetProperty("ports")[0];
        Assert.Equal(["port", "state", "service", "product", "banner"], port.EnumerateObject().Select(p => p.Name));
        Assert.Equal(22, port.GetProperty("port").GetInt32());
        Assert.Equal("open", port.GetProperty("state").GetString());
        var rdp = root.GetProperty("findings").EnumerateArray().First(f => f.GetProperty("target").GetString() == "10.200.0.2:3389");
        Assert.Equal("high_risk_port", rdp.GetProperty("ruleId").GetString());
        Assert.Equal("高", rdp.GetProperty("severity").GetString());
        Assert.Equal("service", rdp.GetProperty("targetKind").GetString());
        Assert.Equal(3389, rdp.GetProperty("port").GetInt32());
        Assert.Contains(rdp.GetProperty("highRiskCases").EnumerateArray(), r => r.GetString() == "6.4.3.1");
        Assert.All(rdp.GetProperty("locations").EnumerateArray(), l => Assert.StartsWith("policy:", l.GetString()));
        Assert.Equal(rdp.GetProperty("locations").GetArrayLength(), rdp.GetProperty("count").GetInt32());

        // 3 hosts × the ports each was asked about: what the run did, without an import's zero.
        Assert.Equal(3000, root.GetProperty("connections").GetInt64());
        Assert.True(root.GetProperty("complete").GetBoolean());
        var summary = root.GetProperty("summary");
        Assert.Equal(3, summary.GetProperty("hosts").GetInt32());
        Assert.Equal(2, summary.GetProperty("hostsWithOpenPorts").GetInt32());
        Assert.Equal(4, summary.GetProperty("openPorts").GetInt32());
        Assert.Equal(3, summary.GetProperty("distinctPorts").GetInt32());
        Assert.Equal(1, summary.GetProperty("hostsWithHighRiskPorts").GetInt32());
    }

    [Fact]
    public void RunHasOneFindingPerHostPortAndRule()
    {
        var run = Sample().ToDetectionRun("scope.txt");
        Assert.Equal(run.Findings.Count, run.Findings.Select(f => f.Fingerprint).Distinct().Count());
        Assert.All(run.Findings, f => Assert.IsType<ServiceTarget>(f.Target));
    }

    [Fact]
    public void AHostThatStoppedAnsweringIsACoverageNote()
    {
        var gone = new HostResult(new ScanTarget(IPAddress.Parse("10.200.0.9")), [new PortResult(22, PortState.Open)], filteredCount: 998) { Unresponsive = true, Backoffs = 3 };
        var report = ScanReport.Build([gone], HighRiskPortPolicy.Default, DateTimeOffset.UtcNow);
        var run = report.ToDetectionRun("scope.txt");
        var note = Assert.Single(run.Coverage);
        Assert.Equal("10.200.0.9", note.Subject);
        Assert.Contains("998", note.Reason);
        Assert.False(run.Complete);
    }

    [Fact]
    public void AnImportMakesNoConnectionOfOurs()
    {
        var run = Sample().ToDetectionRun("nmap", importedFrom: "scan.xml");
        Assert.Equal(0, run.Statistics.Connections);
        Assert.Equal(1, run.Statistics.Files);
        Assert.Contains("scan.xml", run.Target);
    }

    [Fact]
    public void SummaryHasPortDistribution()
    {
        var summary = Sample().Summary;
        Assert.Equal((80, 2), summary.PortDistribution[0]);
        Assert.Equal(3, summary.PortDistribution.Count);
    }

    [Fact]
    public void TableShowsHostsFindingsAndSummary()
    {
        var text = new StringWriter();
        TableReportWriter.Write(Sample(), text);
        var output = text.ToString();
        Assert.Contains("3389/tcp", output);
        Assert.Contains("[高] 10.200.0.2:3389", output);
        Assert.Contains("存在高危端口的主机 1 台", output);
        Assert.Contains("80: 2", output);
    }

    [Fact]
    public void NmapXmlRoundTripGivesTheSameFindings()
    {
        var report = Sample();
        var xml = new StringWriter();
        NmapXmlWriter.Write(report, xml);
        var hosts = NmapXmlImporter.Read(new MemoryStream(Encoding.UTF8.GetBytes(xml.ToString())), "roundtrip.xml");
        Assert.Equal(3, hosts.Count);
        Assert.Equal([22, 80, 3389], hosts[0].OpenPorts.Select(p => p.Port));
        Assert.Equal(997, hosts[0].ClosedCount);
        Assert.Equal(999, hosts[1].FilteredCount);
        var again = ScanReport.Build(hosts, HighRiskPortPolicy.Default, DateTimeOffset.UtcNow);
        Assert.Equal(report.Findings.Select(f => f.Fingerprint).Order(), again.Findings.Select(f => f.Fingerprint).Order());
        Assert.Equal(report.Summary with { PortDistribution = [] }, again.Summary with { PortDistribution = [] });
    }

    [Fact]
    public void NmapServiceNamesAreMappedToOurs()
    {
        const string xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE nmaprun>
            <?xml-stylesheet href="file:///usr/bin/../share/nmap/nmap.xsl" type="text/xsl"?>
            <nmaprun scanner="nmap" args="nmap -sV -oX - 10.200.0.9" start="1700000000" version="7.93" xmloutputversion="1.05">
            <host><status state="up"/><address addr="10.200.0.9" addrtype="ipv4"/><address addr="00:11:22:33:44:55" addrtype="mac"/>
            <ports><extraports state="closed" count="995"/>
            <port protocol="tcp" portid="3389"><state state="open" reason="syn-ack"/><service name="ms-wbt-server" product="Microsoft Terminal Services"/></port>
            <port protocol="tcp" portid="445"><state state="open" reason="syn-ack"/><service name="microsoft-ds"/></port>
            <port protocol="tcp" portid="1433"><state state="open" reason="syn-ack"/><service name="ms-sql-s" version="15.00"/></port>
            <port protocol="tcp" portid="8080"><state state="filtered" reason="no-response"/></port>
            <port protocol="udp" portid="161"><state state="open"/><service name="snmp"/></port>
            </ports></host></nmaprun>
            """;
        var hosts = NmapXmlImporter.Read(new MemoryStream(Encoding.UTF8.GetBytes(xml)), "nmap.xml");
        var host = Assert.Single(hosts);
        Assert.Equal(["smb", "ms-sql", "rdp"], host.OpenPorts.Select(p => p.Service!.Name));
        Assert.Equal(PortState.Filtered, host.StateOf(8080));
        var findings = ScanReport.Build(hosts, HighRiskPortPolicy.Default, DateTimeOffset.UtcNow).Findings;
        Assert.Contains(findings, f => f.Target.Display == "10.200.0.9:3389" && f.RuleId == "high_risk_port");
    }

    [Theory]
    [InlineData("<?xml version=\"1.0\"?><!DOCTYPE nmaprun [<!ENTITY x \"boom\">]><nmaprun>&x;</nmaprun>")]
    [InlineData("<?xml version=\"1.0\"?><!DOCTYPE nmaprun SYSTEM \"file:///etc/passwd\"><nmaprun/>")]
    [InlineData("<nmaprun><host><address addr=\"10.200.0.1\" addrtype=\"ipv4\"/><ports><port protocol=\"tcp\" portid=\"99999\"/></ports></host></nmaprun>")]
    [InlineData("<nmaprun><host><address addr=\"not-an-ip\" addrtype=\"ipv4\"/></host></nmaprun>")]
    [InlineData("<html><body>not nmap</body></html>")]
    [InlineData("<nmaprun><host>")]
    public void HostileOrBrokenXmlIsRefusedClearly(string xml)
    {
        var ex = Assert.Throws<InvalidDataException>(() => NmapXmlImporter.Read(new MemoryStream(Encoding.UTF8.GetBytes(xml)), "bad.xml"));
        Assert.Contains("bad.xml", ex.Message);
    }

    [Fact]
    public void BillionLaughsIsNotExpanded()
    {
        var xml = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]><nmaprun>&lol2;</nmaprun>";
        Assert.Throws<InvalidDataException>(() => NmapXmlImporter.Read(new MemoryStream(Encoding.UTF8.GetBytes(xml)), "lol.xml"));
    }
}
