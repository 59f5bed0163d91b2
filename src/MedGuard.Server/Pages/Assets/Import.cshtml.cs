using MedGuard.Server.Inventory;
using MedGuard.Storage;
using MedGuard.Storage.Inventory;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace MedGuard.Server.Pages.Assets;

/// <summary>
/// Bulk registration from a sheet (.csv / .xlsx) of assets with their authorizations: every row or none. A sheet with
/// bad rows is answered on the same page with every bad row and why (nothing written); a good one redirects (PRG).
/// </summary>
[RequestSizeLimit(AssetSheet.MaxBytes + 1024 * 1024)]
[RequestFormLimits(MultipartBodyLengthLimit = AssetSheet.MaxBytes + 1024 * 1024)]
public sealed class ImportModel(MedGuardDbContext db, AssetService assets) : PageModel
{
    public IReadOnlyList<AssetSheetError> Errors { get; private set; } = [];

    public string? FileName { get; private set; }

    public IActionResult OnGet() => AssetService.CanRegister(User) ? Page() : Forbid();

    public async Task<IActionResult> OnPostAsync(IFormFile? sheet)
    {
        if (!AssetService.CanRegister(User))
        {
            return Forbid();
        }

        FileName = sheet?.FileName;
        try
        {
            var result = await assets.ImportSheetAsync(db, sheet);
            if (result.Written)
            {
                TempData["Flash"] = $"已从表格登记 {result.Added.Count} 个资产及其授权";
                return Redirect("/assets");
            }

            Errors = result.Errors;
        }
        catch (AssetRegistrationException ex)
        {
            Errors = [new AssetSheetError(0, ex.Message)];
        }

        return Page();
    }
}
