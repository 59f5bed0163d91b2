using MedGuard.Detection.Web.Crawl;
using MedGuard.Detection.Web.Http;
using MedGuard.Domain.Scope;
using MedGuard.TestTargets.HospitalPortal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace MedGuard.Detection.Web.Tests;

public sealed class LoginAndCrawlTests
{
    [Fact]
    public async Task JsonLoginWithBearerTokenRidesOnLaterRequests()
    {
        await using var s = await LocalServer.StartAsync(app =>
        {
            app.MapGet("/login", () => Results.Content("<input name=\"csrf\" value=\"t0k3n\">", "text/html"));
            app.MapPost("/api/login", async (HttpRequest r) =>
            {
                var body = await System.Text.Json.JsonDocument.ParseAsync(r.Body);
                return body.RootElement.GetProperty("csrf").GetString() == "t0k3n" && body.RootElement.GetProperty("user").GetString() == "doctor"
                    ? Results.Json(new { token = "jwt-abc" })
                    : Results.StatusCode(403);
            });
            app.MapGet("/api/me", (HttpRequest r) => r.Headers.Authorization.ToString() == "Bearer jwt-abc" ? Results.Text("me") : Results.StatusCode(401));
        });
        var recipe = LoginRecipe.Parse("""
            steps:
              - path: /login
                extract: { csrf: 'name="csrf" value="([^"]+)"' }
              - method: POST
                path: /api/login
                json: { user: doctor, csrf: "{{csrf}}" }
                extract: { token: '"token":"([^"]+)"' }
                expectStatus: [200]
                bearer: "{{token}}"
            """, "login.yaml");
        using var pipeline = new SafeHttpPipeline(AuthorizedScope.ForOrigin(s.BaseUrl));
        var seen = new System.Collections.Concurrent.ConcurrentBag<HttpExchange>();
        pipeline.Exchanged += seen.Add;
        await recipe.RunAsync(pipeline, s.BaseUrl, CancellationToken.None);
        var me = await pipeline.SendAsync(ScanRequest.Get(new Uri(s.BaseUrl, "api/me")));
        Assert.Equal(200, me.Status);

        // The token rode on the request; evidence shows how (a bearer header), not the token itself — not in the
        // request that used it, nor in the login response that handed it out.
        Assert.Contains("Authorization: Bearer [已隐去]", me.RawRequest, StringComparison.Ordinal);
        Assert.All(seen, e => Assert.DoesNotContain("jwt-abc", e.RawRequest + e.RawResponse, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("steps: []", "至少需要一个步骤")]
    [InlineData("steps:\n  - path: http://elsewhere.invalid/login\n", "以 / 开头")]
    [InlineData("steps:\n  - path: /a\n    extract: { x: '(' }\n", "无法编译")]
    public void BadRecipesAreRejected(string yaml, string expected)
    {
        var ex = Assert.Throws<InvalidDataException>(() => LoginRecipe.Parse(yaml, "login.yaml"));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CrawlStaysWithinThePageLimitAndDepth()
    {
        await using var portal = await PortalApp.StartAsync(PortalMode.Hardened);
        using var pipeline = new SafeHttpPipeline(AuthorizedScope.ForOrigin(portal.BaseUrl));
        var limited = await new Crawler(pipeline, new CrawlOptions { MaxPages = 4 }).CrawlAsync(portal.BaseUrl, CancellationToken.None);
        Assert.Equal(4, limited.Pages.Count);

        var shallow = await new Crawler(pipeline, new CrawlOptions { MaxDepth = 0 }).CrawlAsync(portal.BaseUrl, CancellationToken.None);
        Assert.Single(shallow.Pages);

        var full = await new Crawler(pipeline).CrawlAsync(portal.BaseUrl, CancellationToken.None);
        Assert.DoesNotContain(full.Pages, p => p.Request.Url.AbsolutePath.Contains("Logout", StringComparison.Ordinal));
        Assert.Contains(full.Endpoints, e => e is { Method: "POST" } && e.Parameters.Any(p => p is { Name: "ProductId", Kind: ParameterKind.Form }));
        Assert.Contains(full.Endpoints, e => e.Parameters.Any(p => p is { Name: "cardNo", Kind: ParameterKind.Json }));
        Assert.Contains(full.Endpoints, e => e.Parameters.Any(p => p.Kind == ParameterKind.Path && p.Value == "1024"));
        Assert.Contains(full.Endpoints, e => e.Parameters.Any(p => p is { Name: "q", Kind: ParameterKind.Query }));
    }
}
