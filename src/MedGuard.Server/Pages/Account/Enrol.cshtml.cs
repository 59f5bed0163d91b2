using MedGuard.Security.Totp;
using MedGuard.Server.Accounts;
using MedGuard.Server.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace MedGuard.Server.Pages.Account;

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

    public async Task OnGetAsync()
    {
        Secret = await accounts.BeginEnrolmentAsync(User.UserId());
        QrCode = TotpAuthenticator.QrCodeDataUri(Secret, User.Identity?.Name ?? "");
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var (ok, user) = await accounts.CompleteEnrolmentAsync(User.UserId(), Code, HttpContext.Connection.RemoteIpAddress?.ToString());
        if (ok)
        {
            await HttpContext.SignOutAsync(AuthSchemes.Pending);
            await HttpContext.SignInAsync(AuthSchemes.Session, ClaimNames.Principal(user!, AuthSchemes.Session));
            return LocalRedirect(LoginModel.SafeReturn(ReturnUrl));
        }

        Error = "动态口令错误，请重新扫码后输入。";
        await OnGetAsync();
        return Page();
    }
}
