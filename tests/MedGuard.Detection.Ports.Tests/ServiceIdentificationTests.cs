using MedGuard.Detection.Ports.Policy;
using MedGuard.Detection.Ports.Reporting;
using MedGuard.Detection.Ports.Scope;
using MedGuard.Detection.Ports.Services;
using MedGuard.Domain.Findings;

namespace MedGuard.Detection.Ports.Tests;

/// <summary>
/// Each probe against a real Debian service in mgp-tsrv (or, where Debian ships none, the emulator in
/// Listeners/emulators.py), with its positive and negative case side by side: Redis with and without a password,
/// vsftpd with and without anonymous login, storescp accepting and refusing associations, certificates valid and
/// expired.
/// </summary>
public class ServiceIdentificationTests
{
    private static readonly ServiceIdentifier Identifier = new(ProbeCatalog.Default, TestNetwork.Scope);

    private static async Task<ServiceInfo> Identify(int port)
    {
        var info = await Identifier.IdentifyAsync(new ScanTarget(TestNetwork.Server), port);
        Assert.NotNull(info);
        return info;
    }

    [Theory]
    // real Debian services
    [InlineData(22, "ssh", "OpenSSH", "banner", null)]
    [InlineData(21, "ftp", "vsFTPd", "banner", "anonymous_login")]
    [InlineData(2121, "ftp", "vsFTPd", "banner", null)]
    [InlineData(80, "http", "nginx", "http-get", null)]
    [InlineData(443, "https", "nginx", "https-get", null)]
    [InlineData(6379, "redis", "Redis", "redis-ping", "no_auth")]
    [InlineData(6380, "redis", "Redis", "redis-ping", null)]
    [InlineData(11211, "memcached", "memcached", "memcached-version", "no_auth")]
    [InlineData(3306, "mysql", "MariaDB", "banner", null)]
    [InlineData(3307, "mysql", "MariaDB", "banner", "no_auth")]
    [InlineData(5432, "postgresql", "PostgreSQL", "postgres-startup", "no_auth")]
    [InlineData(445, "smb", "SMB", "smb2-negotiate", null)]
    [InlineData(3389, "rdp", "RDP", "rdp-x224", null)]
    [InlineData(104, "dicom", "DICOM", "dicom-associate", "dicom_open_association")]
    [InlineData(11112, "dicom", "DICOM", "dicom-associate", null)]
    // emulators (no Debian package)
    [InlineData(1433, "ms-sql", "SQL Server", "mssql-prelogin", null)]
    [InlineData(1521, "oracle-tns", "Oracle", "oracle-tns", null)]
    [InlineData(27017, "mongodb", "MongoDB", "mongodb-hello", "no_auth")]
    [InlineData(27018, "mongodb", "MongoDB", "mongodb-hello", null)]
    [InlineData(9200, "elasticsearch", "Elasticsearch", "http-get", "no_auth")]
    [InlineData(2375, "docker", "Docker", "docker-version", "no_auth")]
    [InlineData(5900, "vnc", "VNC", "banner", "vnc_no_auth")]
    [InlineData(389, "ldap", "LDAP", "ldap-bind", "anonymous_bind")]
    [InlineData(23, "telnet", "Telnet", "banner", null)]
    [InlineData(25, "smtp", "ESMTP", "banner", null)]
    [InlineData(2575, "hl7-mllp", "HL7", "hl7-mllp", "hl7_unauthenticated")]
    public async Task ProbeIdentifiesService(int port, string service, string product, string probe, string? flag)
    {
        var info = await Identify(port);
        Assert.Equal(service, info.Name);
        Assert.Contains(product, info.Product ?? "", StringComparison.OrdinalIgnoreCase);
        Assert.Equal(probe, info.Probe);
        if (flag is not null)
        {
            Assert.Contains(flag, info.Flags);
        }
        else
        {
            Assert.DoesNotContain(info.Flags, f => f is "no_auth" or "anonymous_login" or "dicom_open_association");
        }
    }

    [Fact]
    public async Task HttpGivesStatusServerAndTitle()
    {
        var info = await Identify(80);
        Assert.Equal(200, info.Http!.Status);
        Assert.StartsWith("nginx/", info.Http.Server);
        Assert.Equal("医院信息系统 HIS 登录", info.Http.Title);
    }

    [Fact]
    public async Task TlsDetailsOfValidAndExpiredCertificates()
    {
        var valid = await Identify(443);
        Assert.NotNull(valid.Tls);
        Assert.StartsWith("TLSv1.", valid.Tls.Protocol);
        Assert.Contains("CN=his.hospital.test", valid.Tls.Subject);
        Assert.True(valid.Tls.SelfSigned);
        Assert.False(valid.Tls.ExpiredAt(DateTimeOffset.UtcNow));

        var expired = await Identify(8443);
        Assert.Contains("CN=old-portal.hospital.test", expired.Tls!.Subject);
        Assert.True(expired.Tls.ExpiredAt(DateTimeOffset.UtcNow));
        Assert.Equal(new DateTimeOffset(2021, 1, 1, 0, 0, 0, TimeSpan.Zero), expired.Tls.NotAfter);

        var findings = HighRiskPortPolicy.Default.Evaluate(PortObservation.From("10.200.1.2", 8443, expired, DateTimeOffset.UtcNow)).ToList();
        Assert.Contains(findings, f => f.Locations.Contains("policy:tls_certificate_expired"));
        var validFindings = HighRiskPortPolicy.Default.Evaluate(PortObservation.From("10.200.1.2", 443, valid, DateTimeOffset.UtcNow)).ToList();
        Assert.DoesNotContain(validFindings, f => f.Locations.Contains("policy:tls_certificate_expired"));
        Assert.Contains(validFindings, f => f.Locations.Contains("policy:tls_certificate_self_signed"));
    }

    [Fact]
    public async Task MariaDbThatLetsRootInWithoutAPasswordIsAHighFinding()
    {
        // 3307: 'root'@'%' has no password — the one login as root with the empty password gets in.
        var open = await Identify(3307);
        Assert.Equal("MariaDB", open.Product);
        Assert.Contains("no_auth", open.Flags);
        Assert.Contains("root 空口令即可登录", open.Info);
        var finding = Assert.Single(HighRiskPortPolicy.Default.Evaluate(PortObservation.From("10.200.1.2", 3307, open, DateTimeOffset.UtcNow)),
            f => f.Locations.Contains("policy:unauthenticated_data_service"));
        Assert.Equal(Severity.High, finding.Severity);
        Assert.Equal("unauthenticated_service", finding.RuleId);

        // 3306: root is local-only, so root over TCP is refused (ERR 1045): the port is still exposed, but not open.
        var guarded = await Identify(3306);
        Assert.Equal("MariaDB", guarded.Product);
        Assert.DoesNotContain("no_auth", guarded.Flags);
        var findings = HighRiskPortPolicy.Default.Evaluate(PortObservation.From("10.200.1.2", 3306, guarded, DateTimeOffset.UtcNow)).ToList();
        Assert.DoesNotContain(findings, f => f.Locations.Contains("policy:unauthenticated_data_service"));
        Assert.Contains(findings, f => f.Locations.Contains("policy:database_exposed"));
    }

    [Fact]
    public async Task VncWithAPasswordIsNotReportedAsOpen()
    {
        // Xvnc on 5901 offers only VeNCrypt Plain (user and password): the "None" check must not fire.
        var guarded = await Identify(5901);
        Assert.Equal("vnc", guarded.Name);
        Assert.DoesNotContain("vnc_no_auth", guarded.Flags);
    }

    [Fact]
    public async Task AnOldTlsOnlyServerStillGivesItsTlsDetails()
    {
        // openssl s_server with TLS 1.0/1.1 and RSA-1024 only: the local TLS library refuses it, our own hello does not.
        var old = await Identify(4443);
        Assert.Equal("ssl", old.Name);
        Assert.Equal("TLSv1.1", old.Tls!.Protocol);
        Assert.Contains("CN=device-console.hospital.test", old.Tls.Subject);
        Assert.True(old.Tls.SelfSigned);
        var findings = HighRiskPortPolicy.Default.Evaluate(PortObservation.From("10.200.1.2", 4443, old, DateTimeOffset.UtcNow)).ToList();
        Assert.Contains(findings, f => f.Locations.Contains("policy:tls_legacy_protocol"));

        // nginx on 443 speaks TLS 1.2+: no legacy flag.
        var modern = await Identify(443);
        Assert.DoesNotContain(HighRiskPortPolicy.Default.Evaluate(PortObservation.From("10.200.1.2", 443, modern, DateTimeOffset.UtcNow)),
            f => f.Locations.Contains("policy:tls_legacy_protocol"));
    }

    [Fact]
    public async Task VersionsComeFromTheServices()
    {
        Assert.Matches(@"^\d+\.\d+\.\d+", (await Identify(6379)).Version);     // redis INFO
        Assert.Matches(@"^1\.\d+\.\d+", (await Identify(11211)).Version);      // memcached version
        Assert.Matches(@"^10\.\d+\.\d+-MariaDB", (await Identify(3306)).Version);
        Assert.Equal("OFFIS_DCMTK_367", (await Identify(104)).Version);
        Assert.Contains("选定安全协议", (await Identify(3389)).Info);
        Assert.Matches(@"^(2\.|3\.)", (await Identify(445)).Version);
    }

    [Fact]
    public async Task ServerReportBringsFindingsAndSummary()
    {
        var scanner = new Scanning.ConnectScanner(TestNetwork.Scope, new Scanning.ScanOptions { PerHostConcurrency = 32, PerHostRate = 0, PerHostProbeConcurrency = 8 });
        var hosts = await scanner.ScanAsync([new ScanTarget(TestNetwork.Server)], PortSets.PortSet.Parse("21,22,80,443,3389,6379,6380,104,2575,1-20"));
        var report = ScanReport.Build(hosts, HighRiskPortPolicy.Default, DateTimeOffset.UtcNow);
        Assert.Contains(report.Findings, f => f.Target.Display == "10.200.1.2:3389" && f.RuleId == "high_risk_port" && f.HighRiskCases.Contains("6.4.3.1"));
        Assert.Contains(report.Findings, f => f.Target.Display == "10.200.1.2:6379" && f.RuleId == "unauthenticated_service");
        Assert.DoesNotContain(report.Findings, f => f.Target.Display == "10.200.1.2:6380" && f.RuleId == "unauthenticated_service");
        Assert.Contains(report.Findings, f => f.Target.Display == "10.200.1.2:21" && f.Locations.Contains("policy:ftp_anonymous"));
        Assert.Equal(new ScanSummary(1, 1, 9, 9, 1), report.Summary with { PortDistribution = [] });
    }
}
