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
    [InlineData("""{"probes": [{"id": "a", "send": "x", "matches": [{"service": "s", "pattern": "(["}]}]}""", "正则无效")]
    [InlineData("""{"probes": [{"id": "a", "send_hex": "zz", "matches": [{"service": "s", "pattern": "x"}]}]}""", "十六进制")]
    [InlineData("""{"probes": [{"id": "a", "matches": [{"service": "s", "pattern": "x", "extract": "magic"}]}]}""", "extract")]
    [InlineData("""{"probes": [{"id": "a", "matches": []}]}""", "matches")]
    [InlineData("""{"probes": [{"id": "a", "send": "中", "matches": [{"service": "s", "pattern": "x"}]}]}""", "单字节")]
    [InlineData("""{"probes": [{"id": "a", "sendhex": "00", "matches": [{"service": "s", "pattern": "x"}]}]}""", "sendhex")]
    [InlineData("""{"checks": [{"id": "c", "service": "s", "flag": "f", "conversation": "telnet_guess"}]}""", "conversation")]
    [InlineData("""{"checks": [{"id": "c", "service": "s", "flag": "f"}]}""", "step")]
    [InlineData("""{"checks": [{"id": "c", "service": "s", "flag": "f", "conversation": "mysql_empty_root_password", "steps": [{"send": "x"}]}]}""", "只能有其一")]
    [InlineData("{\n  // a comment is fine\n  \"probes\": [\n    {\"id\": \"a\" \"send\": \"x\"}\n  ]\n}", "probes.json:4:")]
    public void BadProbeDataIsRejected(string json, string expected)
    {
        var ex = Assert.Throws<InvalidDataException>(() => ProbeCatalog.Parse(json, "probes.json"));
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void CommentsAndTrailingCommasAreAllowed()
    {
        var catalog = ProbeCatalog.Parse(
            "// why this probe\n{\"probes\": [{\"id\": \"a\", \"send_hex\": \"0d 0a\", \"ports\": [7], \"matches\": [{\"service\": \"echo\", \"pattern\": \"^\\\\r\\\\n\",},],},],}",
            "probes.json");
        var probe = Assert.Single(catalog.Probes);
        Assert.Equal(new byte[] { 0x0d, 0x0a }, probe.Payload);
        Assert.Matches(probe.Matches[0].Pattern, "\r\n");
        Assert.DoesNotMatch(probe.Matches[0].Pattern, "rn");
    }
}
