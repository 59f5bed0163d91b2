using MedGuard.Server.Accounts;
using MedGuard.Server.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace MedGuard.Server.Pages.Account;

/// <summary>One step: name, password and 动态口令 together, so a failure never tells which of them was wrong.</summary>
[AllowAnonymous]
public sealed class LoginModel(AccountService accounts) : PageModel
{
    /// <summary>The one answer to every failed login: unknown name, wrong password or code, locked or disabled.</summary>
    public const string FailureMessage = "登录失败：用户名、口令或动态口令错误，或账号已被锁定、停用。";

    [BindProperty]
    public string UserName { get; set; } = "";

    [BindProperty]
    public string Password { get; set; } = "";

    [BindProperty]
    public string? Code { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Error { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var (outcome, user) = await accounts.LoginAsync(UserName, Password, Code, HttpContext.Connection.RemoteIpAddress?.ToString());
        switch (outcome)
        {
            case LoginOutcome.SignedIn:
                await HttpContext.SignInSessionAsync(user!);
                return LocalRedirect(SafeReturn(ReturnUrl));
            case LoginOutcome.NeedsEnrolment:
                await HttpContext.SignInPendingAsync(user!, ClaimNames.PendingEnrol);
                return RedirectToPage("/Account/Enrol", new { ReturnUrl = SafeReturn(ReturnUrl) });
            case LoginOutcome.MustChangePassword:
                await HttpContext.SignInPendingAsync(user!, ClaimNames.PendingPassword);
                return RedirectToPage("/Account/Password", new { ReturnUrl = SafeReturn(ReturnUrl) });
            default:
                Error = FailureMessage;
                Password = "";
                Code = "";
                return Page();
        }
    }

    /// <summary>A local path to go back to after login, else "/": never another host, never a control character
    /// (a tab or newline in <c>/\t/evil</c> makes browsers read it as <c>//evil</c>).</summary>
    internal static string SafeReturn(string? url) =>
        !string.IsNullOrEmpty(url) && url.Length <= 2048 && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal)
        && !url.StartsWith("/\\", StringComparison.Ordinal) && !url.Any(c => char.IsControl(c) || char.IsWhiteSpace(c))
            ? url
            : "/";
}
