using MedGuard.Detection.Web.Http;
using MedGuard.Detection.Web.Scanning;
using MedGuard.Domain.Scope;
using MedGuard.TestTargets.HospitalPortal;

namespace MedGuard.Detection.Web.Tests;

/// <summary>
/// Starts the vulnerable portal (plain http) and its hardened twin (https, its test CA trusted) on 127.0.0.1, ports
/// the OS picks, and scans each once with the login recipe; the tests then read the two reports. Only these two
/// servers are ever contacted. The hardened twin is scanned over https because a login form on plain http is itself a
/// finding (口令明文传输): hardened means served over TLS.
/// </summary>
public sealed class PortalScanFixture : IAsyncLifetime
{
    public RunningPortal Vulnerable { get; private set; } = null!;
    public RunningPortal Hardened { get; private set; } = null!;
    public WebScanReport VulnerableReport { get; private set; } = null!;
    public WebScanReport HardenedReport { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Vulnerable = await PortalApp.StartAsync(PortalMode.Vulnerable);
        Hardened = await PortalApp.StartAsync(PortalMode.Hardened, https: true);
        var scans = await Task.WhenAll(Scan(Vulnerable), Scan(Hardened, https: true));
        VulnerableReport = scans[0];
        HardenedReport = scans[1];
    }

    public static Task<WebScanReport> Scan(RunningPortal portal, HttpPipelineOptions? http = null, bool https = false)
    {
        var recipe = LoginRecipe.Load(Path.Combine(AppContext.BaseDirectory, "login-recipe.yaml"));
        var url = https ? portal.HttpsUrl ?? throw new InvalidOperationException("portal started without https") : portal.BaseUrl;
        var options = new WebScanOptions
        {
            Login = recipe,
            Http = http ?? new HttpPipelineOptions { GlobalRatePerSecond = 200, PerHostRatePerSecond = 200 },
            TrustedRoots = https && portal.TestRoot is { } root ? [root] : null,
        };
        return new WebScanner(AuthorizedScope.ForOrigin(url), options).ScanAsync(url);
    }

    public async Task DisposeAsync()
    {
        await Vulnerable.DisposeAsync();
        await Hardened.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class PortalCollection : ICollectionFixture<PortalScanFixture>
{
    public const string Name = "portal";
}
