using MedGuard.Server.Accounts;
using MedGuard.Server.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace MedGuard.Server.Pages.Account;

[Authorize(AuthenticationSchemes = AuthSchemes.Pending)]
public sealed class TotpModel(AccountService accounts) : PageModel
{
    [BindProperty]
    public string Code { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Error { get; private set; }

    public string UserName => User.Identity?.Name ?? "";

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var (ok, locked, user) = await accounts.CheckCodeAsync(User.UserId(), Code, HttpContext.Connection.RemoteIpAddress?.ToString());
        if (ok)
        {
            await HttpContext.SignOutAsync(AuthSchemes.Pending);
            await HttpContext.SignInAsync(AuthSchemes.Session, ClaimNames.Principal(user!, AuthSchemes.Session));
            return LocalRedirect(LoginModel.SafeReturn(ReturnUrl));
        }

        if (locked)
        {
            await HttpContext.SignOutAsync(AuthSchemes.Pending);
            Error = "错误次数过多，账号已锁定，请 15 分钟后重新登录。";
        }
        else
        {
            Error = "动态口令错误或已使用，请等待下一个口令后重试。";
        }

        Code = "";
        return Page();
    }
}
