using System.Net;
using MedGuard.Storage.Providers;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Server.Tests;

/// <summary>The platform's own hardening: headers, generic error pages, lockout, anti-forgery, session cookie flags.</summary>
public sealed class SecurityTests
{
    [Fact]
    public async Task PagesCarrySecurityHeadersAndErrorsAreGenericChinese()
    {
        await using var platform = await PlatformFixture.StartAsync(DatabaseKind.Sqlite);
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = platform.BaseAddress };
        using var login = await http.GetAsync("/account/login");
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Contains("default-src 'self'", login.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("DENY", login.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("nosniff", login.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-referrer", login.Headers.GetValues("Referrer-Policy").Single());
        Assert.False(login.Headers.Contains("Server"));
        Assert.False(login.Headers.Contains("X-Powered-By"));

        // Anonymous callers learn nothing about which pages exist: everything unknown goes to login.
        using var unknown = await http.GetAsync("/account/no-such-page");
        Assert.Equal(HttpStatusCode.Redirect, unknown.StatusCode);
        using var missing = await http.GetAsync("/error/404");
        var body = await missing.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("页面不存在", body, StringComparison.Ordinal);

        // A form posted without its anti-forgery token is refused with the generic page, no exception text.
        using var forged = await http.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["UserName"] = "admin", ["Password"] = "x" }));
        var forgedBody = await forged.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Contains("请求无效", forgedBody, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", forgedBody, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", forgedBody, StringComparison.Ordinal);

        // The API is described by OpenAPI.
        using var openApi = await http.GetAsync("/openapi/v1.json");
        var document = await openApi.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, openApi.StatusCode);
        Assert.Contains("\"/api/systems/{id}/grading\"", document, StringComparison.Ordinal);
        Assert.Contains("\"/api/assessments/{id}/conclusion\"", document, StringComparison.Ordinal);

        // Unauthenticated pages redirect to login; the API answers 401.
        using var systems = await http.GetAsync("/systems");
        Assert.Equal(HttpStatusCode.Redirect, systems.StatusCode);
        using var api = await http.GetAsync("/api/systems");
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
    }

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task FortyParallelWrongPasswordsLockTheAccountAtTheFifth(DatabaseKind kind)
    {
        await using var platform = await PlatformFixture.StartAsync(kind);
        var account = platform.Credentials["hospital2"];
        using var http = new HttpClient { BaseAddress = platform.BaseAddress };
        var answers = await Task.WhenAll(Enumerable.Range(0, 40).Select(async i =>
        {
            using var wrong = await http.PostAsync("/api/session", Json(new { userName = "hospital2", password = $"Wrong-Pass-{i:00}", code = "123456" }));
            return (wrong.StatusCode, Detail: await DetailOf(wrong));
        }));
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Unauthorized, a.StatusCode));
        Assert.Single(answers.Select(a => a.Detail).Distinct());

        // Exactly five passwords were checked; the other 35 were refused before any check; the state is one lock.
        await using (var db = MedGuardContextFactory.Create(platform.Target))
        {
            var user = await db.Users.SingleAsync(u => u.UserName == "hospital2");
            Assert.Equal(5, user.FailedLoginCount);
            Assert.NotNull(user.LockoutUntil);
            Assert.InRange(user.LockoutUntil!.Value, DateTime.UtcNow.AddMinutes(14), DateTime.UtcNow.AddMinutes(16));
            var failures = await db.AuditEntries.Where(e => e.UserName == "hospital2" && e.Action == "login-failed").Select(e => e.Detail).ToListAsync();
            Assert.Equal(40, failures.Count);
            Assert.Equal(5, failures.Count(d => d!.StartsWith("口令错误", StringComparison.Ordinal)));
            Assert.Equal(35, failures.Count(d => d!.StartsWith("账号已锁定", StringComparison.Ordinal)));
        }

        // The right password with the right code is refused now, with the same answer as a wrong one.
        using var right = await http.PostAsync("/api/session", Json(new { userName = "hospital2", password = account.Password, code = await TotpCodes.FreshAsync(account.TotpSecret!) }));
        Assert.Equal(HttpStatusCode.Unauthorized, right.StatusCode);
        Assert.Equal(answers[0].Detail, await DetailOf(right));
    }

    [Fact]
    public async Task ParallelWrongCodesGetAtMostTheAllowedGuesses()
    {
        await using var platform = await PlatformFixture.StartAsync(DatabaseKind.Sqlite);
        var account = platform.Credentials["hospital"];
        var valid = await TotpCodes.FreshAsync(account.TotpSecret!);
        var wrongCodes = Enumerable.Range(0, 1000).Select(i => i.ToString("000000", System.Globalization.CultureInfo.InvariantCulture))
            .Where(c => c != valid && c != Totp(account.TotpSecret!, -30) && c != Totp(account.TotpSecret!, 30)).Take(30).ToList();
        using var http = new HttpClient { BaseAddress = platform.BaseAddress };
        var answers = await Task.WhenAll(wrongCodes.Select(async code =>
        {
            using var response = await http.PostAsync("/api/session", Json(new { userName = "hospital", password = account.Password, code }));
            return response.StatusCode;
        }));
        Assert.All(answers, s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        await using (var db = MedGuardContextFactory.Create(platform.Target))
        {
            var details = await db.AuditEntries.Where(e => e.UserName == "hospital" && e.Action == "login-failed").Select(e => e.Detail!).ToListAsync();
            Assert.Equal(5, details.Count(d => d.StartsWith("动态口令错误", StringComparison.Ordinal)));
            Assert.Equal(25, details.Count(d => d.StartsWith("账号已锁定", StringComparison.Ordinal)));
        }

        // Even the right code is refused now: the guesses are used up.
        using var right = await http.PostAsync("/api/session", Json(new { userName = "hospital", password = account.Password, code = valid }));
        Assert.Equal(HttpStatusCode.Unauthorized, right.StatusCode);
    }

    [Fact]
    public async Task UnknownDisabledLockedAndWrongCodeAnswerAlikeAndTakeAsLong()
    {
        await using var platform = await PlatformFixture.StartAsync(DatabaseKind.Sqlite);
        await using (var db = MedGuardContextFactory.Create(platform.Target))
        {
            await db.Users.Where(u => u.UserName == "assessor2").ExecuteUpdateAsync(s => s.SetProperty(u => u.Disabled, true));
            await db.Users.Where(u => u.UserName == "haidian").ExecuteUpdateAsync(s => s.SetProperty(u => u.LockoutUntil, DateTime.UtcNow.AddMinutes(10)).SetProperty(u => u.FailedLoginCount, 5));
        }

        using var http = new HttpClient { BaseAddress = platform.BaseAddress };
        async Task<(HttpStatusCode Status, string Detail, TimeSpan Took)> Attempt(string user, string password, string? code = "123456")
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            using var response = await http.PostAsync("/api/session", Json(new { userName = user, password, code }));
            var detail = await DetailOf(response);
            return (response.StatusCode, detail, watch.Elapsed);
        }

        var regulator = platform.Credentials["regulator"];
        var cases = new Dictionary<string, List<(HttpStatusCode Status, string Detail, TimeSpan Took)>>();
        for (var round = 0; round < 5; round++)
        {
            void Add(string name, (HttpStatusCode, string, TimeSpan) a) => (cases.TryGetValue(name, out var l) ? l : cases[name] = []).Add(a);
            Add("unknown", await Attempt("nobody-here", "Wrong-Pass-123"));
            Add("disabled", await Attempt("assessor2", platform.Credentials["assessor2"].Password));
            Add("locked", await Attempt("haidian", platform.Credentials["haidian"].Password));
            Add("wrong-password", await Attempt("hospital2", "Wrong-Pass-123"));
            Add("wrong-code", await Attempt("regulator", regulator.Password)); // right password, wrong code
        }

        var all = cases.Values.SelectMany(l => l).ToList();
        Assert.All(all, a => Assert.Equal(HttpStatusCode.Unauthorized, a.Status));
        Assert.Single(all.Select(a => a.Detail).Distinct());
        Assert.Contains("登录失败", all[0].Detail, StringComparison.Ordinal);

        // Each answer costs one password hash: a refusal without a check would answer in a fraction of the time.
        static double Median(IEnumerable<TimeSpan> t) => t.Select(x => x.TotalMilliseconds).Order().ElementAt(2);
        var real = Median(cases["wrong-password"].Select(a => a.Took));
        foreach (var name in new[] { "unknown", "disabled", "locked" })
        {
            Assert.True(Median(cases[name].Select(a => a.Took)) > real * 0.4, $"{name}: {Median(cases[name].Select(a => a.Took)):F0} ms against {real:F0} ms");
        }
    }

    [Fact]
    public async Task TotpIsRequiredAndACodeWorksOnlyOnce()
    {
        await using var platform = await PlatformFixture.StartAsync(DatabaseKind.Sqlite);
        var admin = platform.Credentials["admin"];
        using var http = new HttpClient { BaseAddress = platform.BaseAddress };
        using var noCode = await http.PostAsync("/api/session", Json(new { userName = "admin", password = admin.Password }));
        Assert.Equal(HttpStatusCode.Unauthorized, noCode.StatusCode);
        var code = await TotpCodes.FreshAsync(admin.TotpSecret!);
        using var first = await http.PostAsync("/api/session", Json(new { userName = "admin", password = admin.Password, code }));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Contains("HttpOnly", string.Join(";", first.Headers.GetValues("Set-Cookie")), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", string.Join(";", first.Headers.GetValues("Set-Cookie")), StringComparison.OrdinalIgnoreCase);
        using var replay = await http.PostAsync("/api/session", Json(new { userName = "admin", password = admin.Password, code }));
        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
    }

    [Fact]
    public async Task KeyFileIsCreatedOutsideTheDatabaseAndSensitiveFieldsAreCiphertext()
    {
        await using var platform = await PlatformFixture.StartAsync(DatabaseKind.Sqlite);
        Assert.True(File.Exists(platform.KeyFile));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(platform.KeyFile));
        }

        await using var db = MedGuard.Storage.Providers.MedGuardContextFactory.Create(platform.Target);
        var phones = db.InstitutionContacts.Select(c => c.Phone).Take(50).ToList();
        Assert.NotEmpty(phones);
        Assert.All(phones, p => Assert.StartsWith("sm4gcm:", p, StringComparison.Ordinal));
        Assert.All(db.Users.Where(u => u.TotpEnabled).Select(u => u.TotpSecretEncrypted).ToList(), s => Assert.True(s!.Length > 12 + 16));
    }

    private static string Totp(string secret, int offsetSeconds) => MedGuard.Security.Totp.TotpAuthenticator.CodeAt(secret, DateTime.UtcNow.AddSeconds(offsetSeconds));

    internal static async Task<string> DetailOf(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        return System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString() ?? "";
    }

    internal static StringContent Json(object value) =>
        new(System.Text.Json.JsonSerializer.Serialize(value), System.Text.Encoding.UTF8, "application/json");
}
