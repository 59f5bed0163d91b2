using System.Net;

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

    [Fact]
    public async Task FiveWrongPasswordsLockTheAccountEvenForTheRightPassword()
    {
        await using var platform = await PlatformFixture.StartAsync(DatabaseKind.Sqlite);
        using var http = new HttpClient { BaseAddress = platform.BaseAddress };
        var account = platform.Credentials["hospital2"]; // password only: no second factor in the way
        for (var i = 0; i < 5; i++)
        {
            using var wrong = await http.PostAsync("/api/session", Json(new { userName = "hospital2", password = "Wrong-Pass-123" }));
            Assert.Equal(i < 4 ? HttpStatusCode.Unauthorized : HttpStatusCode.Locked, wrong.StatusCode);
        }

        using var right = await http.PostAsync("/api/session", Json(new { userName = "hospital2", password = account.Password }));
        Assert.Equal(HttpStatusCode.Locked, right.StatusCode);

        // Unknown users get the same answer as wrong passwords (no user enumeration).
        using var unknown = await http.PostAsync("/api/session", Json(new { userName = "nobody", password = "Wrong-Pass-123" }));
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        Assert.Contains("用户名或口令错误", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
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

    private static StringContent Json(object value) =>
        new(System.Text.Json.JsonSerializer.Serialize(value), System.Text.Encoding.UTF8, "application/json");
}
