using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace MedGuard.Cli.Tests;

/// <summary>
/// The published <c>medguard</c>: the native front runs <c>scan ports</c> and <c>scan import-nmap</c> itself, with the
/// same output as the managed CLI, and hands every other command line to the managed CLI in <c>core/</c>.
/// </summary>
public sealed class NativeFrontTests(PublishedCli published) : IClassFixture<PublishedCli>, IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly string directory = Directory.CreateTempSubdirectory("medguard-native-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public async Task ScanPortsRunsNativelyWithTheManagedCliOutput()
    {
        // Two listeners of our own on loopback (only their ports are scanned): one greets like OpenSSH, one closes at once.
        using var ssh = new TcpListener(IPAddress.Loopback, 0);
        using var closer = new TcpListener(IPAddress.Loopback, 0);
        ssh.Start();
        closer.Start();
        using var stop = new CancellationTokenSource();
        var serving = Task.WhenAll(
            Serve(ssh, Encoding.ASCII.GetBytes("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n"), stop.Token),
            Serve(closer, [], stop.Token));
        var sshPort = ((IPEndPoint)ssh.LocalEndpoint).Port;
        var ports = string.Join(',', sshPort.ToString(CultureInfo.InvariantCulture), ((IPEndPoint)closer.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture));
        var scope = Path.Combine(directory, "scope.txt");
        File.WriteAllText(scope, "127.0.0.1\n");
        string[] args = ["scan", "ports", "--scope", scope, "--targets", "127.0.0.1", "--ports", ports, "--format", "json"];

        // The front alone, without core/ beside it: what it runs, it runs without the managed CLI.
        var alone = Path.Combine(directory, "medguard");
        File.Copy(published.Front, alone);
        var native = PublishedCli.Run(alone, Timeout, args);
        var managed = CliRun.Of(args);
        await stop.CancelAsync();
        await serving;

        Assert.True(native.ExitCode == 0, native.Error);
        Assert.Equal("", native.Error); // stderr is a pipe here: no progress drawn into it
        Assert.Equal(0, managed.ExitCode);
        Assert.Equal(WithoutClock(managed.Output), WithoutClock(native.Output));
        using var json = JsonDocument.Parse(native.Output);
        var open = json.RootElement.GetProperty("hosts")[0].GetProperty("ports").EnumerateArray().ToList();
        Assert.Equal(2, open.Count);
        var greeted = Assert.Single(open, p => p.GetProperty("port").GetInt32() == sshPort);
        Assert.Equal("ssh", greeted.GetProperty("service").GetString());
        Assert.StartsWith("OpenSSH_9.2p1 Debian-2+deb12u3", greeted.GetProperty("product").GetString(), StringComparison.Ordinal);
        Assert.NotEmpty(json.RootElement.GetProperty("findings").EnumerateArray()); // the policy ran too
    }

    /// <summary>The run's JSON without its start, end and duration: two runs of one sweep differ only there.</summary>
    private static string WithoutClock(string json)
    {
        var run = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
        run.Remove("startedAt");
        run.Remove("endedAt");
        run.Remove("durationMs");
        return run.ToJsonString();
    }

    [Fact]
    public void ScanPortsRefusesATargetOutsideTheScopeNatively()
    {
        var scope = Path.Combine(directory, "scope.txt");
        File.WriteAllText(scope, "10.200.99.0/24\n");
        var run = PublishedCli.Run(published.Front, Timeout, "scan", "ports", "--scope", scope, "--targets", "10.200.99.5,10.200.98.7", "--ports", "22");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("10.200.98.7", run.Error, StringComparison.Ordinal);
        Assert.Equal("", run.Output);
    }

    [Fact]
    public void ImportNmapRunsNativelyWithTheManagedCliOutput()
    {
        var xml = Path.Combine(directory, "nmap.xml");
        File.WriteAllText(xml, """
            <?xml version="1.0"?>
            <nmaprun scanner="nmap" args="nmap -sT 10.200.0.2">
              <host><status state="up"/><address addr="10.200.0.2" addrtype="ipv4"/>
                <ports>
                  <port protocol="tcp" portid="3389"><state state="open"/><service name="ms-wbt-server"/></port>
                  <port protocol="tcp" portid="445"><state state="open"/><service name="microsoft-ds"/></port>
                </ports>
              </host>
            </nmaprun>
            """);
        var native = PublishedCli.Run(published.Front, Timeout, "scan", "import-nmap", xml, "--format", "json");
        var managed = CliRun.Of("scan", "import-nmap", xml, "--format", "json");
        Assert.True(native.ExitCode == 0, native.Error);
        using var n = JsonDocument.Parse(native.Output);
        using var m = JsonDocument.Parse(managed.Output);
        Assert.Equal(m.RootElement.GetProperty("hosts").GetRawText(), n.RootElement.GetProperty("hosts").GetRawText());
        Assert.Equal(m.RootElement.GetProperty("findings").GetRawText(), n.RootElement.GetProperty("findings").GetRawText());
        Assert.Equal(1, n.RootElement.GetProperty("schemaVersion").GetInt32());
        Assert.Equal(m.RootElement.GetProperty("detectorVersion").GetString(), n.RootElement.GetProperty("detectorVersion").GetString());
        Assert.Contains(n.RootElement.GetProperty("findings").EnumerateArray(), f => f.GetProperty("target").GetString() == "10.200.0.2:3389");
    }

    [Theory]
    [InlineData("table")]
    [InlineData("json")]
    [InlineData("sarif")]
    public void ApkAnalyzeRunsNativelyWithTheManagedCliOutput(string format)
    {
        // Every test APK, the front alone (without core/): the native build reads the rule catalogs and writes every
        // format itself, byte for byte as the managed CLI does (the run's clock aside).
        var alone = Path.Combine(directory, "medguard");
        File.Copy(published.Front, alone);
        string[] args = ["apk", "analyze", MedGuard.Detection.Apk.Tests.TestApks.Directory, "--format", format];
        var native = PublishedCli.Run(alone, Timeout, args);
        var managed = CliRun.Of(args);
        Assert.True(native.ExitCode == 0, native.Error);
        Assert.Equal(0, managed.ExitCode);
        Assert.Equal("", native.Error);
        Assert.Equal(Unclocked(managed.Output), Unclocked(native.Output));
        Assert.Contains("InsecureBankv2", native.Output, StringComparison.Ordinal);
        Assert.Contains("owasp.sat.agoat", native.Output, StringComparison.Ordinal);
        if (format == "json")
        {
            using var json = JsonDocument.Parse(native.Output);
            Assert.Equal(6, json.RootElement.GetProperty("apps").GetArrayLength());
            Assert.True(json.RootElement.GetProperty("findings").GetArrayLength() > 50);
        }
    }

    [Fact]
    public void ApkAnalyzeErrorsAndExitCodesAreTheManagedCliOnes()
    {
        var bad = Path.Combine(directory, "broken.apk");
        File.WriteAllBytes(bad, [0x50, 0x4B, 0x03, 0x04, 0, 0, 0]);
        var report = Path.Combine(directory, "report.json");
        var cases = new[]
        {
            new[] { "apk", "analyze", MedGuard.Detection.Apk.Tests.TestApks.PathOf("UnCrackable-Level1.apk"), bad, "--format", "json", "--out", report },
            new[] { "apk", "analyze", bad },
            new[] { "apk", "analyze", Path.Combine(directory, "none.apk") },
            new[] { "apk", "analyze", directory, "--format", "xml" },
            new[] { "apk", "analyze", bad, "--jobs", "0" },
            new[] { "apk", "analyze" },
        };
        foreach (var args in cases)
        {
            var native = PublishedCli.Run(published.Front, Timeout, args);
            var nativeReport = File.Exists(report) ? Unclocked(File.ReadAllText(report)) : null;
            File.Delete(report);
            var managed = CliRun.Of(args);
            Assert.True(managed.ExitCode == native.ExitCode, string.Join(' ', args));
            Assert.NotEqual(0, native.ExitCode);
            Assert.Equal(managed.Error, native.Error);
            Assert.Equal(AsMedguard(managed.Output), native.Output); // usage on a parse error names the program
            Assert.Equal(File.Exists(report), nativeReport is not null);
            if (nativeReport is not null)
            {
                Assert.Equal(Unclocked(File.ReadAllText(report)), nativeReport);
                File.Delete(report);
            }
        }
    }

    /// <summary>In-process help names the test host as the program; the published command is <c>medguard</c>.</summary>
    private static string AsMedguard(string help) => help.Replace("  testhost ", "  medguard ", StringComparison.Ordinal);

    /// <summary>A report without its run's clock (JSON startedAt/endedAt/durationMs, SARIF start/end times).</summary>
    private static string Unclocked(string text) =>
        System.Text.RegularExpressions.Regex.Replace(text, "\"(startedAt|endedAt|startTimeUtc|endTimeUtc|durationMs)\": (\"[^\"]*\"|\\d+)", "\"$1\": 0");

    [Fact]
    public void OtherVerbsAreHandedToTheManagedCli()
    {
        var stats = PublishedCli.Run(published.Front, Timeout, "catalog", "stats", "--level", "3", "--format", "json");
        Assert.True(stats.ExitCode == 0, stats.Error);
        Assert.Equal(CliRun.Of("catalog", "stats", "--level", "3", "--format", "json").Output, stats.Output);

        var help = PublishedCli.Run(published.Front, Timeout, "--help");
        Assert.Equal(0, help.ExitCode);
        Assert.All(new[] { "catalog", "grade", "assess", "scan", "apk", "db", "audit" }, verb => Assert.Contains(verb, help.Output, StringComparison.Ordinal));

        var apkHelp = PublishedCli.Run(published.Front, Timeout, "apk", "--help"); // `apk` alone is not the native verb
        Assert.Equal(AsMedguard(CliRun.Of("apk", "--help").Output), apkHelp.Output);

        var unknown = PublishedCli.Run(published.Front, Timeout, "bogus");
        Assert.Equal(CliRun.Of("bogus").ExitCode, unknown.ExitCode);
        Assert.NotEqual(0, unknown.ExitCode);
        Assert.Contains("bogus", unknown.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutTheManagedCliOtherVerbsSayWhatIsMissing()
    {
        var alone = Path.Combine(directory, "medguard");
        File.Copy(published.Front, alone);
        var run = PublishedCli.Run(alone, Timeout, "catalog", "stats");
        Assert.Equal(127, run.ExitCode);
        Assert.Contains(Path.Combine(directory, "core", "medguard"), run.Error, StringComparison.Ordinal);
    }

    private static async Task Serve(TcpListener listener, byte[] greeting, CancellationToken cancel)
    {
        try
        {
            while (true)
            {
                using var client = await listener.AcceptTcpClientAsync(cancel);
                try
                {
                    if (greeting.Length > 0)
                    {
                        await client.GetStream().WriteAsync(greeting, cancel);
                        await Task.Delay(100, cancel); // let the banner be read before the close
                    }
                }
                catch (IOException)
                {
                    // The sweep's connect check resets its connection at once: only the probe's stays to read.
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
