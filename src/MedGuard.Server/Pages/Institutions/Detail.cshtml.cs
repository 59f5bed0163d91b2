using MedGuard.Domain.Institutions;
using MedGuard.Domain.Systems;
using MedGuard.Server.Auditing;
using MedGuard.Server.Hosting;
using MedGuard.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Server.Pages.Institutions;

public sealed class DetailModel(MedGuardDbContext db, SensitiveFields sensitive) : PageModel
{
    public Institution Institution { get; private set; } = null!;

    public Dictionary<Guid, string?>? RevealedPhones { get; private set; }

    public bool CanEdit => User.CanEditInventory();

    public string? Message { get; private set; }

    [BindProperty]
    public InstitutionSurvey Survey { get; set; } = new();

    public async Task<IActionResult> OnGetAsync(Guid id) => await LoadAsync(id) ? Page() : NotFound();

    public async Task<IActionResult> OnPostSurveyAsync(Guid id)
    {
        if (!CanEdit)
        {
            return Forbid();
        }

        if (!await LoadAsync(id))
        {
            return NotFound();
        }

        if (Survey.SecurityStaffCount is < 0 || Survey.PersonalDataRecords is < 0)
        {
            Message = "人数和记录量不能为负数";
            return Page();
        }

        var target = Institution.Survey;
        target.SecurityStaffCount = Survey.SecurityStaffCount;
        target.PersonalDataRecords = Survey.PersonalDataRecords;
        target.UsesCryptoDevices = Survey.UsesCryptoDevices;
        target.UsesCryptoAlgorithms = Survey.UsesCryptoAlgorithms;
        target.UsesDomesticCryptoProducts = Survey.UsesDomesticCryptoProducts;
        target.UsesDomesticOperatingSystem = Survey.UsesDomesticOperatingSystem;
        target.UsesDomesticDatabase = Survey.UsesDomesticDatabase;
        target.UsesDomesticMiddleware = Survey.UsesDomesticMiddleware;
        target.LacksProfessionals = Survey.LacksProfessionals;
        target.SurveyedOn = DateOnly.FromDateTime(DateTime.Today);
        await db.SaveChangesAsync();
        Message = "调查信息已保存";
        return Page();
    }

    public async Task<IActionResult> OnPostAddSystemAsync(Guid id, string newName, GradingObjectType newType, BusinessKind newBusiness)
    {
        if (!CanEdit)
        {
            return Forbid();
        }

        if (!await LoadAsync(id))
        {
            return NotFound();
        }

        if (string.IsNullOrWhiteSpace(newName) || newName.Length > 200)
        {
            Message = "请填写定级对象名称（200 字以内）";
            return Page();
        }

        var system = new ProtectedSystem
        {
            InstitutionId = Institution.Id,
            Name = newName.Trim(),
            Type = newType,
            Business = newBusiness,
            IsCore = newBusiness is BusinessKind.His or BusinessKind.Emr or BusinessKind.Lis or BusinessKind.Pacs or BusinessKind.Platform,
        };
        db.Systems.Add(system);
        await db.SaveChangesAsync();
        return Redirect($"/systems/{system.Id}");
    }

    public async Task<IActionResult> OnPostRevealAsync(Guid id)
    {
        if (!await LoadAsync(id))
        {
            return NotFound();
        }

        RevealedPhones = Institution.Contacts.ToDictionary(c => c.Id, c => sensitive.Open(c.Phone, SensitiveFields.ContactPhone));
        await sensitive.RecordReadAsync(HttpContext, "Institution", id.ToString(), "查看联系人电话");
        return Page();
    }

    private async Task<bool> LoadAsync(Guid id)
    {
        var institution = await db.Institutions
            .Include(i => i.Contacts)
            .Include(i => i.Systems).ThenInclude(s => s.Grading)
            .Include(i => i.Systems).ThenInclude(s => s.Filing)
            .Include(i => i.Systems).ThenInclude(s => s.Assessments)
            .AsSplitQuery()
            .FirstOrDefaultAsync(i => i.Id == id);
        if (institution is null)
        {
            return false;
        }

        Institution = institution;
        return true;
    }
}
