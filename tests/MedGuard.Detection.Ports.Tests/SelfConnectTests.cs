using System.Net;
using MedGuard.Detection.Ports.Scanning;

namespace MedGuard.Detection.Ports.Tests;

/// <summary>
/// TCP self-connect (simultaneous open): connecting to a closed port of 127.0.0.1 that lies in the ephemeral range,
/// the kernel may pick that same port as the source, and the socket's SYN meets itself — the connect succeeds with
/// nobody listening. A scan of a host's own loopback once reported such a port open. Reproduced inside a namespace of
/// our own whose ephemeral range is the 16 ports probed, so the kernel picks the destination port often; nothing
/// listens there, so every verdict must be "closed", never "open".
/// </summary>
public sealed class SelfConnectTests : IDisposable
{
    private const int First = 40000, Count = 16, Rounds = 100;
    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(500);

    private readonly OwnNamespace ns = OwnNamespace.Create("mgp-self", $"net.ipv4.ip_local_port_range={First} {First + Count - 1}");

    public void Dispose() => ns.Dispose();

    [Fact]
    public void EpollEngineNeverCallsASelfConnectOpen()
    {
        var outcomes = ns.Run(() =>
        {
            // Created on this thread (in the namespace): the loop's own sockets and the ones made here both live there.
            using var connector = EpollConnector.TryCreate(loops: 1)!;
            return Sweep(port => connector.ConnectAsync(IPAddress.Loopback, port, Timeout).GetAwaiter().GetResult());
        });

        AssertAllClosed(outcomes);
    }

    [Fact]
    public void SocketsEngineNeverCallsASelfConnectOpen()
    {
        var outcomes = ns.Run(() =>
        {
            var deadlines = new ConnectDeadlines();
            try
            {
                return Sweep(port => HostScan.ConnectAsync(IPAddress.Loopback, port, Timeout, deadlines, CancellationToken.None).GetAwaiter().GetResult());
            }
            finally
            {
                deadlines.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        });

        AssertAllClosed(outcomes);
    }

    /// <summary>A tight loop of connects over the 16 ports, 100 times; the socket is always made on the calling thread.</summary>
    private static List<(int Port, ConnectOutcome Outcome)> Sweep(Func<int, ConnectOutcome> connect)
    {
        var outcomes = new List<(int, ConnectOutcome)>(Rounds * Count);
        for (var round = 0; round < Rounds; round++)
        {
            for (var port = First; port < First + Count; port++)
            {
                outcomes.Add((port, connect(port)));
            }
        }

        return outcomes;
    }

    private static void AssertAllClosed(List<(int Port, ConnectOutcome Outcome)> outcomes)
    {
        var open = outcomes.Where(o => o.Outcome == ConnectOutcome.Open).Select(o => o.Port).ToList();
        Assert.True(open.Count == 0, $"{open.Count} self-connects called open (ports {string.Join(',', open.Distinct())})");
        Assert.All(outcomes, o => Assert.Equal(ConnectOutcome.Refused, o.Outcome));
    }
}
