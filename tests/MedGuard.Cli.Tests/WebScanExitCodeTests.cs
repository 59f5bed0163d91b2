using System.Net;
using System.Net.Sockets;
using MedGuard.TestTargets.HospitalPortal;

namespace MedGuard.Cli.Tests;

/// <summary>
/// <c>medguard scan web</c> never exits 0 for a run that did not happen: nothing reached (3), a login that did not sign
/// in (4), a recipe that is wrong (2, with file and line). Only servers and ports this test opened are contacted.
/// </summary>
public sealed class WebScanExitCodeTests : IAsyncLifetime
{
    private RunningPortal _portal = null!;
    private readonly List<string> _files = [];

    public async Task InitializeAsync() => _portal = await PortalApp.StartAsync(PortalMode.Vulnerable);

    public async Task DisposeAsync()
    {
        foreach (var f in _files)
        {
            File.Delete(f);
        }

        await _portal.DisposeAsync();
    }

    private string Write(string text)
    {
        var path = Path.Combine(Path.GetTempPath(), $"mg-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, text);
        _files.Add(path);
        return path;
    }

    private string ScopeFor(int port) => Write($"origins:\n  - 127.0.0.1:{port}\n");

    [Fact]
    public void AClosedPortExitsThreeAndSaysNothingWasScanned()
    {
        // A port the OS just handed out and nobody listens on.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var run = CliRun.Of("scan", "web", "--scope", ScopeFor(port), "--url", $"http://127.0.0.1:{port}/", "--format", "json");
        Assert.Equal(3, run.ExitCode);
        Assert.Contains("连接被拒绝", run.Error, StringComparison.Ordinal);
        Assert.Contains("没有检测任何内容", run.Error, StringComparison.Ordinal);
        Assert.Equal("", run.Output);
    }

    [Fact]
    public void HttpsOnAPlainHttpPortExitsThreeAndSaysTheHandshakeFailed()
    {
        var port = _portal.BaseUrl.Port;
        var run = CliRun.Of("scan", "web", "--scope", ScopeFor(port), "--url", $"https://127.0.0.1:{port}/");
        Assert.Equal(3, run.ExitCode);
        Assert.Contains("TLS 握手失败", run.Error, StringComparison.Ordinal);
        Assert.Contains("http://", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void AFailedLoginExitsFourInsteadOfScanningAsAStranger()
    {
        var recipe = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "login-recipe.yaml")).Replace("Medguard#2024", "wrong-password", StringComparison.Ordinal);
        var run = CliRun.Of("scan", "web", "--scope", ScopeFor(_portal.BaseUrl.Port), "--url", _portal.BaseUrl.AbsoluteUri, "--login", Write(recipe),
            "--format", "json", "--rate", "200");
        Assert.Equal(4, run.ExitCode);
        Assert.Contains("登录失败", run.Error, StringComparison.Ordinal);
        Assert.Equal("", run.Output);
    }

    [Fact]
    public void ABadRecipeExitsTwoWithItsFileAndLine()
    {
        var recipe = Write("steps:\n  - path: /Account/Login\n    expectStatus: [ok]\n");
        var run = CliRun.Of("scan", "web", "--scope", ScopeFor(_portal.BaseUrl.Port), "--url", _portal.BaseUrl.AbsoluteUri, "--login", recipe);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"{recipe} 第 3 行", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("YamlDotNet", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void ABadScopeExitsTwoWithItsFileAndLine()
    {
        var scope = Write($"origins:\n  - 127.0.0.1:{_portal.BaseUrl.Port}\nmaxRatePerHost: fast\n");
        var run = CliRun.Of("scan", "web", "--scope", scope, "--url", _portal.BaseUrl.AbsoluteUri);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"{scope}:3", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", run.Error, StringComparison.Ordinal);
    }
}
