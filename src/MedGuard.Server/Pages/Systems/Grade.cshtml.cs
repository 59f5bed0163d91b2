using MedGuard.Domain.Systems;
using MedGuard.Server.Hosting;
using MedGuard.Server.Lifecycle;
using MedGuard.Standards.Grading;
using MedGuard.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace MedGuard.Server.Pages.Systems;

public sealed class GradeModel(MedGuardDbContext db, LifecycleService lifecycle) : PageModel
{
    public ProtectedSystem System { get; private set; } = null!;

    [BindProperty]
    public GradingInput Input { get; set; } = new();

    public GradingResult? Preview { get; private set; }

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        if (!User.CanEditInventory())
        {
            return Forbid();
        }

        try
        {
            System = await lifecycle.LoadSystemAsync(db, id);
        }
        catch (KeyNotFoundException)
        {
            return NotFound();
        }

        Preview = Try(() => lifecycle.Preview(System, Input));
        return Page();
    }

    /// <summary>htmx: the live preview as the answers change.</summary>
    public async Task<IActionResult> OnPostPreviewAsync(Guid id)
    {
        if (!User.CanEditInventory())
        {
            return Forbid();
        }

        try
        {
            System = await lifecycle.LoadSystemAsync(db, id);
        }
        catch (KeyNotFoundException)
        {
            return NotFound();
        }

        try
        {
            return Partial("_GradePreview", lifecycle.Preview(System, Input));
        }
        catch (Exception ex) when (ex is GradingException or FormatException)
        {
            var message = global::System.Net.WebUtility.HtmlEncode(ex.Message);
            return Content($"<div class=\"alert alert-danger\">{message}</div>", "text/html; charset=utf-8");
        }
    }

    public async Task<IActionResult> OnPostAsync(Guid id)
    {
        if (!User.CanEditInventory())
        {
            return Forbid();
        }

        try
        {
            var result = await lifecycle.GradeAsync(db, id, Input);
            TempData["Flash"] = $"定级完成：第{result.Level}级（{result.Notation}）";
            return Redirect($"/systems/{id}");
        }
        catch (KeyNotFoundException)
        {
            return NotFound();
        }
        catch (LifecycleException ex)
        {
            System = await lifecycle.LoadSystemAsync(db, id);
            Error = ex.Message;
            return Page();
        }
    }

    private static GradingResult? Try(Func<GradingResult> grade)
    {
        try
        {
            return grade();
        }
        catch (Exception ex) when (ex is GradingException or FormatException)
        {
            return null;
        }
    }
}
