using MedGuard.Detection.Web.Crawl;
using MedGuard.Detection.Web.Http;
using MedGuard.Detection.Web.Scanning;
using MedGuard.Domain.Findings;
using MedGuard.Domain.Scope;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Endpoint = MedGuard.Detection.Web.Crawl.Endpoint;

namespace MedGuard.Detection.Web.Tests;

/// <summary>Safe mode spares endpoints that write, and a scan that could not cover everything says so.</summary>
public sealed class ScanLimitsTests
{
    [Theory]
    [InlineData("POST", "/Appointment/Book", true)]
    [InlineData("POST", "/Patient/AddPatient", true)]
    [InlineData("POST", "/api/payment/confirm", true)]
    [InlineData("POST", "/his/%E6%8C%82%E5%8F%B7", true)]   // /his/挂号
    [InlineData("GET", "/Appointment/Book", false)]          // a GET reads
    [InlineData("POST", "/ServiceSelect/GridOrgInfoList", false)]
    [InlineData("POST", "/api/patient/lookup", false)]
    [InlineData("POST", "/Account/Login", false)]
    [InlineData("POST", "/Account/Address", false)]          // "add" only as a whole word
    [InlineData("POST", "/api/news/list", false)]
    public void WritesAreRecognisedByTheWordsOfTheirPath(string method, string path, bool writes) =>
        Assert.Equal(writes, StateChangingEndpoint.IsLikely(new Endpoint(method, new Uri("http://127.0.0.1:1" + path), [])));

    private static int _bookings;

    private static Task<LocalServer> Clinic() => LocalServer.StartAsync(app =>
    {
        app.MapGet("/", () => Results.Content("""
            <form action="/Appointment/Book" method="post"><input name="patient" value="张三"><input name="day" value="2026-12-08"></form>
            <form action="/Doctor/Search" method="post"><input name="dept" value="cardiology"></form>
            """, "text/html; charset=utf-8"));
        app.MapPost("/Appointment/Book", () =>
        {
            Interlocked.Increment(ref _bookings);
            return Results.Content("<p>预约成功</p>", "text/html; charset=utf-8");
        });
        app.MapPost("/Doctor/Search", () => Results.Content("<p>心血管内科：王医生</p>", "text/html; charset=utf-8"));
    });

    private static WebScanOptions Options(bool safe, int budget = 5000) => new()
    {
        Http = new HttpPipelineOptions { GlobalRatePerSecond = 0, PerHostRatePerSecond = 0, SafeMode = safe, RequestBudgetPerHost = budget },
        Templates = [],
    };

    [Fact]
    public async Task SafeModeSendsNoPayloadToAWriteButSaysItSparedIt()
    {
        await using var s = await Clinic();
        Interlocked.Exchange(ref _bookings, 0);
        var safe = await new WebScanner(AuthorizedScope.ForOrigin(s.BaseUrl), Options(safe: true)).ScanAsync(s.BaseUrl);
        Assert.Equal(0, Volatile.Read(ref _bookings));
        Assert.Equal(1, safe.ParametersTested);                 // dept of the search form
        var spared = Assert.Single(safe.Limitations);
        Assert.Contains("POST /Appointment/Book", spared, StringComparison.Ordinal);
        Assert.False(safe.Complete);

        // Outside safe mode (a test system), the booking form is probed like any other.
        var full = await new WebScanner(AuthorizedScope.ForOrigin(s.BaseUrl), Options(safe: false)).ScanAsync(s.BaseUrl);
        Assert.True(Volatile.Read(ref _bookings) > 0);
        Assert.Equal(3, full.ParametersTested);
        Assert.True(full.Complete, string.Join("\n", full.Limitations));
    }

    [Fact]
    public async Task SafeModeNeverFailsALoginOfAnAccountThePagePreFills()
    {
        // A lock screen: the account is pre-filled, hidden beside a CSRF token. Each probe is a login attempt; the
        // server records the account of every one (a real one would count them towards a lockout).
        var attempts = new System.Collections.Concurrent.ConcurrentBag<(string Account, string Password, string Token)>();
        await using var s = await LocalServer.StartAsync(app =>
        {
            app.MapGet("/", () => Results.Content("""
                <form action="/Account/Unlock" method="post"><input name="account" value="admin"><input name="pwd" type="password">
                <input type="hidden" name="__token" value="t0k3n"><input type="hidden" name="userId" value="1001"></form>
                """, "text/html; charset=utf-8"));
            app.MapPost("/Account/Unlock", async (HttpRequest request) =>
            {
                var form = await request.ReadFormAsync();
                attempts.Add(($"{form["account"]}/{form["userId"]}", form["pwd"].ToString(), form["__token"].ToString()));
                return Results.Content("<p>口令错误</p>", "text/html; charset=utf-8");
            });
        });

        var safe = await new WebScanner(AuthorizedScope.ForOrigin(s.BaseUrl), Options(safe: true)).ScanAsync(s.BaseUrl);
        Assert.Equal(4, safe.ParametersTested); // the password field and the token too: only the account names change
        Assert.NotEmpty(attempts);
        Assert.DoesNotContain(attempts, a => a.Account.Contains("admin", StringComparison.Ordinal) || a.Account.Contains("1001", StringComparison.Ordinal));
        Assert.Contains(attempts, a => a.Account == $"{LoginForm.ProbeAccount}/{LoginForm.ProbeAccount}" && a.Token == "t0k3n" && a.Password.Length > 0);
        Assert.True(safe.Complete, string.Join("\n", safe.Limitations));

        // Outside safe mode the page's values go as they are: the pre-filled account would take every failed login.
        attempts.Clear();
        await new WebScanner(AuthorizedScope.ForOrigin(s.BaseUrl), Options(safe: false)).ScanAsync(s.BaseUrl);
        Assert.Contains(attempts, a => a.Account == "admin/1001");
    }

    [Fact]
    public void OnlyPreFilledAccountNamesOfALoginFormAreReplaced()
    {
        static EndpointParameter Field(string name, string value, string type) => new(name, ParameterKind.Form, value) { InputType = type };
        var login = new Endpoint("POST", new Uri("http://127.0.0.1:1/login"),
        [
            Field("user", "zhangsan", "text"), Field("pwd", "", "password"), Field("email", "", "email"),
            Field("__VIEWSTATE", "dDwtMTA4", "hidden"), Field("loginName", "admin", "hidden"), Field("remember", "on", "checkbox"),
        ]);
        var replaced = LoginForm.WithoutAccountNames(login).Parameters.ToDictionary(p => p.Name, p => p.Value);
        Assert.Equal(LoginForm.ProbeAccount, replaced["user"]);
        Assert.Equal(LoginForm.ProbeAccount, replaced["loginName"]);
        Assert.Equal("", replaced["pwd"]);
        Assert.Equal("", replaced["email"]);             // empty stays empty
        Assert.Equal("dDwtMTA4", replaced["__VIEWSTATE"]); // a hidden field that names no account keeps its value
        Assert.Equal("on", replaced["remember"]);

        // Without a password field it is no login form: a search box keeps its value.
        var search = new Endpoint("POST", new Uri("http://127.0.0.1:1/search"), [Field("user", "zhangsan", "text")]);
        Assert.Same(search, LoginForm.WithoutAccountNames(search));
    }

    [Fact]
    public async Task AScanStoppedByItsBudgetIsMarkedIncomplete()
    {
        await using var s = await Clinic();
        var report = await new WebScanner(AuthorizedScope.ForOrigin(s.BaseUrl), Options(safe: true, budget: 12)).ScanAsync(s.BaseUrl);
        Assert.Equal(12, report.Requests);
        Assert.Contains(report.Limitations, l => l.Contains("请求预算（12 个）已用完", StringComparison.Ordinal));

        // In the shared run the limitation is a coverage note on the site's origin, so an importer closes nothing there.
        var run = report.ToDetectionRun("scope.yaml");
        Assert.False(run.Complete);
        Assert.Equal(report.Limitations, run.Coverage.Select(n => n.Reason));
        Assert.All(run.Coverage, n => Assert.Equal(s.BaseUrl.GetLeftPart(UriPartial.Authority), n.Subject));
        Assert.Equal(12, run.Statistics.Requests);
        // The origin crawled is covered, yet the budget note on it keeps an importer from closing anything there.
        Assert.Equal([s.BaseUrl.GetLeftPart(UriPartial.Authority)], run.Covered);
        Assert.False(run.Covers(new WebTarget(s.BaseUrl.GetLeftPart(UriPartial.Authority), "/search", "q")));
        Assert.True(run.EndedAt >= run.StartedAt && run.StartedAt > DateTimeOffset.UtcNow.AddMinutes(-5));
    }
}
