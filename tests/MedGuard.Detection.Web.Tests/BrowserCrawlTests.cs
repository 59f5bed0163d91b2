using System.Collections.Concurrent;
using System.Diagnostics;
using MedGuard.Detection.Web.Crawl;
using MedGuard.Detection.Web.Http;
using MedGuard.Domain.Scope;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace MedGuard.Detection.Web.Tests;

/// <summary>
/// The browser crawl obeys the engine's limits: every request a rendered page makes passes the scope check (the
/// out-of-scope listener counts zero requests), the per-host rate limit (timestamps measured at the server) and the
/// request budget; and what the page sends (XHR with a nested JSON body, a form post) becomes endpoints.
/// </summary>
public sealed class BrowserCrawlTests
{
    private static void RequireChromium()
    {
        var chromium = BrowserCrawler.ChromiumPath(new CrawlOptions());
        Assert.True(File.Exists(chromium), $"chromium 不在 {chromium}（test.sh 按 tests/setup.d/browser.apt 安装）");
    }

    [Fact]
    public async Task EveryOutOfScopeRequestOfThePageIsRefused()
    {
        RequireChromium();
        var outsideHits = 0;
        await using var outside = await LocalServer.StartAsync(app => app.Use((HttpContext _, RequestDelegate _) =>
        {
            Interlocked.Increment(ref outsideHits);
            return Task.CompletedTask;
        }));
        var o = outside.BaseUrl.AbsoluteUri.TrimEnd('/');
        var host = outside.BaseUrl.Authority;

        // Everything a page can make a browser fetch: sub-resources, script calls, a beacon, a socket, a frame, a
        // redirect, a form post, a click on a link, a navigation by script, a preconnect hint.
        var page = $$"""
            <!DOCTYPE html><html><head>
            <link rel="preconnect" href="{{o}}"><link rel="dns-prefetch" href="{{o}}"><link rel="prefetch" href="{{o}}/prefetch">
            <link rel="stylesheet" href="{{o}}/style.css"><script src="{{o}}/lib.js"></script></head>
            <body style="background: url({{o}}/bg.png)">
            <img src="{{o}}/pixel.png"><iframe src="{{o}}/frame"></iframe>
            <a id="out" href="{{o}}/link">外部链接</a>
            <form id="f" method="post" action="{{o}}/collect"><input name="q" value="1"></form>
            <button onclick="location.href='{{o}}/clicked'">跳转</button>
            <script>
              fetch('{{o}}/api/fetch', { method: 'POST', body: JSON.stringify({ a: 1 }) }).catch(function () {});
              var x = new XMLHttpRequest(); x.open('GET', '{{o}}/api/xhr'); x.send();
              navigator.sendBeacon('{{o}}/beacon', 'b');
              try { new WebSocket('ws://{{host}}/socket'); } catch (e) {}
              new Image().src = '{{o}}/img2.png';
              fetch('/go-out').catch(function () {});
            </script>
            </body></html>
            """;
        await using var inside = await LocalServer.StartAsync(app =>
        {
            app.MapGet("/", () => Results.Content(page, "text/html; charset=utf-8"));
            app.MapGet("/go-out", () => Results.Redirect($"{o}/redirected"));
        });

        using var pipeline = new SafeHttpPipeline(AuthorizedScope.ForOrigin(inside.BaseUrl), new HttpPipelineOptions { PerHostRatePerSecond = 100, GlobalRatePerSecond = 100 });
        var crawler = new BrowserCrawler(pipeline, new CrawlOptions { BrowserMaxPages = 3, BrowserActionsPerPage = 5, BrowserTimeLimit = TimeSpan.FromSeconds(45) });
        await crawler.CrawlAsync(inside.BaseUrl, [], CancellationToken.None);

        Assert.True(crawler.RefusedOutOfScope >= 5, $"refused {crawler.RefusedOutOfScope}");
        await Task.Delay(500);
        Assert.Equal(0, Volatile.Read(ref outsideHits));
        Assert.True(pipeline.RequestsSent >= 2, $"the in-scope page and its redirecting call went through the pipeline ({pipeline.RequestsSent})");
    }

    [Fact]
    public async Task TheRateLimitBindsTheBrowser()
    {
        RequireChromium();
        var stamps = new ConcurrentQueue<long>();
        await using var site = await LocalServer.StartAsync(app =>
        {
            app.Use(async (HttpContext context, RequestDelegate next) =>
            {
                stamps.Enqueue(Stopwatch.GetTimestamp());
                await next(context);
            });
            app.MapGet("/", () => Results.Content("""
                <!DOCTYPE html><html><body><div id="out"></div><script>
                for (var i = 0; i < 12; i++) { fetch('/api/item?id=' + i).then(function (r) { return r.text(); }); }
                </script></body></html>
                """, "text/html; charset=utf-8"));
            app.MapGet("/api/item", (string id) => Results.Json(new { id }));
        });

        const double rate = 5;
        using var pipeline = new SafeHttpPipeline(AuthorizedScope.ForOrigin(site.BaseUrl), new HttpPipelineOptions { PerHostRatePerSecond = rate, GlobalRatePerSecond = 50 });
        var crawler = new BrowserCrawler(pipeline, new CrawlOptions { BrowserMaxPages = 1, BrowserActionsPerPage = 0, BrowserTimeLimit = TimeSpan.FromSeconds(45) });
        var result = await crawler.CrawlAsync(site.BaseUrl, [], CancellationToken.None);

        var times = stamps.Select(t => (double)t / Stopwatch.Frequency).Order().ToList();
        Assert.True(times.Count >= 10, $"the page's calls reached the server ({times.Count})");

        // Evenly spaced at 5/s: never more than about the rate in any one-second window, and the calls the page fired
        // at once took (n - 1) / rate seconds to arrive.
        for (var i = 0; i < times.Count; i++)
        {
            var inWindow = times.Count(t => t >= times[i] && t < times[i] + 1.0);
            // One more than the rate allows for arrival jitter on a loaded 2-core machine; unlimited, all 12 arrive at once.
            Assert.True(inWindow <= rate + 2, $"{inWindow} requests within one second starting at request {i}");
        }

        Assert.True(times[^1] - times[0] >= 0.8 * (times.Count - 1) / rate, $"{times.Count} requests in {times[^1] - times[0]:0.00}s");

        // The page's calls were recorded as endpoints with their query parameter.
        Assert.Contains(result.Endpoints, e => e.Url.AbsolutePath == "/api/item" && e.Parameters.Any(p => p is { Name: "id", Kind: ParameterKind.Query }));
    }

    [Fact]
    public async Task TheBudgetBindsTheBrowser()
    {
        RequireChromium();
        var hits = 0;
        await using var site = await LocalServer.StartAsync(app =>
        {
            app.Use(async (HttpContext context, RequestDelegate next) =>
            {
                Interlocked.Increment(ref hits);
                await next(context);
            });
            app.MapGet("/", () => Results.Content("""
                <!DOCTYPE html><html><body><script>
                for (var i = 0; i < 30; i++) { fetch('/api/item?id=' + i).catch(function () {}); }
                </script></body></html>
                """, "text/html; charset=utf-8"));
            app.MapGet("/api/item", (string id) => Results.Json(new { id }));
        });

        using var pipeline = new SafeHttpPipeline(AuthorizedScope.ForOrigin(site.BaseUrl), new HttpPipelineOptions { RequestBudgetPerHost = 6 });
        var crawler = new BrowserCrawler(pipeline, new CrawlOptions { BrowserMaxPages = 1, BrowserActionsPerPage = 0, BrowserTimeLimit = TimeSpan.FromSeconds(45) });
        await crawler.CrawlAsync(site.BaseUrl, [], CancellationToken.None);
        Assert.Equal(6, Volatile.Read(ref hits));
        Assert.NotEmpty(pipeline.Limitations());
    }

    [Fact]
    public async Task ScriptRequestsBecomeEndpointsOfEveryShape()
    {
        RequireChromium();
        var writes = 0;
        await using var site = await LocalServer.StartAsync(app =>
        {
            app.MapGet("/", () => Results.Content("""
                <!DOCTYPE html><html><body>
                <form id="up" method="post" enctype="multipart/form-data" action="/upload-search"><input name="title" value="x"></form>
                <script>
                document.cookie = 'ward=A; path=/';
                fetch('/api/find', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Hospital-Code': 'H001' },
                  body: JSON.stringify({ query: { name: 'zhang', tags: ['a', 'b'] }, page: 1 }) });
                var x = new XMLHttpRequest(); x.open('POST', '/api/form'); x.setRequestHeader('Content-Type', 'application/x-www-form-urlencoded');
                x.send('dept=NK&day=1');
                </script></body></html>
                """, "text/html; charset=utf-8"));
            app.MapPost("/api/find", () => Results.Json(new { items = Array.Empty<string>() }));
            app.MapPost("/api/form", () => Results.Json(new { ok = true }));
            app.MapPost("/upload-search", () =>
            {
                Interlocked.Increment(ref writes);
                return Results.Text("ok");
            });
        });

        using var pipeline = new SafeHttpPipeline(AuthorizedScope.ForOrigin(site.BaseUrl));
        var crawler = new BrowserCrawler(pipeline, new CrawlOptions { BrowserMaxPages = 2, BrowserActionsPerPage = 2, BrowserTimeLimit = TimeSpan.FromSeconds(45) });
        var result = await crawler.CrawlAsync(site.BaseUrl, [], CancellationToken.None);

        var find = Assert.Single(result.Endpoints, e => e.Url.AbsolutePath == "/api/find");
        Assert.Contains(find.Parameters, p => p is { Name: "query.name", Kind: ParameterKind.Json, Value: "zhang" });
        Assert.Contains(find.Parameters, p => p is { Name: "query.tags[1]", Kind: ParameterKind.Json, Value: "b" });
        Assert.Contains(find.Parameters, p => p is { Name: "X-Hospital-Code", Kind: ParameterKind.Header, Value: "H001" });
        Assert.Contains(find.Parameters, p => p is { Name: "ward", Kind: ParameterKind.Cookie, Value: "A" });
        var probe = find.BuildRequest(find.Parameters.First(p => p.Name == "query.tags[1]"), "b'");
        Assert.Equal("""{"query":{"name":"zhang","tags":["a","b'"]},"page":1}""", probe.Body);
        Assert.Contains(result.Endpoints, e => e.Url.AbsolutePath == "/api/form" && e.Parameters.Any(p => p is { Name: "dept", Kind: ParameterKind.Form }));
        Assert.Contains(result.Endpoints, e => e.Url.AbsolutePath == "/upload-search" && e.Parameters.Any(p => p is { Name: "title", Kind: ParameterKind.Multipart }));

        // Its path names a write (upload): in safe mode the browser's submit was recorded but never sent.
        Assert.Equal(0, Volatile.Read(ref writes));
        Assert.True(crawler.SparedWrites >= 1);
    }

    [Fact]
    public async Task TheBrowserCarriesTheSessionTheLoginRecipeObtained()
    {
        RequireChromium();
        var authorized = 0;
        var strangers = 0;
        await using var site = await LocalServer.StartAsync(app =>
        {
            static bool LoggedIn(HttpContext c) => c.Request.Cookies["sid"] == "s3ss10n-7f3a9c";
            app.MapPost("/login", (HttpContext c) =>
            {
                c.Response.Cookies.Append("sid", "s3ss10n-7f3a9c", new CookieOptions { HttpOnly = true });
                return Results.Redirect("/");
            });
            app.MapGet("/", (HttpContext c) => LoggedIn(c)
                ? Results.Content("<!DOCTYPE html><html><body><script>fetch('/api/private?ward=A');</script></body></html>", "text/html; charset=utf-8")
                : Results.Redirect("/login-page"));
            app.MapGet("/api/private", (HttpContext c) =>
            {
                Interlocked.Increment(ref LoggedIn(c) ? ref authorized : ref strangers);
                return LoggedIn(c) ? Results.Json(new { beds = 3 }) : Results.StatusCode(401);
            });
            app.MapGet("/login-page", () => Results.Content("<p>请登录</p>", "text/html"));
        });

        using var pipeline = new SafeHttpPipeline(AuthorizedScope.ForOrigin(site.BaseUrl));
        var recipe = LoginRecipe.Parse("steps:\n  - method: POST\n    path: /login\n    form: { user: doctor }\n    expectStatus: [302]\n", "login.yaml");
        await recipe.RunAsync(pipeline, site.BaseUrl, CancellationToken.None);
        var crawler = new BrowserCrawler(pipeline, new CrawlOptions { BrowserMaxPages = 1, BrowserActionsPerPage = 0, BrowserTimeLimit = TimeSpan.FromSeconds(45) });
        var result = await crawler.CrawlAsync(site.BaseUrl, [], CancellationToken.None);

        Assert.True(Volatile.Read(ref authorized) >= 1, "the page behind the login was rendered and its script call carried the session");
        Assert.Equal(0, Volatile.Read(ref strangers));
        Assert.Contains(result.Endpoints, e => e.Url.AbsolutePath == "/api/private");
    }
}
