using System.Net;
using MedGuard.Domain.Scope;

namespace MedGuard.Detection.Ports.Tests;

/// <summary>
/// Addresses of the namespaces tests/setup.d/netns.sh creates (10.200.1.0/24 … 10.200.4.0/24). Tests scan only these;
/// a missing variable fails the test, telling the reader to run ./test.sh.
/// </summary>
internal static class TestNetwork
{
    public static IPAddress Server => Address("MEDGUARD_PORTS_SRV");

    public static IPAddress Server6 => Address("MEDGUARD_PORTS_SRV6");

    public static IPAddress Firewalled => Address("MEDGUARD_PORTS_FW");

    public static IPAddress Empty => Address("MEDGUARD_PORTS_NIL");

    public static IPAddress Dead => Address("MEDGUARD_PORTS_DEAD");

    /// <summary>mgp-tsrv's second address: silent listeners on 7101–7108 counting connections open at once.</summary>
    public static IPAddress Holder => Address("MEDGUARD_PORTS_HOLD");

    /// <summary>
    /// The most connections the silent listeners on <see cref="Holder"/> had open at once, and how many they accepted,
    /// since the last call (each call starts a new count).
    /// </summary>
    public static async Task<(int Max, int Accepted)> HeldConnectionsAsync()
    {
        using var client = new System.Net.Sockets.TcpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await client.ConnectAsync(Holder, 7100, timeout.Token);
        using var reader = new StreamReader(client.GetStream());
        var line = await reader.ReadLineAsync(timeout.Token) ?? "";
        var m = System.Text.RegularExpressions.Regex.Match(line, @"^max=(\d+) open=\d+ accepted=(\d+)$");
        Assert.True(m.Success, $"unexpected answer from the hold listener: '{line}'");
        return (int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>The test scope: exactly our namespaces, nothing else.</summary>
    public static AuthorizedScope Scope => AuthorizedScope.Parse("10.200.1.0/24\n10.200.2.0/24\n10.200.3.0/24\n10.200.4.0/24\nfd00:c8:1::/120\n", "test-scope");

    /// <summary>Re-arms mgp-tdead's firewall: answer ~40 SYNs (2400 bytes), then drop everything.</summary>
    public static void ResetDeadHostQuota()
    {
        _ = Dead;
        const string rules = "flush ruleset\ntable inet mgp {\n chain input {\n  type filter hook input priority 0; policy accept;\n  tcp flags syn quota over 2400 bytes drop\n }\n}\n";
        var start = new System.Diagnostics.ProcessStartInfo("ip", ["netns", "exec", "mgp-tdead", "nft", "-f", "-"])
        {
            RedirectStandardInput = true,
            RedirectStandardError = true,
        };
        using var process = System.Diagnostics.Process.Start(start)!;
        process.StandardInput.Write(rules);
        process.StandardInput.Close();
        process.WaitForExit(10_000);
        Assert.True(process.ExitCode == 0, "nft in mgp-tdead failed: " + process.StandardError.ReadToEnd());
    }

    private static IPAddress Address(string variable)
    {
        var value = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrEmpty(value))
        {
            Assert.Fail($"{variable} is not set: the port-scan test network is missing. Run ./test.sh (tests/setup.d/netns.sh creates it).");
        }

        var address = IPAddress.Parse(value);
        // Belt and braces: never let a misconfigured variable point a test anywhere but our namespaces.
        Assert.True(Scope.Permits(address), $"{variable}={value} is outside the test namespaces");
        Assert.True(RoutedThroughTestNetwork.GetOrAdd(value, RouteIsOurs),
            $"{variable}={value} is not routed through the test network's veth (mgp-th*): the namespaces are gone, and a " +
            "scan would leave the machine by its default route. Run ./test.sh.");
        return address;
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> RoutedThroughTestNetwork = new();

    /// <summary>
    /// Whether the kernel sends packets for <paramref name="address"/> through one of netns.sh's veth ends: an address
    /// in the test range with the namespaces torn down would otherwise follow the default route off the machine.
    /// </summary>
    private static bool RouteIsOurs(string address)
    {
        var start = new System.Diagnostics.ProcessStartInfo("ip", ["-o", "route", "get", address]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = System.Diagnostics.Process.Start(start)!;
        var route = process.StandardOutput.ReadToEnd();
        process.WaitForExit(10_000);
        return process.ExitCode == 0 && System.Text.RegularExpressions.Regex.IsMatch(route, @"\bdev mgp-th\d+\b");
    }
}
