using MedGuard.Detection.Ports.Scanning;

namespace MedGuard.Detection.Ports.Tests;

/// <summary>
/// The epoll connect engine's own mechanisms, against the test namespaces: verdicts read at once on a fast network,
/// sockets of refused ports reused, waiting probes answered by epoll or by their deadline.
/// </summary>
public class EpollEngineTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(400);

    [Fact]
    public async Task EachOutcomeIsClassified()
    {
        using var connector = EpollConnector.TryCreate(loops: 1)!;
        Assert.Equal(ConnectOutcome.Open, await connector.ConnectAsync(TestNetwork.Firewalled, 8080, Timeout));
        Assert.Equal(ConnectOutcome.Refused, await connector.ConnectAsync(TestNetwork.Firewalled, 81, Timeout));
        // The ICMP answer comes while connect(2) still holds the socket: the kernel keeps it as a soft error, which
        // epoll and SO_ERROR report while the socket goes on connecting.
        Assert.Equal(ConnectOutcome.Unreachable, await connector.ConnectAsync(TestNetwork.Firewalled, 82, Timeout));
        Assert.Equal(ConnectOutcome.Silent, await connector.ConnectAsync(TestNetwork.Firewalled, 83, Timeout));
        Assert.Equal(ConnectOutcome.Open, await connector.ConnectAsync(TestNetwork.Server6, 22, Timeout));
        Assert.Equal(ConnectOutcome.Refused, await connector.ConnectAsync(TestNetwork.Server6, 6379, Timeout));

        // The dropped SYN (83) and the ICMP answer (82, it comes back after the call) waited in epoll.
        Assert.True(connector.SocketCounts.Waited >= 1, $"waited {connector.SocketCounts.Waited}");
    }

    [Fact]
    public async Task SocketsOfRefusedPortsAreReusedOnTheLoop()
    {
        using var connector = EpollConnector.TryCreate(loops: 1)!;
        var chain = new ProbeChain(connector, TestNetwork.Empty, firstPort: 1, count: 3000);
        connector.Post(chain, 0, 0, Timeout);
        var outcomes = await chain.Finished.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(3000, outcomes.Count);
        Assert.All(outcomes, o => Assert.Equal(ConnectOutcome.Refused, o));
        var (created, reused, _) = connector.SocketCounts;
        Assert.True(created <= 2, $"{created} sockets created for 3000 refused ports");
        Assert.True(reused >= 2998, $"only {reused} reuses");
    }

    [Fact]
    public async Task OpenPortBetweenRefusedOnesIsFoundWithAFreshSocket()
    {
        using var connector = EpollConnector.TryCreate(loops: 1)!;
        var chain = new ProbeChain(connector, TestNetwork.Firewalled, firstPort: 8075, count: 10); // 8075–8084
        connector.Post(chain, 0, 0, Timeout);
        var outcomes = await chain.Finished.WaitAsync(TimeSpan.FromSeconds(60));

        // Behind the firewall only 8080 is let through; the rest are dropped (silent).
        Assert.Equal(ConnectOutcome.Open, outcomes[5]);
        Assert.All(outcomes.Where((_, i) => i != 5), o => Assert.Equal(ConnectOutcome.Silent, o));
    }

    [Fact]
    public async Task DisposeAnswersWaitingProbesAsCancelled()
    {
        var connector = EpollConnector.TryCreate(loops: 1)!;
        var pending = connector.ConnectAsync(TestNetwork.Firewalled, 83, TimeSpan.FromSeconds(30));
        connector.Dispose();
        Assert.Equal(ConnectOutcome.Cancelled, await pending.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    /// <summary>Probes ports one after another, each started from the previous completion on the loop thread.</summary>
    private sealed class ProbeChain(EpollConnector connector, System.Net.IPAddress address, int firstPort, int count) : IProbeStarter
    {
        private readonly List<ConnectOutcome> _outcomes = [];
        private readonly TaskCompletionSource<List<ConnectOutcome>> _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<List<ConnectOutcome>> Finished => _finished.Task;

        public void StartProbe(int index, int attempt, TimeSpan timeout) => _ = RunAsync(index, timeout);

        private async Task RunAsync(int index, TimeSpan timeout)
        {
            try
            {
                _outcomes.Add(await connector.ConnectAsync(address, firstPort + index, timeout));
                if (index + 1 < count)
                {
                    connector.Post(this, index + 1, 0, timeout);
                }
                else
                {
                    _finished.TrySetResult(_outcomes);
                }
            }
            catch (Exception ex)
            {
                _finished.TrySetException(ex);
            }
        }
    }
}
