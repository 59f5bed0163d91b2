using MedGuard.Domain.Platform;
using MedGuard.Server.Hosting;
using MedGuard.Server.Tenancy;
using MedGuard.Storage.Auditing;
using Microsoft.AspNetCore.Authentication;

namespace MedGuard.Server.Accounts;

/// <summary>Signing in and out with a server-side session behind the cookie: the pages and the API do it the same way.</summary>
public static class SessionCookies
{
    /// <summary>Records the session, then issues the cookie that names it (and drops any pending step).</summary>
    public static async Task SignInSessionAsync(this HttpContext http, PlatformUser user)
    {
        var accounts = http.RequestServices.GetRequiredService<AccountService>();
        var id = await accounts.StartSessionAsync(user, http.Connection.RemoteIpAddress?.ToString());
        await http.SignOutAsync(AuthSchemes.Pending);
        await http.SignInAsync(AuthSchemes.Session, ClaimNames.Principal(user, AuthSchemes.Session, session: id));
    }

    /// <summary>The short-lived step between a correct login and enrolment or a forced password change.</summary>
    public static Task SignInPendingAsync(this HttpContext http, PlatformUser user, string purpose) =>
        http.SignInAsync(AuthSchemes.Pending, ClaimNames.Principal(user, AuthSchemes.Pending, pending: purpose));

    /// <summary>Logout: the session is revoked server-side (a replayed cookie is refused), audited, and the cookies cleared.</summary>
    public static async Task SignOutSessionAsync(this HttpContext http)
    {
        if (http.User.Identity?.IsAuthenticated == true && http.User.FindFirst(ClaimNames.Session)?.Value is { } session)
        {
            await http.RequestServices.GetRequiredService<AccountService>().RevokeSessionAsync(session, "退出");
            await http.RequestServices.GetRequiredService<AuditTrail>().RecordAsync(
                new AuditEvent("logout", "PlatformUser", http.User.UserId().ToString(), "退出登录，会话已在服务器端作废").From(http));
        }

        await http.SignOutAsync(AuthSchemes.Session);
        await http.SignOutAsync(AuthSchemes.Pending);
    }
}
