using System.Net;
using MedGuard.Security.Passwords;
using MedGuard.Storage.Providers;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Server.Tests;

/// <summary>
/// Sessions live on the server: logout (API and page) revokes them so a replayed cookie is refused, they end after an
/// absolute lifetime however active, users change their own password under the policy and its history, and an
/// administrator's forced reset ends every session and makes the next login choose a new password.
/// </summary>
public sealed class SessionTests
{
    [Fact]
    public async Task AReplayedCookieIsRefusedAfterApiLogout()
    {
        await using var platform = await PlatformFixture.StartAsync(DatabaseKind.Sqlite);
        using var hospital = await ApiClient.LoginAsync(platform, "hospital");
        var cookie = hospital.Cookie("medguard.session");
        Assert.NotNull(cookie);
        Assert.Equal(HttpStatusCode.OK, (await hospital.SendAsync(HttpMethod.Get, "/api/me")).Status);

        var (status, _) = await hospital.SendAsync(HttpMethod.Delete, "/api/session");
        Assert.Equal(HttpStatusCode.NoContent, status);

        // The attacker kept a copy of the cookie: the API answers 401, the pages send to login.
        using var replay = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = platform.BaseAddress };
        using var api = new HttpRequestMessage(HttpMethod.Get, "/api/me");
        api.Headers.Add("Cookie", $"medguard.session={cookie}");
        Assert.Equal(HttpStatusCode.Unauthorized, (await replay.SendAsync(api)).StatusCode);
        using var page = new HttpRequestMessage(HttpMethod.Get, "/systems");
        page.Headers.Add("Cookie", $"medguard.session={cookie}");
        using var pageAnswer = await replay.SendAsync(page);
        Assert.Equal(HttpStatusCode.Redirect, pageAnswer.StatusCode);
        Assert.Contains("/account/login", pageAnswer.Headers.Location!.ToString(), StringComparison.Ordinal);

        await using var db = MedGuardContextFactory.Create(platform.Target);
        Assert.True(await db.AuditEntries.AnyAsync(e => e.Action == "logout" && e.UserName == "hospital"));
        var session = await db.UserSessions.SingleAsync(s => s.RevokedAt != null);
        Assert.Equal("退出", session.RevokedReason);
    }

    [Fact]
    public async Task PageLogoutRevokesTheSessionAndTheAbsoluteLifetimeEndsAnActiveOne()
    {
        await using var platform = await PlatformFixture.StartAsync(DatabaseKind.Sqlite);
        var assessor = platform.Credentials["assessor"];
        using var browser = new PageSession(platform);
        using var login = await browser.LoginAsync(assessor.UserName, assessor.Password, await TotpCodes.FreshAsync(assessor.TotpSecret!));
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal("/", login.Headers.Location!.ToString());
        var cookie = browser.Cookie("medguard.session")!;
        using var logout = await browser.PostFormAsync("/systems", new Dictionary<string, string>(), action: "/account/logout");
        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        using var replay = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = platform.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/me");
        request.Headers.Add("Cookie", $"medguard.session={cookie}");
        Assert.Equal(HttpStatusCode.Unauthorized, (await replay.SendAsync(request)).StatusCode);

        // Sessions carry an absolute end, 8 hours after login by default; past it the session is over.
        using var hospital = await ApiClient.LoginAsync(platform, "hospital");
        await using (var db = MedGuardContextFactory.Create(platform.Target))
        {
            var session = await db.UserSessions.Where(s => s.RevokedAt == null).SingleAsync();
            Assert.Equal(TimeSpan.FromHours(8), session.ExpiresAt - session.CreatedAt);
            Assert.Equal("127.0.0.1", session.SourceAddress);
            await db.UserSessions.Where(s => s.Id == session.Id).ExecuteUpdateAsync(s => s.SetProperty(x => x.ExpiresAt, DateTime.UtcNow.AddMinutes(-1)));
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await hospital.SendAsync(HttpMethod.Get, "/api/me")).Status);
    }

    [Fact]
    public async Task UsersChangeTheirOwnPasswordUnderThePolicyAndTheHistory()
    {
        await using var platform = await PlatformFixture.StartAsync(DatabaseKind.Sqlite);
        var account = platform.Credentials["hospital"];
        using var here = await ApiClient.LoginAsync(platform, "hospital");
        using var elsewhere = await ApiClient.LoginAsync(platform, "hospital");

        async Task<(HttpStatusCode Status, string Body)> Change(string current, string proposed) =>
            await here.SendAsync(HttpMethod.Post, "/api/me/password", new { currentPassword = current, newPassword = proposed });

        var weak = await Change(account.Password, "short");
        Assert.Equal(HttpStatusCode.BadRequest, weak.Status);
        Assert.Contains("口令长度至少 10 位", weak.Body, StringComparison.Ordinal);
        var same = await Change(account.Password, account.Password);
        Assert.Equal(HttpStatusCode.BadRequest, same.Status);
        Assert.Contains("最近 5 次", same.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await Change("Not-The-Password-9", "Brand-New-Pass-1")).Status);

        var passwords = new[] { "Brand-New-Pass-1", "Brand-New-Pass-2", "Brand-New-Pass-3", "Brand-New-Pass-4" };
        var current = account.Password;
        foreach (var next in passwords)
        {
            Assert.Equal(HttpStatusCode.NoContent, (await Change(current, next)).Status);
            current = next;
        }

        // The original is the fifth password back: still refused. The other session ended at the first change.
        var back = await Change(current, account.Password);
        Assert.Equal(HttpStatusCode.BadRequest, back.Status);
        Assert.Contains("最近 5 次", back.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await elsewhere.SendAsync(HttpMethod.Get, "/api/me")).Status);
        Assert.Equal(HttpStatusCode.OK, (await here.SendAsync(HttpMethod.Get, "/api/me")).Status);

        await using var db = MedGuardContextFactory.Create(platform.Target);
        var stored = await db.Users.SingleAsync(u => u.UserName == "hospital");
        Assert.True(new PasswordHasher().Verify(current, stored.PasswordHash));
        Assert.Equal(4, await db.PasswordHistory.CountAsync(h => h.UserId == stored.Id));
        Assert.Equal(4, await db.AuditEntries.CountAsync(e => e.Action == "password-changed" && e.UserName == "hospital"));
    }

    [Fact]
    public async Task AnAdministratorsForcedResetEndsSessionsAndTheNextLoginSetsANewPassword()
    {
        await using var platform = await PlatformFixture.StartAsync(DatabaseKind.Sqlite);
        using var admin = await ApiClient.LoginAsync(platform, "admin");
        using var victim = await ApiClient.LoginAsync(platform, "assessor");
        var users = await admin.GetJsonAsync("/api/users");
        var id = users.EnumerateArray().Single(u => u.GetProperty("userName").GetString() == "assessor").GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.Forbidden, (await victim.SendAsync(HttpMethod.Post, $"/api/users/{id}/password-reset")).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.SendAsync(HttpMethod.Post, $"/api/users/{id}/password-reset")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await victim.SendAsync(HttpMethod.Get, "/api/me")).Status);

        // The next login goes to the password page, not into the platform.
        var assessor = platform.Credentials["assessor"];
        using var browser = new PageSession(platform);
        using var login = await browser.LoginAsync(assessor.UserName, assessor.Password, await TotpCodes.FreshAsync(assessor.TotpSecret!), "/systems");
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.StartsWith("/account/password", login.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.Null(browser.Cookie("medguard.session"));
        using var systems = await browser.Http.GetAsync("/systems");
        Assert.Equal(HttpStatusCode.Redirect, systems.StatusCode);

        var fields = new Dictionary<string, string> { ["CurrentPassword"] = assessor.Password, ["NewPassword"] = assessor.Password, ["ConfirmPassword"] = assessor.Password };
        var passwordPage = login.Headers.Location!.ToString();
        using var reused = await browser.PostFormAsync(passwordPage, fields);
        Assert.Equal(HttpStatusCode.OK, reused.StatusCode);
        Assert.Contains("最近 5 次", await reused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        fields["NewPassword"] = fields["ConfirmPassword"] = "Reset-By-Admin-77";
        using var changed = await browser.PostFormAsync(passwordPage, fields);
        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        Assert.Equal("/systems", changed.Headers.Location!.ToString());
        using var after = await browser.Http.GetAsync("/api/me");
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);

        await using var db = MedGuardContextFactory.Create(platform.Target);
        Assert.False((await db.Users.SingleAsync(u => u.Id == id)).MustChangePassword);
        Assert.True(await db.AuditEntries.AnyAsync(e => e.Action == "password-reset-forced" && e.UserName == "admin" && e.EntityId == id.ToString()));
    }
}
