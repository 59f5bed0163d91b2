using MedGuard.Server.Accounts;
using MedGuard.Server.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace MedGuard.Server.Pages.Account;

/// <summary>
/// 修改口令: a signed-in user changes their own password, or a user whose reset an administrator forced sets a new
/// one before the session starts. The policy (<see cref="MedGuard.Security.Passwords.PasswordPolicy"/>) and the
/// history of the last passwords apply either way.
/// </summary>
[Authorize(AuthenticationSchemes = AuthSchemes.Session + "," + AuthSchemes.Pending)]
public sealed class PasswordModel(AccountService accounts) : PageModel
{
    [BindProperty]
    public string CurrentPassword { get; set; } = "";

    [BindProperty]
    public string NewPassword { get; set; } = "";

    [BindProperty]
    public string ConfirmPassword { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public List<string> Errors { get; } = [];

    public string? Message { get; private set; }

    /// <summary>True when the user came from a login with a forced reset (no session yet).</summary>
    public bool Forced => User.FindFirst(ClaimNames.Pending)?.Value == ClaimNames.PendingPassword;

    private bool Allowed => Forced || User.FindFirst(ClaimNames.Session) is not null;

    public IActionResult OnGet()
    {
        Message = TempData["message"] as string;
        return Allowed ? Page() : Redirect("/account/login");
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!Allowed)
        {
            return Redirect("/account/login");
        }

        if (!string.Equals(NewPassword, ConfirmPassword, StringComparison.Ordinal))
        {
            Errors.Add("两次输入的新口令不一致");
            return Page();
        }

        var session = User.FindFirst(ClaimNames.Session)?.Value;
        Errors.AddRange(await accounts.ChangePasswordAsync(User.UserId(), CurrentPassword, NewPassword, HttpContext.Connection.RemoteIpAddress?.ToString(), session));
        if (Errors.Count > 0)
        {
            return Page();
        }

        if (Forced)
        {
            var user = await accounts.FindAsync(User.UserId());
            if (user is null)
            {
                return Redirect("/account/login");
            }

            await HttpContext.SignInSessionAsync(user);
            return LocalRedirect(LoginModel.SafeReturn(ReturnUrl));
        }

        TempData["message"] = "口令已修改，您在其他地方的登录已结束。";
        return RedirectToPage();
    }
}
