using MedGuard.Server.Accounts;
using MedGuard.Server.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace MedGuard.Server.Pages.Account;

[AllowAnonymous]
public sealed class LoginModel(AccountService accounts) : PageModel
{
    [BindProperty]
    public string UserName { get; set; } = "";

    [BindProperty]
    public string Password { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Error { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var (outcome, user) = await accounts.CheckPasswordAsync(UserName, Password, HttpContext.Connection.RemoteIpAddress?.ToString());
        switch (outcome)
        {
            case PasswordOutcome.SignedIn:
                await HttpContext.SignInAsync(AuthSchemes.Session, ClaimNames.Principal(user!, AuthSchemes.Session));
                return LocalRedirect(SafeReturn(ReturnUrl));
            case PasswordOutcome.NeedsCode:
            case PasswordOutcome.NeedsEnrolment:
                await HttpContext.SignInAsync(AuthSchemes.Pending, ClaimNames.Principal(user!, AuthSchemes.Pending));
                return RedirectToPage(outcome == PasswordOutcome.NeedsCode ? "/Account/Totp" : "/Account/Enrol", new { ReturnUrl });
            case PasswordOutcome.Locked:
                Error = "登录失败次数过多，账号已锁定，请 15 分钟后再试或联系管理员。";
                break;
            default:
                Error = "用户名或口令错误。";
                break;
        }

        Password = "";
        return Page();
    }

    internal static string SafeReturn(string? url) =>
        !string.IsNullOrEmpty(url) && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal) ? url : "/";
}
