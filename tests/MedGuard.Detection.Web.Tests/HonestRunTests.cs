using MedGuard.Detection.Web.Http;
using MedGuard.Detection.Web.Scanning;
using MedGuard.Domain.Scope;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace MedGuard.Detection.Web.Tests;

/// <summary>
/// Honest runs (issue 13): a login that did not sign in stops the scan, a start URL that answers nothing stops it with
/// the reason, and recipe and scope files that are wrong say where and what was expected — never a .NET type name.
/// </summary>
public sealed class HonestRunTests
{
    private const string Steps = """
        steps:
          - path: /login
          - method: POST
            path: /login
            form: { user: doctor, password: "{{pw}}" }
            expectStatus: [302]
        """;

    /// <summary>A PHP-style login: 302 either way; a session cookie from the first visit, kept across the login.</summary>
    private static Task<LocalServer> SiteAsync(string password) => LocalServer.StartAsync(app =>
    {
        app.MapGet("/login", (HttpContext ctx) =>
        {
            if (!ctx.Request.Cookies.ContainsKey("SESSID"))
            {
                ctx.Response.Cookies.Append("SESSID", Guid.NewGuid().ToString("N"));
            }

            return Results.Content("<form method=post><input name=user><input type=password name=password></form>", "text/html");
        });
        app.MapPost("/login", (HttpContext ctx) =>
        {
            if (ctx.Request.Form["password"] == password)
            {
                ctx.Response.Cookies.Append("auth", "signed-in-" + Guid.NewGuid().ToString("N"));
                return Results.Redirect("/home");
            }

            return Results.Redirect("/login?error=1");
        });
        app.MapGet("/home", (HttpContext ctx) => ctx.Request.Cookies.ContainsKey("auth")
            ? Results.Content("<p>欢迎，张医生 <a href=/logout>退出登录</a></p>", "text/html")
            : Results.Redirect("/login"));
    });

    private static LoginRecipe Recipe(string password, string success = "") =>
        LoginRecipe.Parse(Steps.Replace("{{pw}}", password, StringComparison.Ordinal) + "\n" + success, "login.yaml");

    private static Task<WebScanReport> ScanAsync(LocalServer site, LoginRecipe recipe) =>
        new WebScanner(AuthorizedScope.ForOrigin(site.BaseUrl), new WebScanOptions { Login = recipe, ActiveChecks = false }).ScanAsync(site.BaseUrl);

    [Theory]
    [InlineData("success:\n  redirect: /home\n", "success.redirect")]
    [InlineData("success:\n  cookie: auth\n", "success.cookie")]
    [InlineData("success:\n  text: 退出登录\n", "success.text")]
    [InlineData("", "没有设置新的会话 Cookie")]
    public async Task AWrongPasswordStopsTheScanWithTheCriterionThatFailed(string success, string expected)
    {
        await using var site = await SiteAsync("right");
        var ex = await Assert.ThrowsAsync<LoginFailedException>(() => ScanAsync(site, Recipe("wrong", success)));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Contains("扫描已停止", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("success:\n  redirect: /home\n  cookie: auth\n  text: 退出登录\n")]
    [InlineData("success:\n  text: 欢迎\n  page: /home\n")]
    [InlineData("")]
    public async Task TheRightPasswordPassesEveryCriterion(string success)
    {
        await using var site = await SiteAsync("right");
        var report = await ScanAsync(site, Recipe("right", success));
        Assert.True(report.PagesCrawled > 0);
    }

    [Fact]
    public async Task AnOldRecipeOnASiteThatKeepsItsCookieIsToldToStateSuccess()
    {
        // The login succeeds, but nothing in the last answer shows it: the inference refuses and says what to add.
        await using var site = await LocalServer.StartAsync(app =>
        {
            app.MapGet("/login", () => Results.Content("<form method=post><input type=password name=password></form>", "text/html"));
            app.MapPost("/login", () => Results.Redirect("/home"));
            app.MapGet("/home", () => Results.Content("<p>首页</p>", "text/html"));
        });
        var ex = await Assert.ThrowsAsync<LoginFailedException>(() => ScanAsync(site, Recipe("x")));
        Assert.Contains("没有设置新的会话 Cookie", ex.Message, StringComparison.Ordinal);
        Assert.Contains("success", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("steps:\n  - path: /a\n  - path: login\n", "login.yaml 第 3 行", "以 / 开头")]
    [InlineData("steps:\n  - path: /a\n    form: { a: b }\n    json: { a: b }\n", "login.yaml 第 2 行", "form 和 json")]
    [InlineData("steps:\n  - path: /a\nsuccess:\n  note: x\n", "login.yaml 第 4 行", "未知的键 'note'")]
    [InlineData("steps:\n  - path: /a\nsuccess: {}\n", "login.yaml 第 3 行", "redirect")]
    [InlineData("steps:\n  - path: /a\nsuccess:\n  redirect: home\n", "login.yaml 第 4 行", "以 / 开头的站内路径")]
    [InlineData("steps:\n  - path: /a\n    expectStatus: [abc]\n", "login.yaml 第 3 行", "数字")]
    [InlineData("steps: /a\n", "login.yaml 第 1 行", "列表")]
    [InlineData("steps:\n  - path: /a\n    form: a: b\n", "login.yaml 第 3 行", "语法错误")]
    public void RecipeErrorsNameTheFileTheLineAndWhatWasExpected(string yaml, string where, string what)
    {
        var ex = Assert.Throws<InvalidDataException>(() => LoginRecipe.Parse(yaml, "login.yaml"));
        Assert.Contains(where, ex.Message, StringComparison.Ordinal);
        Assert.Contains(what, ex.Message, StringComparison.Ordinal);
        NoDotNetNames(ex.Message);
    }

    [Theory]
    [InlineData("origins:\n  - 127.0.0.1:8080\n  - [a\n", "scope.yaml:4: YAML 语法错误")]
    [InlineData("origins:\n  - 127.0.0.1:8080\nmaxRatePerHost: fast\n", "scope.yaml:3")]
    [InlineData("origins:\n  - http://127.0.0.1:8080/admin\n", "scope.yaml:2")]
    [InlineData("origins: 127.0.0.1:8080\nwindow: x\n", "scope.yaml:1")]
    [InlineData("origins:\n  - 127.0.0.1:8080\n\torigin: x\n", "Tab")]
    public void ScopeErrorsNameTheFileAndLineWithoutDotNetTypes(string yaml, string where)
    {
        var ex = Assert.Throws<ScopeException>(() => AuthorizedScope.Parse(yaml, "scope.yaml"));
        Assert.Contains(where, ex.Message, StringComparison.Ordinal);
        NoDotNetNames(ex.Message);
    }

    [Fact]
    public async Task AClosedPortStopsTheScanAsUnreachable()
    {
        var port = MedGuard.TestTargets.Sites.ChildServer.FreePort();
        var url = new Uri($"http://127.0.0.1:{port}/");
        var ex = await Assert.ThrowsAsync<SiteUnreachableException>(() => new WebScanner(AuthorizedScope.ForOrigin(url)).ScanAsync(url));
        Assert.Contains("连接被拒绝", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{port}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HttpsOnAPlainHttpPortSaysTheHandshakeFailed()
    {
        await using var site = await LocalServer.StartAsync(app => app.MapGet("/", () => "ok"));
        var https = new Uri($"https://127.0.0.1:{site.BaseUrl.Port}/");
        var ex = await Assert.ThrowsAsync<SiteUnreachableException>(() => new WebScanner(AuthorizedScope.ForOrigin(https)).ScanAsync(https));
        Assert.Contains("TLS 握手失败", ex.Message, StringComparison.Ordinal);
        Assert.Contains("http://", ex.Message, StringComparison.Ordinal);
    }

    private static void NoDotNetNames(string message)
    {
        foreach (var leak in new[] { "MedGuard.", "System.", "YamlDotNet", "Exception", "deserializ", "Culture=", "PublicKeyToken" })
        {
            Assert.DoesNotContain(leak, message, StringComparison.OrdinalIgnoreCase);
        }
    }
}
