using MedGuard.Domain.Inventory;
using MedGuard.Server.Inventory;
using MedGuard.Storage;
using MedGuard.Storage.Inventory;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace MedGuard.Server.Pages.Assets;

/// <summary>
/// One asset: its authorizations (letter hash, validity, detectors, window, rate, state), a new authorization with its
/// letter, revocation, and the asset's findings. Every POST redirects back with its outcome.
/// </summary>
[RequestSizeLimit(AssetAuthorization.MaxLetterBytes + 1024 * 1024)]
[RequestFormLimits(MultipartBodyLengthLimit = AssetAuthorization.MaxLetterBytes + 1024 * 1024)]
public sealed class DetailModel(MedGuardDbContext db, AssetService assets) : PageModel
{
    public AssetDetail Detail { get; private set; } = null!;

    public bool CanRegister => AssetService.CanRegister(User);

    public MedGuard.Server.Pages.Findings.FindingCountsView FindingCounts => new(Detail.Findings, $"asset={Detail.Asset.Id}", "asset-findings");

    public DateOnly Today => assets.Today;

    public string? Error { get; private set; }

    public string StateOf(AssetAuthorization authorization) => assets.StateOf(authorization);

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        try
        {
            Detail = await assets.DetailAsync(db, id);
        }
        catch (KeyNotFoundException)
        {
            return NotFound();
        }

        Error = TempData["Error"] as string;
        return Page();
    }

    /// <summary>A further authorization (a renewed letter, another detector).</summary>
    public async Task<IActionResult> OnPostAuthorizeAsync(Guid id, IFormFile? letter, string? authorizedBy, DateOnly? validFrom, DateOnly? validUntil, List<string>? detectors, string? window, double? rate)
    {
        if (!CanRegister)
        {
            return Forbid();
        }

        try
        {
            Detail = await assets.DetailAsync(db, id);
            var (fileName, bytes) = await AssetService.ReadLetterAsync(letter);
            await assets.AuthorizeAsync(db, new NewAuthorization
            {
                AssetId = id,
                AuthorizedBy = authorizedBy ?? "",
                ValidFrom = validFrom ?? assets.Today,
                ValidUntil = validUntil ?? throw new AssetRegistrationException("请填写授权截止日期"),
                Detectors = detectors ?? [],
                AllowedWindow = string.IsNullOrWhiteSpace(window) ? null : window.Trim(),
                MaxRatePerHost = rate,
                LetterFileName = fileName,
                Letter = bytes,
            });
            return Back(id, flash: "已登记授权");
        }
        catch (KeyNotFoundException)
        {
            return NotFound();
        }
        catch (AssetRegistrationException ex)
        {
            return Back(id, error: ex.Message);
        }
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid id, Guid authorizationId)
    {
        if (!CanRegister)
        {
            return Forbid();
        }

        try
        {
            await assets.RevokeAsync(db, id, authorizationId);
            return Back(id, flash: "已撤销授权：此后开始的检测运行不再被接受");
        }
        catch (KeyNotFoundException)
        {
            return NotFound();
        }
        catch (AssetRegistrationException ex)
        {
            return Back(id, error: ex.Message);
        }
    }

    private RedirectResult Back(Guid id, string? flash = null, string? error = null) => this.RedirectWithFlash($"/assets/{id}", flash, error);
}
