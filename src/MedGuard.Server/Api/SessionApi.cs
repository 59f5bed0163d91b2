using MedGuard.Server.Accounts;
using MedGuard.Server.Hosting;
using MedGuard.Server.Pages.Account;
using MedGuard.Server.Tenancy;
using MedGuard.Storage;
using MedGuard.Storage.Auditing;
using Microsoft.AspNetCore.Antiforgery;

namespace MedGuard.Server.Api;

public sealed record PasswordChangeRequest(string CurrentPassword, string NewPassword);

/// <summary>
/// The anti-forgery token and who is signed in; login, logout and passwords under /api (mapped inside the platform's API group, so anti-forgery and the problem
/// answers apply): the same one-step login as the page, a logout that revokes the session server-side, a user's own
/// password change, and an administrator's forced reset.
/// </summary>
internal static class SessionApi
{
    public static void MapSessionEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/csrf", (HttpContext http, IAntiforgery antiforgery) => Results.Ok(new { token = antiforgery.GetAndStoreTokens(http).RequestToken })).WithSummary("获取防跨站请求伪造令牌");
        api.MapGet("/me", (HttpContext http, MedGuardDbContext db) =>
            Results.Ok(new MeResponse(http.User.UserId(), http.User.Identity!.Name!, http.User.FindFirst(ClaimNames.DisplayName)?.Value ?? "", http.User.Role().ToString()!, db.Scope.ToString())));
        api.MapPost("/session", LoginAsync).AllowAnonymous().WithSummary("登录（用户名、口令、动态口令一步提交）");
        api.MapDelete("/session", async (HttpContext http) =>
        {
            await http.SignOutSessionAsync();
            return Results.NoContent();
        }).WithSummary("退出（会话在服务器端作废）");
        api.MapPost("/me/password", async (PasswordChangeRequest body, HttpContext http, AccountService accounts) =>
        {
            var problems = await accounts.ChangePasswordAsync(http.User.UserId(), body.CurrentPassword, body.NewPassword,
                http.Connection.RemoteIpAddress?.ToString(), http.User.FindFirst(ClaimNames.Session)?.Value);
            return problems.Count == 0 ? Results.NoContent() : Results.Problem(string.Join("；", problems), statusCode: StatusCodes.Status400BadRequest);
        }).WithSummary("修改本人口令（复杂度与历史口令检查，结束其他会话）");
        api.MapPost("/users/{id:guid}/password-reset", async (Guid id, HttpContext http, AccountService accounts) =>
            await accounts.ForcePasswordResetAsync(id, new AuditEvent("password-reset-forced").From(http)) is null
                ? throw new KeyNotFoundException()
                : Results.NoContent())
            .RequireAuthorization(Policies.Admin).WithSummary("强制重置口令（结束该用户全部会话，下次登录须设新口令）");
    }

    private static async Task<IResult> LoginAsync(LoginRequest body, HttpContext http, AccountService accounts)
    {
        var (outcome, user) = await accounts.LoginAsync(body.UserName, body.Password, body.Code, http.Connection.RemoteIpAddress?.ToString());
        switch (outcome)
        {
            case LoginOutcome.SignedIn:
                await http.SignInSessionAsync(user!);
                return Results.Ok(new { user!.UserName, Role = user.Role.ToString() });
            case LoginOutcome.NeedsEnrolment:
                return Results.Problem("须先在网页上绑定动态口令", statusCode: StatusCodes.Status403Forbidden);
            case LoginOutcome.MustChangePassword:
                return Results.Problem("管理员已要求重置口令：须先在网页上设置新口令", statusCode: StatusCodes.Status403Forbidden);
            default:
                return Results.Problem(LoginModel.FailureMessage, statusCode: StatusCodes.Status401Unauthorized);
        }
    }
}
