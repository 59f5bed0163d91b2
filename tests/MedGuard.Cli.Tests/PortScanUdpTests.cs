using System.Text.Json;

namespace MedGuard.Cli.Tests;

/// <summary>
/// <c>scan ports --udp</c> against the UDP daemons of tests/setup.d/udp.sh (10.200.5.2 left open): the UDP services
/// become udp ports of the host and findings of the same run; stderr stays quiet (not a terminal).
/// </summary>
public sealed class PortScanUdpTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("medguard-udp-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void UdpServicesBecomeFindingsOfThePortRun()
    {
        var host = Environment.GetEnvironmentVariable("MEDGUARD_UDP_OPEN")
            ?? throw new InvalidOperationException("MEDGUARD_UDP_OPEN is not set: run ./test.sh (tests/setup.d/udp.sh)");
        var scope = Path.Combine(directory, "scope.txt");
        File.WriteAllText(scope, host + "\n");

        var run = CliRun.Of("scan", "ports", "--scope", scope, "--targets", host, "--ports", "22", "--no-service", "--udp",
            "--timeout", "600", "--retries", "0", "--format", "json");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal("", run.Error);
        using var json = JsonDocument.Parse(run.Output);
        var ports = json.RootElement.GetProperty("hosts")[0].GetProperty("ports").EnumerateArray()
            .Where(p => p.TryGetProperty("protocol", out var proto) && proto.GetString() == "udp")
            .Select(p => (p.GetProperty("port").GetInt32(), p.GetProperty("service").GetString()))
            .Order().ToList();
        Assert.Equal([(53, "dns"), (69, "tftp"), (123, "ntp"), (161, "snmp"), (1900, "ssdp")], ports);
        var rules = json.RootElement.GetProperty("findings").EnumerateArray()
            .Select(f => f.GetProperty("locations").EnumerateArray().Select(l => l.GetString()).Single(l => l!.StartsWith("policy:", StringComparison.Ordinal)))
            .Order(StringComparer.Ordinal).ToList();
        Assert.Equal(
            ["policy:dns_open_recursion", "policy:ntp_mode6_query", "policy:snmp_default_community", "policy:ssdp_exposed", "policy:tftp_open"],
            rules);
    }
}
