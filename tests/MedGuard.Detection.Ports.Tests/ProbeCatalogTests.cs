using MedGuard.Detection.Ports.Services;

namespace MedGuard.Detection.Ports.Tests;

public class ProbeCatalogTests
{
    [Fact]
    public void EmbeddedCatalogCoversTheIssuesServices()
    {
        var catalog = ProbeCatalog.Default;
        var services = catalog.Probes.SelectMany(p => p.Matches).Select(m => m.Service).ToHashSet();
        foreach (var expected in new[]
                 {
                     "http", "https", "ssh", "ftp", "telnet", "smtp", "rdp", "smb", "mysql", "postgresql", "ms-sql", "oracle-tns",
                     "redis", "mongodb", "elasticsearch", "memcached", "docker", "vnc", "ldap", "dicom", "hl7-mllp",
                 })
        {
            Assert.Contains(expected, services);
        }

        Assert.Contains(catalog.Checks, c => c.Id == "ftp_anonymous");
        Assert.Contains(catalog.Checks, c => c.Id == "redis_no_auth");
        Assert.Contains(catalog.Checks, c => c.Id == "mysql_no_auth" && c.Flag == "no_auth" && c.Conversation == "mysql_empty_root_password");
    }

    [Fact]
    public void PortSpecificProbesComeFirst()
    {
        var order = ProbeCatalog.Default.For(3389).Select(p => p.Id).ToList();
        Assert.Equal("rdp-x224", order[0]);
        Assert.Contains("banner", order);
        Assert.DoesNotContain("dicom-associate", order);
        Assert.Equal("dicom-associate", ProbeCatalog.Default.For(104).First().Id);
    }

    [Theory]
    [InlineData("probes:\n  - id: a\n    send: x\n    matches:\n      - service: s\n        pattern: '(['\n", "正则无效")]
    [InlineData("probes:\n  - id: a\n    send_hex: zz\n    matches:\n      - service: s\n        pattern: x\n", "十六进制")]
    [InlineData("probes:\n  - id: a\n    matches:\n      - service: s\n        pattern: x\n        extract: magic\n", "extract")]
    [InlineData("probes:\n  - id: a\n    matches: []\n", "matches")]
    [InlineData("probes:\n  - id: a\n    send: \"中\"\n    matches:\n      - service: s\n        pattern: x\n", "单字节")]
    [InlineData("checks:\n  - id: c\n    service: s\n    flag: f\n    conversation: telnet_guess\n", "conversation")]
    [InlineData("checks:\n  - id: c\n    service: s\n    flag: f\n", "step")]
    [InlineData("checks:\n  - id: c\n    service: s\n    flag: f\n    conversation: mysql_empty_root_password\n    steps:\n      - send: x\n", "只能有其一")]
    public void BadProbeDataIsRejected(string yaml, string expected)
    {
        var ex = Assert.Throws<InvalidDataException>(() => ProbeCatalog.Parse(yaml, "probes.yaml"));
        Assert.Contains(expected, ex.Message);
    }
}
