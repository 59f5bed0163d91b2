using System.Net;
using System.Security.Cryptography;

namespace MedGuard.TestTargets.Booking;

/// <summary>
/// WeChat web authorization (网页授权) as the official account's H5 pages use it: the page sends the browser to
/// /wx/oauth2/authorize, "WeChat" returns it to redirect_uri with a code, and the page trades the code for the
/// service's token at /api/user/wxLogin. Here WeChat is simulated: the authorize page lets the tester pick one of the
/// test identities, whose login codes are fixed (the hospital hands TEST_PATIENT_A/B/C to testers) and reusable, so a
/// login recipe can refresh an expired token.
/// </summary>
internal static class WeChatOAuth
{
    public const string AppId = "wxTEST";

    public static void Map(WebApplication app, BookingStore store, BookingOptions options)
    {
        // With test_user the choice is made (a recorder or a test goes straight through); without it, the picker page.
        app.MapGet("/wx/oauth2/authorize", (HttpRequest request) =>
        {
            var appId = request.Query["appid"].ToString();
            var redirect = request.Query["redirect_uri"].ToString();
            var state = request.Query["state"].ToString();
            if (appId != AppId || !Uri.TryCreate(redirect, UriKind.Absolute, out var target) || target.Host != request.Host.Host)
            {
                return Results.Content(Page("授权失败", "<p class=\"err\">redirect_uri 参数错误（10003）</p>"), "text/html; charset=utf-8");
            }

            var chosen = request.Query["test_user"].ToString();
            if (chosen.Length > 0)
            {
                var separator = redirect.Contains('?', StringComparison.Ordinal) ? "&" : "?";
                return Results.Redirect(redirect + separator + "code=" + Uri.EscapeDataString(chosen) + "&state=" + Uri.EscapeDataString(state));
            }

            var links = string.Concat(store.Accounts.Where(a => a.IsTestIdentity).Select(a =>
                $"<li><a class=\"wx-user\" id=\"{a.LoginCode}\" href=\"/wx/oauth2/authorize?appid={AppId}&amp;redirect_uri={Uri.EscapeDataString(redirect)}&amp;response_type=code&amp;scope=snsapi_userinfo&amp;state={Uri.EscapeDataString(state)}&amp;test_user={a.LoginCode}\">{WebUtility.HtmlEncode(a.NickName)}</a></li>"));
            return Results.Content(
                Page("微信授权", $"<p>掌上医院 申请获得你的昵称、头像</p><p>选择测试身份（测试环境模拟微信客户端）：</p><ul>{links}</ul>"),
                "text/html; charset=utf-8");
        });

        app.MapPost("/api/user/wxLogin", async (HttpRequest request) =>
        {
            var body = await SpringRequest.ReadAsync(request).ConfigureAwait(false);
            var code = body.BodyString("code");
            var account = code is null ? null : store.Accounts.FirstOrDefault(a => a.LoginCode == code);
            if (account is null)
            {
                return SpringEnvelope.Fail(BookingCodes.OAuthFailed);
            }

            var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            store.AddSession(token, account.OpenId, options.Clock.GetUtcNow() + options.TokenLifetime);
            return SpringEnvelope.Ok(new { token, openId = account.OpenId, expiresIn = (long)options.TokenLifetime.TotalSeconds });
        });
    }

    /// <summary>The caller's openId from the `token` header, or null when missing or expired.</summary>
    public static string? Caller(HttpRequest request, BookingStore store, BookingOptions options)
    {
        var token = request.Headers["token"].ToString();
        return token.Length == 0 ? null : store.SessionOpenId(token, options.Clock.GetUtcNow());
    }

    private static string Page(string title, string body) => $"""
        <!DOCTYPE html>
        <html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>{title}</title></head>
        <body style="font-family:sans-serif;background:#ededed"><h3>{title}</h3>{body}</body></html>
        """;
}
