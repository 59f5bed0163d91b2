using MedGuard.Domain.Detection;
using MedGuard.Server.Findings;
using MedGuard.Storage;
using MedGuard.Storage.Findings;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Server.Pages.Findings;

/// <summary>
/// Upload of detection runs (DetectionRun JSON, one or more files), optionally for one institution: each run is
/// imported in its own transaction by the same service as the API; the page after the redirect shows what each did
/// per institution, or why a run was refused (nothing of it written).
/// </summary>
public sealed class ImportModel(MedGuardDbContext db, FindingService findings) : PageModel
{
    private const string ReportKey = "ImportReport";

    public IReadOnlyList<(Guid Id, string Name)> Institutions { get; private set; } = [];

    public IReadOnlyList<string> Report { get; private set; } = [];

    public IReadOnlyList<string> Errors { get; private set; } = [];

    [BindProperty(SupportsGet = true)]
    public Guid? Institution { get; set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (!FindingService.CanImport(User))
        {
            return Forbid();
        }

        Institutions = [.. (await db.Institutions.AsNoTracking().OrderBy(i => i.Name).Select(i => new { i.Id, i.Name }).Take(500).ToListAsync()).Select(i => (i.Id, i.Name))];
        Report = (TempData[ReportKey] as string)?.Split('\n', StringSplitOptions.RemoveEmptyEntries) ?? [];
        Errors = (TempData["Error"] as string)?.Split('\n', StringSplitOptions.RemoveEmptyEntries) ?? [];
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(List<IFormFile>? files)
    {
        if (!FindingService.CanImport(User))
        {
            return Forbid();
        }

        var report = new List<string>();
        var errors = new List<string>();
        var runs = 0;
        if (files is null || files.Count == 0)
        {
            errors.Add("请选择检测运行 JSON 文件");
        }

        foreach (var file in files ?? [])
        {
            try
            {
                DetectionRun run;
                await using (var stream = file.OpenReadStream())
                {
                    run = await FindingService.ReadRunAsync(stream, HttpContext.RequestAborted);
                }

                var summary = await findings.ImportAsync(HttpContext, run, Institution);
                runs++;
                report.AddRange(summary.Institutions.Select(i => $"{file.FileName}（{FindingNames.Detector(summary.Detector)}）→ {i.Describe()}"));
            }
            catch (Exception ex) when (ex is DetectionRunFormatException or FindingImportException or KeyNotFoundException)
            {
                errors.Add($"{file.FileName}：{(ex is KeyNotFoundException ? "所选机构不存在或不在您的权限范围内" : ex.Message)}（该文件未导入任何数据）");
            }
        }

        if (runs > 0)
        {
            TempData["Flash"] = $"已导入 {runs} 个检测运行";
            TempData[ReportKey] = string.Join('\n', report);
        }

        if (errors.Count > 0)
        {
            TempData["Error"] = string.Join('\n', errors);
        }

        return Redirect(Institution is { } id ? $"/findings/import?institution={id}" : "/findings/import");
    }
}
