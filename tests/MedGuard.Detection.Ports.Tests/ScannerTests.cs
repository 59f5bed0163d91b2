using System.Diagnostics;
using MedGuard.Detection.Ports.PortSets;
using MedGuard.Detection.Ports.Scanning;
using MedGuard.Detection.Ports.Scope;
using MedGuard.Detection.Ports.Services;

namespace MedGuard.Detection.Ports.Tests;

/// <summary>The connect scanner against the namespaces of tests/setup.d/netns.sh (never anything else).</summary>
public class ScannerTests
{
    private static readonly ScanOptions Fast = new()
    {
        IdentifyServices = false,
        PerHostConcurrency = 64,
        PerHostRate = 0,
        GlobalRate = 0,
        InitialTimeout = TimeSpan.FromMilliseconds(400),
        MinTimeout = TimeSpan.FromMilliseconds(200),
        MaxTimeout = TimeSpan.FromMilliseconds(600),
    };

    [Theory]
    [InlineData(ConnectEngine.Epoll)]
    [InlineData(ConnectEngine.Sockets)]
    public async Task OpenClosedAndFilteredBehindAFirewall(ConnectEngine engine)
    {
        var host = TestNetwork.Firewalled;
        var scanner = new ConnectScanner(TestNetwork.Scope, Fast with { Engine = engine });
        var result = Assert.Single(await scanner.ScanAsync([new ScanTarget(host)], PortSet.Parse("8080,81,82,83,84,85")));
        Assert.Equal(PortState.Open, result.StateOf(8080));
        Assert.Equal(PortState.Closed, result.StateOf(81));   // accepted by the firewall, nothing listens: RST
        Assert.Equal(PortState.Filtered, result.StateOf(82)); // ICMP administratively prohibited
        Assert.Equal(PortState.Filtered, result.StateOf(83)); // dropped: silent after the retry
        Assert.Equal([8080], result.OpenPorts.Select(p => p.Port));
        Assert.Equal(1, result.ClosedCount);
        Assert.Equal(4, result.FilteredCount);
        Assert.Equal(scanner.Progress.TotalProbes, scanner.Progress.Done);
    }

    [Theory]
    [InlineData(ConnectEngine.Epoll)]
    [InlineData(ConnectEngine.Sockets)]
    public async Task SilentPortsAreRetried(ConnectEngine engine)
    {
        var options = Fast with { Engine = engine, Retries = 2, InitialTimeout = TimeSpan.FromMilliseconds(300), MaxTimeout = TimeSpan.FromMilliseconds(300) };
        var watch = Stopwatch.StartNew();
        var scanner = new ConnectScanner(TestNetwork.Scope, options);
        var result = Assert.Single(await scanner.ScanAsync([new ScanTarget(TestNetwork.Firewalled)], PortSet.Of(83)));
        Assert.Equal(PortState.Filtered, result.StateOf(83));
        // Three attempts of 300 ms each, one after the other.
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(850), $"took {watch.Elapsed}");
    }

    [Theory]
    [InlineData(ConnectEngine.Epoll)]
    [InlineData(ConnectEngine.Sockets)]
    public async Task EveryPortOfAnEmptyHostIsClosed(ConnectEngine engine)
    {
        var scanner = new ConnectScanner(TestNetwork.Scope, Fast with { Engine = engine });
        var result = Assert.Single(await scanner.ScanAsync([new ScanTarget(TestNetwork.Empty)], PortSet.Parse("1-2000")));
        Assert.Equal(2000, result.ClosedCount);
        Assert.Empty(result.OpenPorts);
    }

    [Theory]
    [InlineData(ConnectEngine.Epoll)]
    [InlineData(ConnectEngine.Sockets)]
    public async Task FullSweepFindsExactlyTheListeningPorts(ConnectEngine engine)
    {
        var scanner = new ConnectScanner(TestNetwork.Scope, Fast with { Engine = engine, PerHostConcurrency = 256 });
        var result = Assert.Single(await scanner.ScanAsync([new ScanTarget(TestNetwork.Server)], PortSet.Parse("-")));
        int[] expected = [21, 22, 23, 25, 80, 104, 139, 389, 443, 445, 1433, 1521, 2121, 2375, 2575, 3306, 3307, 3389, 5432, 5900, 6379, 6380, 8443, 9200, 11112, 11211, 27017, 27018];
        foreach (var port in expected)
        {
            Assert.Contains(port, result.OpenPorts.Select(p => p.Port));
        }

        Assert.Equal(65535, result.OpenPorts.Count + result.ClosedCount + result.FilteredCount);
        Assert.Equal(0, result.FilteredCount);
    }

    [Theory]
    [InlineData(ConnectEngine.Epoll)]
    [InlineData(ConnectEngine.Sockets)]
    public async Task Ipv6TargetsAreScanned(ConnectEngine engine)
    {
        var scanner = new ConnectScanner(TestNetwork.Scope, Fast with { Engine = engine });
        var result = Assert.Single(await scanner.ScanAsync([new ScanTarget(TestNetwork.Server6)], PortSet.Parse("22,80,5432,6379")));
        Assert.Equal([22, 80, 5432], result.OpenPorts.Select(p => p.Port));
        Assert.Equal(PortState.Closed, result.StateOf(6379)); // redis listens on IPv4 only
    }

    [Theory]
    [InlineData(ConnectEngine.Epoll)]
    [InlineData(ConnectEngine.Sockets)]
    public async Task PerHostRateLimitIsHonoured(ConnectEngine engine)
    {
        var scanner = new ConnectScanner(TestNetwork.Scope, Fast with { Engine = engine, PerHostRate = 100 });
        var watch = Stopwatch.StartNew();
        await scanner.ScanAsync([new ScanTarget(TestNetwork.Empty)], PortSet.Parse("1-200"));
        // 200 attempts at 100/s with a 20 ms burst allowance: at least ~1.8 s.
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(1.7), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task GlobalRateLimitSpansHosts()
    {
        var scanner = new ConnectScanner(TestNetwork.Scope, Fast with { GlobalRate = 200 });
        var watch = Stopwatch.StartNew();
        await scanner.ScanAsync([new ScanTarget(TestNetwork.Empty), new ScanTarget(TestNetwork.Firewalled)], PortSet.Parse("81,1-150"));
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(1.3), $"took {watch.Elapsed}");
    }

    [Theory]
    [InlineData(ConnectEngine.Epoll)]
    [InlineData(ConnectEngine.Sockets)]
    public async Task HostThatStopsAnsweringIsBackedOffThenGivenUp(ConnectEngine engine)
    {
        // mgp-tdead answers the first few dozen SYNs, then drops everything: an overloaded or blocking host.
        var options = Fast with
        {
            Engine = engine,
            PerHostConcurrency = 8,
            MaxBackoffs = 2,
            BackoffBase = TimeSpan.FromMilliseconds(200),
            InitialTimeout = TimeSpan.FromMilliseconds(300),
            MaxTimeout = TimeSpan.FromMilliseconds(300),
        };
        TestNetwork.ResetDeadHostQuota();
        var scanner = new ConnectScanner(TestNetwork.Scope, options);
        var watch = Stopwatch.StartNew();
        var result = Assert.Single(await scanner.ScanAsync([new ScanTarget(TestNetwork.Dead)], PortSet.Parse("8080,1-3000")));
        Assert.True(result.Unresponsive, "the host should have been given up");
        Assert.Equal(3, result.Backoffs);
        Assert.True(result.ClosedCount > 0, "it answered at first");
        // Given up long before 3000 ports × 2 attempts × 300 ms / 8 in flight (≈ 225 s).
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"took {watch.Elapsed}");
    }

    [Theory]
    [InlineData(ConnectEngine.Epoll)]
    [InlineData(ConnectEngine.Sockets)]
    public async Task PerHostConcurrencyCapHoldsOnTheWire(ConnectEngine engine)
    {
        // 10.200.1.3 (mgp-tsrv, scanned by no other test): eight listeners that accept and never answer, counting the
        // connections open at once. Identification waits for a banner on each, so every probe connection stays open
        // for its whole wait: more in flight than the cap would show there. Probe concurrency is set above the cap on
        // purpose — the cap bounds everything sent to one host, sweep and identification alike.
        const int cap = 3;
        var silentBanner = ProbeCatalog.Parse(
            """{"probes": [{"id": "banner", "fallback": true, "send": "", "wait_ms": 1000, "matches": [{"service": "none", "pattern": "^never"}]}]}""",
            "test-probes");
        var options = Fast with { Engine = engine, IdentifyServices = true, PerHostConcurrency = cap, PerHostProbeConcurrency = 8 };
        await TestNetwork.HeldConnectionsAsync(); // a fresh count
        var scanner = new ConnectScanner(TestNetwork.Scope, options, new ServiceIdentifier(silentBanner, TestNetwork.Scope));
        var result = Assert.Single(await scanner.ScanAsync([new ScanTarget(TestNetwork.Holder)], PortSet.Parse("7101-7108")));
        var (max, accepted) = await TestNetwork.HeldConnectionsAsync();

        Assert.Equal(Enumerable.Range(7101, 8), result.OpenPorts.Select(p => p.Port));
        Assert.True(accepted >= 8, $"only {accepted} connections reached the listeners"); // at least the 8 probe connections
        Assert.InRange(max, 1, cap);
    }

    [Fact]
    public void LimitersValidateOptions()
    {
        Assert.Throws<ArgumentException>(() => new ConnectScanner(TestNetwork.Scope, new ScanOptions { PerHostConcurrency = 0 }));
        Assert.Throws<ArgumentException>(() => new ConnectScanner(TestNetwork.Scope, new ScanOptions { Retries = 11 }));
        Assert.Throws<ArgumentException>(() => new ConnectScanner(TestNetwork.Scope, new ScanOptions { GlobalRate = -1 }));
    }

    [Fact]
    public async Task ConcurrencyLimiterMovesItsLimit()
    {
        var limiter = new ConcurrencyLimiter(4, floor: 1);
        for (var i = 0; i < 4; i++)
        {
            await limiter.WaitAsync(CancellationToken.None);
        }

        var fifth = limiter.WaitAsync(CancellationToken.None);
        Assert.False(fifth.IsCompleted);
        limiter.Shrink();
        Assert.Equal(2, limiter.Limit);
        limiter.Release();
        limiter.Release();
        limiter.Release();
        Assert.True(fifth.IsCompleted); // 4 → 1 in use, below the shrunken limit of 2
        limiter.Grow();
        Assert.Equal(3, limiter.Limit);
    }
}
