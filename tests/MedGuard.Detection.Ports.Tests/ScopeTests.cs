using System.Net;
using System.Net.Sockets;
using MedGuard.Detection.Ports.PortSets;
using MedGuard.Detection.Ports.Scanning;
using MedGuard.Detection.Ports.Scope;
using MedGuard.Domain.Scope;

namespace MedGuard.Detection.Ports.Tests;

public class ScopeTests
{
    [Theory]
    [InlineData("10.200.1.0/24", "10.200.1.0", "10.200.1.255", 256)]
    [InlineData("10.200.1.77/24", "10.200.1.0", "10.200.1.255", 256)]
    [InlineData("10.200.1.9", "10.200.1.9", "10.200.1.9", 1)]
    [InlineData("10.200.1.10-10.200.1.19", "10.200.1.10", "10.200.1.19", 10)]
    [InlineData("fd00:c8:1::/120", "fd00:c8:1::", "fd00:c8:1::ff", 256)]
    [InlineData("0.0.0.0/0", "0.0.0.0", "255.255.255.255", 4294967296)]
    public void ParsesBlocks(string text, string first, string last, long count)
    {
        Assert.True(AddressRange.TryParse(text, out var range));
        Assert.Equal(IPAddress.Parse(first), range.AddressAt(0));
        Assert.Equal(IPAddress.Parse(last), range.AddressAt(range.Count - 1));
        Assert.Equal((UInt128)count, range.Count);
    }

    [Theory]
    [InlineData("10.200.1.0/33")]
    [InlineData("10.200.1.0/-1")]
    [InlineData("10.200.1.300")]
    [InlineData("10.200.1.9-10.200.1.1")]
    [InlineData("10.200.1.1-fd00::1")]
    [InlineData("fd00::/129")]
    public void RejectsMalformedBlocks(string text) => Assert.False(AddressRange.TryParse(text, out _));

    [Fact]
    public void ScopeFileWithCommentsNamesAndIpv6()
    {
        var lookups = 0;
        var scope = AuthorizedScope.Parse(
            "# 授权范围\n10.200.1.0/24   # PACS 网段\n\n10.200.2.7\nfd00:c8:1::/120\npacs.hospital.test\n", "scope.txt",
            resolve: name =>
            {
                lookups++;
                return [IPAddress.Parse("10.200.3.3")];
            });
        Assert.Equal(1, lookups);
        Assert.True(scope.Permits(IPAddress.Parse("10.200.1.200")));
        Assert.True(scope.Permits(IPAddress.Parse("10.200.2.7")));
        Assert.False(scope.Permits(IPAddress.Parse("10.200.2.8")));
        Assert.True(scope.Permits(IPAddress.Parse("fd00:c8:1::2")));
        Assert.True(scope.Permits(IPAddress.Parse("10.200.3.3")));
        Assert.True(scope.Permits(IPAddress.Parse("::ffff:10.200.1.5")));
        Assert.Contains("pacs.hospital.test", scope.HostNames);
    }

    [Fact]
    public void BadLineIsNamedWithFileAndLine()
    {
        var ex = Assert.Throws<ScopeException>(() => AuthorizedScope.Parse("10.200.1.0/24\n10.200.1.0/99\n", "scope.txt"));
        Assert.Contains("scope.txt:2", ex.Message);
    }

    [Fact]
    public void EmptyScopeIsRefused() =>
        Assert.Throws<ScopeException>(() => AuthorizedScope.Parse("# nothing\n", "scope.txt"));

    [Fact]
    public void LargeScopeNeedsExplicitConsent()
    {
        var ex = Assert.Throws<ScopeException>(() => AuthorizedScope.Parse("10.0.0.0/8\n", "big.txt"));
        Assert.Contains("--allow-large-scope", ex.Message);
        var scope = AuthorizedScope.Parse("10.0.0.0/8\n", "big.txt", new ScopeLimits { AllowLarge = true });
        Assert.Equal((UInt128)(1 << 24), scope.AddressCount);
        Assert.Throws<ScopeException>(() => AuthorizedScope.Parse("10.200.1.0/24\n", "s", new ScopeLimits { MaxAddresses = 100 }));
    }

    [Fact]
    public void TargetsOutsideScopeAreRefusedByName()
    {
        var scope = AuthorizedScope.Parse("10.200.1.0/24\n", "s");
        var ex = Assert.Throws<ScopeException>(() => TargetResolver.Resolve(["10.200.1.5", "10.200.9.9"], scope));
        Assert.Contains("10.200.9.9", ex.Message);

        // A block reaching past the scope is refused whole, naming the first address outside.
        ex = Assert.Throws<ScopeException>(() => TargetResolver.Resolve(["10.200.1.0/23"], scope));
        Assert.Contains("10.200.0.0", ex.Message);
        ex = Assert.Throws<ScopeException>(() => TargetResolver.Resolve(["10.200.1.250-10.200.2.3"], scope));
        Assert.Contains("10.200.2.0", ex.Message);
    }

    [Fact]
    public void HostNameTargetsAreResolvedOnceAndChecked()
    {
        var scope = AuthorizedScope.Parse("10.200.1.0/24\n", "s");
        var targets = TargetResolver.Resolve(["his.hospital.test"], scope, resolve: _ => [IPAddress.Parse("10.200.1.8"), IPAddress.Parse("10.200.1.9")]);
        Assert.Equal(["10.200.1.8", "10.200.1.9"], targets.Select(t => t.Address.ToString()));
        Assert.All(targets, t => Assert.Equal("his.hospital.test", t.HostName));

        var ex = Assert.Throws<ScopeException>(() =>
            TargetResolver.Resolve(["evil.example"], scope, resolve: _ => [IPAddress.Parse("10.200.1.8"), IPAddress.Parse("198.51.100.7")]));
        Assert.Contains("198.51.100.7", ex.Message);
    }

    [Fact]
    public void TargetCountCapNeedsConsent()
    {
        var scope = AuthorizedScope.Parse("10.0.0.0/8\n", "s", new ScopeLimits { AllowLarge = true });
        Assert.Throws<ScopeException>(() => TargetResolver.Resolve(["10.1.0.0/16"], scope));
        var many = TargetResolver.Resolve(["10.1.0.0/20"], scope, new ScopeLimits { AllowLarge = true });
        Assert.Equal(4096, many.Count);
        Assert.Throws<ScopeException>(() => TargetResolver.Resolve(["10.0.0.0/8"], scope, new ScopeLimits { AllowLarge = true }));
    }

    [Fact]
    public void GarbageTargetsAreRejected()
    {
        var scope = AuthorizedScope.Parse("10.200.1.0/24\n", "s");
        Assert.Throws<ScopeException>(() => TargetResolver.Resolve(["10.200.1.1;rm -rf /"], scope));
        Assert.Throws<ScopeException>(() => TargetResolver.Resolve([" ", ""], scope));
    }

    [Fact]
    public async Task ScannerRefusesOutOfScopeTargetBeforeConnecting()
    {
        // Our own listener on loopback: the scanner must not even connect to it, because it is not in scope.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var scanner = new ConnectScanner(AuthorizedScope.Parse("10.200.1.0/24\n", "s"), new ScanOptions { IdentifyServices = false });
        var ex = await Assert.ThrowsAsync<ScopeException>(() =>
            scanner.ScanAsync([new ScanTarget(IPAddress.Loopback)], PortSet.Of(port)));
        Assert.Contains("127.0.0.1", ex.Message);
        await Task.Delay(200);
        Assert.False(listener.Pending());
    }

    [Fact]
    public async Task ServiceIdentifierRefusesOutOfScopeTargetBeforeConnecting()
    {
        // The identifier is public: a caller that skips the scanner must meet the scope all the same.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var identifier = new MedGuard.Detection.Ports.Services.ServiceIdentifier(
            MedGuard.Detection.Ports.Services.ProbeCatalog.Default, AuthorizedScope.Parse("10.200.1.0/24\n", "s"));
        var ex = await Assert.ThrowsAsync<ScopeException>(() => identifier.IdentifyAsync(new ScanTarget(IPAddress.Loopback), port));
        Assert.Contains("127.0.0.1", ex.Message);
        await Task.Delay(200);
        Assert.False(listener.Pending());
    }
}
