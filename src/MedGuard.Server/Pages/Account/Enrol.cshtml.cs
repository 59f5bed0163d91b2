using MedGuard.Security.Totp;
using MedGuard.Server.Accounts;
using MedGuard.Server.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace MedGuard.Server.Pages.Account;

/// <summary>First login of an account without a second factor: bind the authenticator app, then the session starts.</summary>
[Authorize(AuthenticationSchemes = AuthSchemes.Pending)]
public sealed class EnrolModel(AccountService accounts) : PageModel
{
    [BindProperty]
    public string Code { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string Secret { get; private set; } = "";

    public string QrCode { get; private set; } = "";

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (User.FindFirst(ClaimNames.Pending)?.Value != ClaimNames.PendingEnrol || await accounts.BeginEnrolmentAsync(User.UserId()) is not { } secret)
        {
            // Already enrolled (or not here to enrol): nothing to bind; log in with the code instead.
            await HttpContext.SignOutAsync(AuthSchemes.Pending);
            return Redirect("/account/login");
        }

        Secret = secret;
        QrCode = TotpAuthenticator.QrCodeDataUri(Secret, User.Identity?.Name ?? "");
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (User.FindFirst(ClaimNames.Pending)?.Value != ClaimNames.PendingEnrol)
        {
            return await OnGetAsync();
        }

        var (ok, user) = await accounts.CompleteEnrolmentAsync(User.UserId(), Code, HttpContext.Connection.RemoteIpAddress?.ToString());
        if (ok)
        {
            if (user!.MustChangePassword)
            {
                await HttpContext.SignInPendingAsync(user, ClaimNames.PendingPassword);
                return RedirectToPage("/Account/Password", new { ReturnUrl = LoginModel.SafeReturn(ReturnUrl) });
            }

            await HttpContext.SignInSessionAsync(user);
            return LocalRedirect(LoginModel.SafeReturn(ReturnUrl));
        }

        Error = "动态口令错误，请重新扫码后输入。";
        return await OnGetAsync(); // a fresh secret: scan again
    }
}
