using MedGuard.Detection.Web.Http;
using MedGuard.Detection.Web.Scanning;
using MedGuard.Detection.Web.Scope;
using MedGuard.TestTargets.HospitalPortal;

namespace MedGuard.Detection.Web.Tests;

/// <summary>
/// Starts the vulnerable portal and its hardened twin on 127.0.0.1 (ports the OS picks) and scans each once with the
/// login recipe; the tests then read the two reports. Only these two servers are ever contacted.
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
        Hardened = await PortalApp.StartAsync(PortalMode.Hardened);
        var scans = await Task.WhenAll(Scan(Vulnerable), Scan(Hardened));
        VulnerableReport = scans[0];
        HardenedReport = scans[1];
    }

    public static Task<WebScanReport> Scan(RunningPortal portal, HttpPipelineOptions? http = null)
    {
        var recipe = LoginRecipe.Load(Path.Combine(AppContext.BaseDirectory, "login-recipe.yaml"));
        var options = new WebScanOptions
        {
            Login = recipe,
            Http = http ?? new HttpPipelineOptions { GlobalRatePerSecond = 200, PerHostRatePerSecond = 200 },
        };
        return new WebScanner(AuthorizedScope.ForOrigin(portal.BaseUrl), options).ScanAsync(portal.BaseUrl);
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
