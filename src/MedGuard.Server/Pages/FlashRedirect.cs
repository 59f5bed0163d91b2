using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace MedGuard.Server.Pages;

/// <summary>Post-redirect-get with the outcome for the _Flash partial: TempData["Flash"] for success, ["Error"] for a refusal.</summary>
public static class FlashRedirect
{
    public static RedirectResult RedirectWithFlash(this PageModel page, string url, string? flash = null, string? error = null)
    {
        ArgumentNullException.ThrowIfNull(page);
        if (flash is not null)
        {
            page.TempData["Flash"] = flash;
        }

        if (error is not null)
        {
            page.TempData["Error"] = error;
        }

        return new RedirectResult(url);
    }
}
