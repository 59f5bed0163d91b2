using MedGuard.Domain.Assessment;
using MedGuard.Domain.Findings;
using MedGuard.Domain.Systems;
using MedGuard.Server.Auditing;
using MedGuard.Server.Hosting;
using MedGuard.Server.Lifecycle;
using MedGuard.Standards.Assessment;
using MedGuard.Standards.Assessment.Workbook;
using MedGuard.Standards.Catalog;
using MedGuard.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace MedGuard.Server.Pages.Assessments;

[RequestFormLimits(ValueCountLimit = 10_000, MultipartBodyLengthLimit = 20 * 1024 * 1024)]
[RequestSizeLimit(20 * 1024 * 1024)]
public sealed class DetailModel(MedGuardDbContext db, LifecycleService lifecycle, SensitiveFields sensitive) : PageModel
{
    public sealed record EnteredResult(string Result, string? Risk, bool MajorHazard, string? Evidence);

    public AssessmentRecord Assessment { get; private set; } = null!;

    public ProtectedSystem System { get; private set; } = null!;

    public IReadOnlyList<RequirementAtLevel> Items { get; private set; } = [];

    public Dictionary<string, EnteredResult> Results { get; private set; } = new(StringComparer.OrdinalIgnoreCase);

    public int Entered => Results.Count;

    public AssessmentConclusion? Conclusion { get; private set; }

    public bool CanEdit => User.CanAssess() && Assessment.Conclusion is null;

    public string? Message { get; private set; }

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        if (!await LoadAsync(id))
        {
            return NotFound();
        }

        Message = TempData["message"] as string;
        return Page();
    }

    public async Task<IActionResult> OnPostSaveAsync(Guid id, [FromForm(Name = "Items")] List<ItemInput> items) =>
        await EditAsync(id, async () => $"已保存 {await lifecycle.SaveItemsAsync(db, id, items ?? [])} 项测评结果");

    public async Task<IActionResult> OnPostFillConformingAsync(Guid id) => await EditAsync(id, async () =>
    {
        var entered = Assessment.Results.Select(r => r.ItemCode).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var fill = Items.Where(i => !entered.Contains(i.Code)).Select(i => new ItemInput(i.Code, "符合")).ToList();
        return $"已将 {await lifecycle.SaveItemsAsync(db, id, fill)} 项设为符合";
    });

    public async Task<IActionResult> OnPostImportAsync(Guid id, IFormFile? workbook) => await EditAsync(id, async () =>
    {
        if (workbook is null || workbook.Length == 0)
        {
            throw new LifecycleException("请选择测评工作簿（.xlsx）");
        }

        var path = Path.Combine(Path.GetTempPath(), $"medguard-import-{Guid.NewGuid():N}.xlsx");
        try
        {
            await using (var file = global::System.IO.File.Create(path))
            {
                await workbook.CopyToAsync(file);
            }

            FilledWorkbook filled;
            try
            {
                filled = AssessmentWorkbookReader.Read(path, LifecycleService.Catalog);
            }
            catch (Exception ex) when (ex is FormatException or InvalidDataException or IOException)
            {
                // The server's temporary path means nothing to the user and tells an attacker about the host.
                var shown = string.IsNullOrWhiteSpace(workbook.FileName) ? "上传的工作簿" : Path.GetFileName(workbook.FileName);
                throw new LifecycleException($"工作簿无法导入：{ex.Message.Replace(path, shown, StringComparison.Ordinal).Replace(Path.GetTempPath(), "", StringComparison.Ordinal)}");
            }

            if (filled.Level != Assessment.Level)
            {
                throw new LifecycleException($"工作簿为第{filled.Level}级，本次测评为第{Assessment.Level}级");
            }

            var inputs = filled.Items.Select(i => new ItemInput(i.Item.Code, i.Result.ToChinese(), i.Evidence, i.Risk?.ToChinese(), i.MajorHazard)).ToList();
            return $"已从工作簿导入 {await lifecycle.SaveItemsAsync(db, id, inputs)} 项测评结果";
        }
        finally
        {
            global::System.IO.File.Delete(path);
        }
    });

    public async Task<IActionResult> OnPostConcludeAsync(Guid id)
    {
        if (!await LoadAsync(id, recordRead: false))
        {
            return NotFound();
        }

        if (!CanEdit)
        {
            return Forbid();
        }

        try
        {
            Conclusion = await lifecycle.ConcludeAsync(db, id);
        }
        catch (LifecycleException ex)
        {
            Error = ex.Message;
        }

        await LoadAsync(id, recordRead: false);
        return Page();
    }

    private async Task<IActionResult> EditAsync(Guid id, Func<Task<string>> action)
    {
        if (!await LoadAsync(id, recordRead: false))
        {
            return NotFound();
        }

        if (!CanEdit)
        {
            return Forbid();
        }

        try
        {
            TempData["message"] = await action();
            return Redirect($"/assessments/{id}");
        }
        catch (LifecycleException ex)
        {
            Error = ex.Message;
            return Page();
        }
    }

    private async Task<bool> LoadAsync(Guid id, bool recordRead = true)
    {
        try
        {
            (Assessment, System) = await lifecycle.LoadAssessmentAsync(db, id);
        }
        catch (KeyNotFoundException)
        {
            return false;
        }

        Items = LifecycleService.ItemsOf(Assessment);
        var hasEvidence = Assessment.Results.Any(r => r.Evidence is not null);
        Results = Assessment.Results.ToDictionary(
            r => r.ItemCode,
            r => new EnteredResult(r.Result.ToChinese(), r.Risk, r.MajorHazard, sensitive.Open(r.Evidence, SensitiveFields.ItemEvidence)),
            StringComparer.OrdinalIgnoreCase);
        if (recordRead && hasEvidence)
        {
            await sensitive.RecordReadAsync(HttpContext, "AssessmentRecord", id.ToString(), "查看测评证据");
        }

        return true;
    }
}
