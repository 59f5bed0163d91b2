using MedGuard.Domain.Inventory;
using MedGuard.Server.Inventory;
using MedGuard.Storage;
using MedGuard.Storage.Inventory;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Server.Pages.Assets;

/// <summary>
/// Registers an asset with its first authorization (授权) and the letter that grants it (uploaded, SHA-256 kept): both
/// checked by <see cref="AssetRegistry"/> and saved together, or neither.
/// </summary>
[RequestSizeLimit(AssetAuthorization.MaxLetterBytes + 1024 * 1024)]
[RequestFormLimits(MultipartBodyLengthLimit = AssetAuthorization.MaxLetterBytes + 1024 * 1024)]
public sealed class NewModel(MedGuardDbContext db, AssetService assets) : PageModel
{
    public sealed record SystemOption(Guid Id, Guid InstitutionId, string Name);

    [BindProperty(SupportsGet = true)]
    public Guid? Institution { get; set; }

    /// <summary>A candidate from an app being accepted (issue 18 §5): the form registers it, with its authorization.</summary>
    [BindProperty(SupportsGet = true)]
    public Guid? Candidate { get; set; }

    public AssetCandidate? CandidateRecord { get; private set; }

    [BindProperty]
    public AssetKind Kind { get; set; } = AssetKind.Ip;

    [BindProperty]
    public string? Value { get; set; }

    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public Guid? SystemId { get; set; }

    [BindProperty]
    public string? AppId { get; set; }

    [BindProperty]
    public string? EntryUrl { get; set; }

    [BindProperty]
    public string? AuthorizedBy { get; set; }

    [BindProperty]
    public DateOnly? ValidFrom { get; set; }

    [BindProperty]
    public DateOnly? ValidUntil { get; set; }

    [BindProperty]
    public List<string> Detectors { get; set; } = [];

    [BindProperty]
    public string? Window { get; set; }

    [BindProperty]
    public double? Rate { get; set; }

    public IReadOnlyList<(Guid Id, string Name)> Institutions { get; private set; } = [];

    public IReadOnlyList<SystemOption> Systems { get; private set; } = [];

    public DateOnly Today => assets.Today;

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (!AssetService.CanRegister(User))
        {
            return Forbid();
        }

        if (Candidate is { } candidateId)
        {
            // Another tenant's candidate, or one decided already, is not offered.
            CandidateRecord = await db.AssetCandidates.AsNoTracking().FirstOrDefaultAsync(c => c.Id == candidateId && c.Status == AssetCandidateStatus.Candidate);
            if (CandidateRecord is null)
            {
                return NotFound();
            }

            Institution = CandidateRecord.InstitutionId;
            Kind = AssetKind.Origin;
            Value ??= CandidateRecord.Origin;
        }

        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(IFormFile? letter)
    {
        if (!AssetService.CanRegister(User))
        {
            return Forbid();
        }

        if (Candidate is { } candidateId)
        {
            return await AcceptCandidateAsync(candidateId, letter);
        }

        try
        {
            if (Institution is not { } institution || !await db.Institutions.AnyAsync(i => i.Id == institution))
            {
                throw new AssetRegistrationException("请选择医疗机构");
            }

            var (fileName, bytes) = await AssetService.ReadLetterAsync(letter);
            var (asset, _) = await assets.Registry.RegisterAsync(db, new NewAsset
            {
                InstitutionId = institution,
                Kind = Kind,
                Value = Value ?? "",
                Name = Name,
                SystemId = SystemId,
                AppId = AppId,
                EntryUrl = EntryUrl,
            }, new NewAuthorization
            {
                AssetId = Guid.Empty,
                AuthorizedBy = AuthorizedBy ?? "",
                ValidFrom = ValidFrom ?? assets.Today,
                ValidUntil = ValidUntil ?? throw new AssetRegistrationException("请填写授权截止日期"),
                Detectors = Detectors,
                AllowedWindow = string.IsNullOrWhiteSpace(Window) ? null : Window.Trim(),
                MaxRatePerHost = Rate,
                LetterFileName = fileName,
                Letter = bytes,
            });
            TempData["Flash"] = $"已登记{asset.Kind.ToChinese()}资产 {asset.Value} 及其授权";
            return Redirect($"/assets/{asset.Id}");
        }
        catch (Exception ex) when (ex is AssetRegistrationException or AssetValueException)
        {
            Error = ex.Message;
            await LoadAsync();
            return Page();
        }
    }

    /// <summary>The candidate becomes a website asset with the authorization the form gives, both written or neither.</summary>
    private async Task<IActionResult> AcceptCandidateAsync(Guid candidateId, IFormFile? letter)
    {
        try
        {
            CandidateRecord = await assets.CandidateAsync(db, candidateId);
            Institution = CandidateRecord.InstitutionId;
            Kind = AssetKind.Origin;
            var (fileName, bytes) = await AssetService.ReadLetterAsync(letter);
            var (_, asset, _) = await assets.AcceptCandidateAsync(db, User, candidateId, new CandidateAcceptance
            {
                DecidedBy = "",
                Value = Value,
                Name = Name,
                SystemId = SystemId,
                Authorization = new NewAuthorization
                {
                    AssetId = Guid.Empty,
                    AuthorizedBy = AuthorizedBy ?? "",
                    ValidFrom = ValidFrom ?? assets.Today,
                    ValidUntil = ValidUntil ?? throw new AssetRegistrationException("请填写授权截止日期"),
                    Detectors = Detectors,
                    AllowedWindow = string.IsNullOrWhiteSpace(Window) ? null : Window.Trim(),
                    MaxRatePerHost = Rate,
                    LetterFileName = fileName,
                    Letter = bytes,
                },
            });
            TempData["Flash"] = $"已将候选资产登记为网站资产 {asset.Value} 并登记授权";
            return Redirect($"/assets/{asset.Id}");
        }
        catch (KeyNotFoundException)
        {
            return NotFound();
        }
        catch (Exception ex) when (ex is AssetRegistrationException or AssetValueException)
        {
            Error = ex.Message;
            await LoadAsync();
            return Page();
        }
    }

    private async Task LoadAsync()
    {
        Institutions = [.. (await db.Institutions.AsNoTracking().OrderBy(i => i.Name).Select(i => new { i.Id, i.Name }).Take(500).ToListAsync()).Select(i => (i.Id, i.Name))];
        var systems = db.Systems.AsNoTracking();
        if (Institution is { } id)
        {
            systems = systems.Where(s => s.InstitutionId == id);
        }

        Systems = await systems.OrderBy(s => s.Name).Take(500).Select(s => new SystemOption(s.Id, s.InstitutionId, s.Name)).ToListAsync();
    }
}
