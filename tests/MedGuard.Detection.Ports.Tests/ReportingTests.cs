using System.Net;
using System.Text;
using System.Text.Json;
using MedGuard.Detection.Ports.Policy;
using MedGuard.Detection.Ports.Reporting;
using MedGuard.Detection.Ports.Scanning;
using MedGuard.Detection.Ports.Scope;
using MedGuard.Detection.Ports.Services;

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
    public void JsonHasExactlyTheAgreedShape()
    {
        using var doc = JsonDocument.Parse(JsonReportWriter.Write(Sample()));
        var root = doc.RootElement;
        Assert.Equal(["hosts", "findings", "summary"], root.EnumerateObject().Select(p => p.Name));
        var host = root.GetProperty("hosts")[0];
        Assert.Equal(["address", "ports"], host.EnumerateObject().Select(p => p.Name));
        Assert.Equal("10.200.0.2", host.GetProperty("address").GetString());
        var port = host.GetProperty("ports")[0];
        Assert.Equal(["port", "state", "service", "product", "banner"], port.EnumerateObject().Select(p => p.Name));
        Assert.Equal(22, port.GetProperty("port").GetInt32());
        Assert.Equal("open", port.GetProperty("state").GetString());
        var rdp = root.GetProperty("findings").EnumerateArray().First(f => f.GetProperty("target").GetString() == "10.200.0.2:3389");
        Assert.Equal(["ruleId", "severity", "target", "title", "refs"], rdp.EnumerateObject().Select(p => p.Name));
        Assert.Equal("high_risk_port", rdp.GetProperty("ruleId").GetString());
        Assert.Equal("高", rdp.GetProperty("severity").GetString());
        Assert.Contains(rdp.GetProperty("refs").EnumerateArray(), r => r.GetString() == "高风险判例 6.4.3.1");
        var summary = root.GetProperty("summary");
        Assert.Equal(["hosts", "hostsWithOpenPorts", "openPorts", "distinctPorts", "hostsWithHighRiskPorts"], summary.EnumerateObject().Select(p => p.Name));
        Assert.Equal(3, summary.GetProperty("hosts").GetInt32());
        Assert.Equal(2, summary.GetProperty("hostsWithOpenPorts").GetInt32());
        Assert.Equal(4, summary.GetProperty("openPorts").GetInt32());
        Assert.Equal(3, summary.GetProperty("distinctPorts").GetInt32());
        Assert.Equal(1, summary.GetProperty("hostsWithHighRiskPorts").GetInt32());
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
        Assert.Contains(findings, f => f.Target == "10.200.0.9:3389" && f.RuleId == "high_risk_port");
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
