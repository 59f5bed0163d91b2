using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MedGuard.Detection.Web.Http;
using MedGuard.Domain.Scope;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace MedGuard.Detection.Web.Tests;

public sealed class SafeHttpPipelineTests
{
    private static int _inFlight;
    private static int _maxInFlight;

    private static Task<LocalServer> Server() => LocalServer.StartAsync(app =>
    {
        app.MapGet("/ok", () => "ok");
        app.MapGet("/away", () => Results.Redirect("http://medguard-redirect.invalid/x"));
        app.MapGet("/inside", (HttpContext c) => Results.Redirect("/ok"));
        app.MapGet("/big", async (HttpContext c) =>
        {
            var chunk = new byte[64 * 1024];
            for (var i = 0; i < 80; i++)
            {
                await c.Response.Body.WriteAsync(chunk);
            }
        });
        app.MapGet("/slow", async () =>
        {
            await Task.Delay(3000);
            return "late";
        });
        app.MapGet("/count", async () =>
        {
            var now = Interlocked.Increment(ref _inFlight);
            InterlockedMax(ref _maxInFlight, now);
            await Task.Delay(150);
            Interlocked.Decrement(ref _inFlight);
            return "x";
        });
        app.MapGet("/cookie", (HttpContext c) =>
        {
            c.Response.Headers.Append("Set-Cookie", "sid=s3cr3t; path=/");
            return "set";
        });
        app.MapGet("/prefs", (HttpContext c) =>
        {
            c.Response.Headers.Append("Set-Cookie", "lang=zh-CN; path=/");
            return Results.Content("<html lang=\"zh-CN\"><p>欢迎</p></html>", "text/html; charset=utf-8");
        });
        app.MapGet("/sid", (HttpContext c) => c.Request.Cookies["sid"] == "s3cr3t" ? Results.Text("yours") : Results.StatusCode(401));
        app.MapMethods("/put", ["PUT"], () => "put");
    });

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    private static SafeHttpPipeline Pipeline(LocalServer s, HttpPipelineOptions? o = null) =>
        new(AuthorizedScope.ForOrigin(s.BaseUrl), o ?? new HttpPipelineOptions { GlobalRatePerSecond = 0, PerHostRatePerSecond = 0 });

    [Fact]
    public async Task RequestOutsideScopeIsRefusedBeforeAnythingIsSent()
    {
        await using var s = await Server();
        using var p = Pipeline(s);
        var otherPort = new Uri($"http://127.0.0.1:{s.BaseUrl.Port + 1}/ok");
        await Assert.ThrowsAsync<OutOfScopeException>(() => p.SendAsync(ScanRequest.Get(otherPort)));
        await Assert.ThrowsAsync<OutOfScopeException>(() => p.SendAsync(ScanRequest.Get(new Uri("http://medguard-other.invalid/"))));
        Assert.Equal(0, p.RequestsSent);
    }

    [Fact]
    public async Task RedirectOutOfScopeIsNotFollowedButInScopeIs()
    {
        await using var s = await Server();
        using var p = Pipeline(s);
        var away = await p.SendAsync(ScanRequest.Get(new Uri(s.BaseUrl, "away")), followRedirects: true);
        Assert.Equal(302, away.Status);
        Assert.Equal("medguard-redirect.invalid", away.RedirectRefused?.Host);
        Assert.Equal(1, p.RequestsSent);

        var inside = await p.SendAsync(ScanRequest.Get(new Uri(s.BaseUrl, "inside")), followRedirects: true);
        Assert.Equal(200, inside.Status);
        Assert.Equal("ok", inside.Body);
        Assert.Equal(3, p.RequestsSent);
    }

    [Fact]
    public async Task BudgetPerHostStopsTheScan()
    {
        await using var s = await Server();
        using var p = Pipeline(s, new HttpPipelineOptions { RequestBudgetPerHost = 3, GlobalRatePerSecond = 0, PerHostRatePerSecond = 0 });
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(200, (await p.SendAsync(ScanRequest.Get(new Uri(s.BaseUrl, "ok")))).Status);
        }

        await Assert.ThrowsAsync<RequestBudgetExhaustedException>(() => p.SendAsync(ScanRequest.Get(new Uri(s.BaseUrl, "ok"))));
        Assert.Equal(3, p.RequestsSent);
    }

    [Fact]
    public async Task HugeResponseIsCutAtTheCap()
    {
        await using var s = await Server();
        using var p = Pipeline(s, new HttpPipelineOptions { MaxResponseBytes = 100_000, GlobalRatePerSecond = 0, PerHostRatePerSecond = 0 });
        var e = await p.SendAsync(ScanRequest.Get(new Uri(s.BaseUrl, "big")));
        Assert.True(e.Truncated);
        Assert.Equal(100_000, e.BodyBytes);
        Assert.Contains("截断", e.RawResponse, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SlowResponseTimesOutAndFailingHostIsSkipped()
    {
        await using var s = await Server();
        using var p = Pipeline(s, new HttpPipelineOptions { Timeout = TimeSpan.FromMilliseconds(300), MaxConsecutiveFailures = 2, GlobalRatePerSecond = 0, PerHostRatePerSecond = 0 });
        var e = await p.SendAsync(ScanRequest.Get(new Uri(s.BaseUrl, "slow")));
        Assert.True(e.Failed);
        Assert.Contains("超时", e.Error, StringComparison.Ordinal);
        await p.SendAsync(ScanRequest.Get(new Uri(s.BaseUrl, "slow")));
        Assert.True(p.IsHostSkipped(s.BaseUrl));
        await Assert.ThrowsAsync<HostSkippedException>(() => p.SendAsync(ScanRequest.Get(new Uri(s.BaseUrl, "ok"))));
    }

    [Fact]
    public async Task RefusedConnectionsCountAsFailures()
    {
        // A port this test opened and closed again: nothing listens there any more.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var url = new Uri($"http://127.0.0.1:{port}/");
        using var p = new SafeHttpPipeline(AuthorizedScope.ForOrigin(url), new HttpPipelineOptions { MaxConsecutiveFailures = 2 });
        Assert.True((await p.SendAsync(ScanRequest.Get(url))).Failed);
        Assert.True((await p.SendAsync(ScanRequest.Get(url))).Failed);
        await Assert.ThrowsAsync<HostSkippedException>(() => p.SendAsync(ScanRequest.Get(url)));
    }

    [Fact]
    public async Task SafeModeRefusesDestructiveMethods()
    {
        await using var s = await Server();
        using (var p = Pipeline(s))
        {
            await Assert.ThrowsAsync<UnsafeMethodException>(() => p.SendAsync(new ScanRequest("PUT", new Uri(s.BaseUrl, "put"))));
            await Assert.ThrowsAsync<UnsafeMethodException>(() => p.SendAsync(new ScanRequest("DELETE", new Uri(s.BaseUrl, "put"))));
        }

        using var unsafeMode = Pipeline(s, new HttpPipelineOptions { SafeMode = false });
        Assert.Equal("put", (await unsafeMode.SendAsync(new ScanRequest("PUT", new Uri(s.BaseUrl, "put")))).Body);
    }

    [Fact]
    public async Task PerHostRateAndConcurrencyAreBounded()
    {
        await using var s = await Server();
        using (var p = Pipeline(s, new HttpPipelineOptions { PerHostRatePerSecond = 20, GlobalRatePerSecond = 1000 }))
        {
            var watch = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, 21).Select(_ => p.SendAsync(ScanRequest.Get(new Uri(s.BaseUrl, "ok")))));
            Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(900), $"21 requests at 20/s took {watch.Elapsed}");
        }

        _maxInFlight = 0;
        using var c = Pipeline(s, new HttpPipelineOptions { PerHostConcurrency = 2, GlobalConcurrency = 8, GlobalRatePerSecond = 0, PerHostRatePerSecond = 0 });
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => c.SendAsync(ScanRequest.Get(new Uri(s.BaseUrl, "count")))));
        Assert.InRange(_maxInFlight, 1, 2);
    }

    [Fact]
    public async Task GlobalRateAndConcurrencySpanHosts()
    {
        // Two sites (two host:port keys), each allowed more than the global limits: the global ones must bind.
        await using var a = await Server();
        await using var b = await Server();
        var scope = new AuthorizedScope(origins: AuthorizedScope.ForOrigin(a.BaseUrl).Origins.Concat(AuthorizedScope.ForOrigin(b.BaseUrl).Origins));
        Uri Next(int i, string path) => new(i % 2 == 0 ? a.BaseUrl : b.BaseUrl, path);

        using (var p = new SafeHttpPipeline(scope, new HttpPipelineOptions { GlobalRatePerSecond = 20, PerHostRatePerSecond = 1000 }))
        {
            var watch = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, 21).Select(i => p.SendAsync(ScanRequest.Get(Next(i, "ok")))));
            Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(900), $"21 requests over two hosts at 20/s overall took {watch.Elapsed}");
        }

        _maxInFlight = 0;
        using var c = new SafeHttpPipeline(scope, new HttpPipelineOptions { GlobalConcurrency = 2, PerHostConcurrency = 4, GlobalRatePerSecond = 0, PerHostRatePerSecond = 0 });
        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => c.SendAsync(ScanRequest.Get(Next(i, "count")))));
        Assert.InRange(_maxInFlight, 1, 2);
    }

    [Fact]
    public async Task CookiesAreKeptAndShownInTheRawRequestWithoutTheirValues()
    {
        await using var s = await Server();
        using var p = Pipeline(s);
        var set = await p.SendAsync(ScanRequest.Get(new Uri(s.BaseUrl, "cookie")));
        var next = await p.SendAsync(ScanRequest.Get(new Uri(s.BaseUrl, "sid")));

        // The server got the cookie; the evidence names it and its attributes, never its value.
        Assert.Equal("yours", next.Body);
        Assert.Contains("Cookie: sid=[已隐去]", next.RawRequest, StringComparison.Ordinal);
        Assert.StartsWith("GET /sid HTTP/1.1\nHost: 127.0.0.1:", next.RawRequest, StringComparison.Ordinal);
        Assert.Contains("Set-Cookie: sid=[已隐去]; path=/", set.RawResponse, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", next.RawRequest + set.RawResponse, StringComparison.Ordinal);
        Assert.Equal("sid=s3cr3t; path=/", set.Header("Set-Cookie")); // matchers still see the real header

        // A preference cookie is hidden in the headers, but its value is not hunted down in bodies: lang="zh-CN" stays.
        var prefs = await p.SendAsync(ScanRequest.Get(new Uri(s.BaseUrl, "prefs")));
        var again = await p.SendAsync(ScanRequest.Get(new Uri(s.BaseUrl, "prefs")));
        Assert.Contains("Set-Cookie: lang=[已隐去]; path=/", prefs.RawResponse, StringComparison.Ordinal);
        Assert.Contains("<html lang=\"zh-CN\">", again.RawResponse, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Authorization", "Bearer eyJhbGciOi.x.y", "Bearer [已隐去]")]
    [InlineData("Authorization", "Basic ZG9jdG9yOnB3", "Basic [已隐去]")]
    [InlineData("Authorization", "token=abc", "[已隐去]")]
    [InlineData("Cookie", "a=1; ASP.NET_SessionId=xyz", "a=[已隐去]; ASP.NET_SessionId=[已隐去]")]
    public void CredentialHeadersKeepTheirShapeButNotTheirValues(string name, string value, string shown) =>
        Assert.Equal(shown, CredentialRedaction.RequestHeader(name, value));

    [Fact]
    public void SecretsAreRemovedInEveryEncodingTheyTravelIn()
    {
        string[] secrets = ["Medguard#2024", "ab"];
        var text = "UserName=doctor&Password=Medguard%232024 {\"p\":\"Medguard#2024\"} ab";
        var shown = CredentialRedaction.Secrets(text, secrets.Where(CredentialRedaction.IsWorthKeeping).ToList());
        Assert.Equal("UserName=doctor&Password=[已隐去] {\"p\":\"[已隐去]\"} ab", shown);
    }
}
