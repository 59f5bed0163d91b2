using MedGuard.Domain.Assessment;
using MedGuard.Domain.Findings;
using MedGuard.Domain.Systems;
using MedGuard.Server.Auditing;
using MedGuard.Server.Findings;
using MedGuard.Server.Hosting;
using MedGuard.Server.Lifecycle;
using MedGuard.Standards.Assessment;
using MedGuard.Standards.Assessment.Workbook;
using MedGuard.Standards.Catalog;
using MedGuard.Storage;
using MedGuard.Storage.Findings;
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

    /// <summary>The agency edits its own 等级测评, the hospital its 自查 — each reads the other's (storage enforces it too).</summary>
    public bool CanEdit => User.CanAssess() && LifecycleService.CanWrite(db.Scope, Assessment) && Assessment.Conclusion is null;

    /// <summary>Why the results are read-only for this user (null when they are editable or concluded).</summary>
    public string? ReadOnlyReason => Assessment.Conclusion is not null || CanEdit || !User.CanAssess() ? null
        : Assessment.Kind == AssessmentKind.SelfInspection ? "这是医疗机构的自查，测评机构只能查看。" : "等级测评结果由测评机构录入，医疗机构只能查看。";

    /// <summary>The items grouped by 安全类 (security category), in catalog order.</summary>
    public IReadOnlyList<IGrouping<string, (RequirementAtLevel Item, int Index)>> Categories { get; private set; } = [];

    public string? Error { get; private set; }

    /// <summary>Detection findings proposed for this assessment's items (issue 12 §5): the assessor accepts or rejects each.</summary>
    public IReadOnlyList<FindingProposalGroup> Proposals { get; private set; } = [];

    /// <summary>The assessor who may write this assessment decides the proposals (never silently: one by one).</summary>
    public bool CanDecideProposals => User.CanAssess() && LifecycleService.CanWrite(db.Scope, Assessment);

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        if (!await LoadAsync(id))
        {
            return NotFound();
        }

        Error = TempData["Error"] as string;
        Proposals = await FindingService.ProposalsAsync(db, id, CanDecideProposals);
        if (Assessment.Conclusion is not null)
        {
            Conclusion = LifecycleService.Evaluate(Assessment, out _);
        }

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
            var conclusion = await lifecycle.ConcludeAsync(db, id);
            TempData["Flash"] = $"已形成测评结论：{conclusion.Conclusion}，待整改 {conclusion.Rectification.Count} 项";
        }
        catch (LifecycleException ex)
        {
            TempData["Error"] = ex.Message;
        }

        return Redirect($"/assessments/{id}");
    }

    /// <summary>采纳 / 不采纳 one proposal; the item's result is still entered by the assessor, explicitly.</summary>
    public async Task<IActionResult> OnPostProposalAsync(Guid id, Guid proposalId, bool accept, string? note)
    {
        if (!await LoadAsync(id, recordRead: false))
        {
            return NotFound();
        }

        if (!CanDecideProposals)
        {
            return Forbid();
        }

        try
        {
            var proposal = await FindingProposals.DecideAsync(db, proposalId, accept ? ProposalDecision.Accepted : ProposalDecision.Rejected, User.DisplayName(), DateTimeOffset.UtcNow, note);
            TempData["Flash"] = $"已{(accept ? "采纳" : "不采纳")}对 {proposal.ItemCode} 的检测发现建议";
        }
        catch (KeyNotFoundException)
        {
            return NotFound();
        }

        return Redirect($"/assessments/{id}#finding-proposals");
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
            TempData["Flash"] = await action();
        }
        catch (LifecycleException ex)
        {
            TempData["Error"] = ex.Message;
        }

        return Redirect($"/assessments/{id}");
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
        Categories = Items.Select((item, index) => (item, index)).GroupBy(x => x.item.Section == CatalogSection.General ? x.item.Category.Name : $"{x.item.Category.Name}（{x.item.Section.ChineseName()}扩展要求）").ToList();
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
