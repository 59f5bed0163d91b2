using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using MedGuard.Detection.Apk.Tests;

namespace MedGuard.Cli.Tests;

/// <summary>The detection verbs as a user runs them: scope refusal, the documented JSON, bad files beside good ones.</summary>
public sealed class DetectionCommandTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("medguard-det-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void ScanPortsRefusesATargetOutsideTheScopeNamingIt()
    {
        var scope = Path.Combine(directory, "scope.txt");
        File.WriteAllText(scope, "10.200.99.0/24\n");
        var run = CliRun.Of("scan", "ports", "--scope", scope, "--targets", "10.200.99.5,10.200.98.7", "--ports", "22", "--format", "json");
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("10.200.98.7", run.Error);
        Assert.Equal("", run.Output);
    }

    [Fact]
    public void ScanPortsReadsTheYamlScopeAndRefusesOutsideItsWindow()
    {
        var scope = Path.Combine(directory, "scope.yaml");
        File.WriteAllText(scope, "addresses:\n  - 10.200.99.0/24\n");
        var outside = CliRun.Of("scan", "ports", "--scope", scope, "--targets", "10.200.98.7", "--ports", "22", "--format", "json");
        Assert.NotEqual(0, outside.ExitCode);
        Assert.Contains("10.200.98.7", outside.Error);

        // An authorization that has expired sends nothing, even to a target inside it.
        File.WriteAllText(scope, "addresses: [10.200.99.0/24]\nwindow:\n  validUntil: 2020-01-31\n");
        var expired = CliRun.Of("scan", "ports", "--scope", scope, "--targets", "10.200.99.5", "--ports", "22", "--format", "json");
        Assert.NotEqual(0, expired.ExitCode);
        Assert.Contains("授权已于 2020-01-31 到期", expired.Error);
        Assert.Equal("", expired.Output);

        File.WriteAllText(scope, "addresses: [10.200.99.0/24]\naddresses: *x\n");
        var hostile = CliRun.Of("scan", "ports", "--scope", scope, "--targets", "10.200.99.5", "--ports", "22");
        Assert.NotEqual(0, hostile.ExitCode);
        Assert.Contains("scope.yaml:2", hostile.Error);
        Assert.DoesNotContain("   at ", hostile.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void ScanPortsFindsAListenerOfOurOwnOnLoopback()
    {
        // Only the port this test opened is scanned: the host's other loopback services are not ours.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var scope = Path.Combine(directory, "scope.txt");
        File.WriteAllText(scope, "127.0.0.1\n");

        var run = CliRun.Of("scan", "ports", "--scope", scope, "--targets", "127.0.0.1", "--ports", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--no-service", "--format", "json");
        Assert.True(run.ExitCode == 0, run.Error);
        using var json = JsonDocument.Parse(run.Output);
        var ports = json.RootElement.GetProperty("hosts")[0].GetProperty("ports");
        Assert.Contains(ports.EnumerateArray(), p => p.GetProperty("port").GetInt32() == port && p.GetProperty("state").GetString() == "open");
        Assert.Equal(1, json.RootElement.GetProperty("summary").GetProperty("openPorts").GetInt32());
        Assert.Equal("ports", json.RootElement.GetProperty("detector").GetString());
        Assert.StartsWith("scope.txt：", json.RootElement.GetProperty("scope").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, json.RootElement.GetProperty("connections").GetInt64());

        var sarif = CliRun.Of("scan", "ports", "--scope", scope, "--targets", "127.0.0.1", "--ports", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--no-service", "--format", "sarif");
        Assert.True(sarif.ExitCode == 0, sarif.Error);
        using var log = JsonDocument.Parse(sarif.Output);
        Assert.Equal("2.1.0", log.RootElement.GetProperty("version").GetString());
        Assert.Equal("MedGuard ports", log.RootElement.GetProperty("runs")[0].GetProperty("tool").GetProperty("driver").GetProperty("name").GetString());
    }

    [Fact]
    public void ScanPortsWritesTableAndNmapXmlAndTheXmlImportsBack()
    {
        // Two listeners of our own; only their ports are scanned.
        using var first = new TcpListener(IPAddress.Loopback, 0);
        using var second = new TcpListener(IPAddress.Loopback, 0);
        first.Start();
        second.Start();
        int[] ports = [((IPEndPoint)first.LocalEndpoint).Port, ((IPEndPoint)second.LocalEndpoint).Port];
        var spec = string.Join(',', ports.Select(p => p.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var scope = Path.Combine(directory, "scope.txt");
        File.WriteAllText(scope, "127.0.0.1\n");

        var table = CliRun.Of("scan", "ports", "--scope", scope, "--targets", "127.0.0.1", "--ports", spec, "--no-service", "--format", "table");
        Assert.True(table.ExitCode == 0, table.Error);
        Assert.Contains("主机 127.0.0.1: 开放 2，关闭 0，过滤 0", table.Output, StringComparison.Ordinal);
        Assert.All(ports, p => Assert.Contains($"{p}/tcp", table.Output, StringComparison.Ordinal));

        var xml = Path.Combine(directory, "scan.xml");
        var nmap = CliRun.Of("scan", "ports", "--scope", scope, "--targets", "127.0.0.1", "--ports", spec, "--no-service", "--format", "nmap-xml", "--output", xml);
        Assert.True(nmap.ExitCode == 0, nmap.Error);
        var root = System.Xml.Linq.XDocument.Load(xml).Root!;
        Assert.Equal("nmaprun", root.Name.LocalName);
        Assert.Equal(ports.Order(), root.Descendants("port").Select(p => (int)p.Attribute("portid")!).Order());

        var imported = CliRun.Of("scan", "import-nmap", xml, "--format", "json");
        Assert.True(imported.ExitCode == 0, imported.Error);
        using var json = JsonDocument.Parse(imported.Output);
        Assert.Equal(ports.Order(), json.RootElement.GetProperty("hosts")[0].GetProperty("ports").EnumerateArray().Select(p => p.GetProperty("port").GetInt32()).Order());
        Assert.Equal(2, json.RootElement.GetProperty("summary").GetProperty("openPorts").GetInt32());

        var missing = CliRun.Of("scan", "import-nmap", Path.Combine(directory, "none.xml"));
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("文件不存在", missing.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void ApkAnalyzeReportsRealAppsAndKeepsGoingPastABadFile()
    {
        var bad = Path.Combine(directory, "broken.apk");
        File.WriteAllBytes(bad, [0x50, 0x4B, 0x03, 0x04, 0, 0, 0]);
        var run = CliRun.Of("apk", "analyze", TestApks.PathOf("InsecureBankv2.apk"), bad, "--format", "json");
        using var json = JsonDocument.Parse(run.Output);
        Assert.Equal("apk", json.RootElement.GetProperty("detector").GetString());
        var app = json.RootElement.GetProperty("apps").EnumerateArray().Single();
        Assert.Equal("InsecureBankv2.apk", app.GetProperty("file").GetString());
        Assert.Equal("com.android.insecurebankv2", app.GetProperty("package").GetString());
        foreach (var key in new[] { "versionName", "minSdk", "targetSdk", "debuggable" })
        {
            Assert.True(app.TryGetProperty(key, out _), key);
        }

        // One finding per rule × location, each on the package, each with its own fingerprint.
        var exported = json.RootElement.GetProperty("findings").EnumerateArray().Where(f => f.GetProperty("ruleId").GetString() == "exported_activity").ToList();
        Assert.Contains(exported, f => f.GetProperty("member").GetString() == "Lcom/android/insecurebankv2/PostLogin;");
        Assert.All(exported, f =>
        {
            Assert.Equal("中", f.GetProperty("severity").GetString());
            Assert.Equal("com.android.insecurebankv2", f.GetProperty("package").GetString());
            Assert.Equal(f.GetProperty("count").GetInt32(), f.GetProperty("locations").GetArrayLength());
        });
        Assert.Equal(exported.Count, exported.Select(f => f.GetProperty("fingerprint").GetString()).Distinct().Count());
        var unreadable = Assert.Single(json.RootElement.GetProperty("coverage").EnumerateArray());
        Assert.Equal("broken.apk", unreadable.GetProperty("subject").GetString());
        Assert.False(string.IsNullOrEmpty(unreadable.GetProperty("reason").GetString()));
    }
}
