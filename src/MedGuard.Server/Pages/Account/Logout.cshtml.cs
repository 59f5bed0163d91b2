using MedGuard.Server.Accounts;
using MedGuard.Server.Auditing;
using MedGuard.Server.Tenancy;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace MedGuard.Server.Pages.Account;

[AllowAnonymous]
public sealed class LogoutModel(AuditTrail audit) : PageModel
{
    public IActionResult OnGet() => Redirect("/");

    public async Task<IActionResult> OnPostAsync()
    {
        if (User.Identity?.IsAuthenticated == true)
        {
            await audit.RecordAsync(new AuditEvent("logout").From(HttpContext));
        }

        await HttpContext.SignOutAsync(AuthSchemes.Session);
        await HttpContext.SignOutAsync(AuthSchemes.Pending);
        return Redirect("/account/login");
    }
}
