using MedGuard.Reports.Document;
using MedGuard.Storage;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Server.Pages.Reports;

/// <summary>
/// 已生成的文档: every document the user's scope shows (the tenant filter decides: a hospital its own, a district its
/// district, an agency its assigned systems), newest first, each downloadable again as it was produced and signed.
/// </summary>
public sealed class IndexModel(MedGuardDbContext db) : PagedListPageModel
{
    public IReadOnlyList<Row> Rows { get; private set; } = [];

    public async Task OnGetAsync()
    {
        // The file's bytes stay in the database: the list needs only what describes it.
        var page = await PageOfAsync(db.GeneratedReports.AsNoTracking(), q => q.OrderByDescending(r => r.GeneratedAt));
        Rows = await page.Select(r => new Row(r.Id, r.Kind, r.Title, r.Format, r.FileName, r.ContentHash, r.SizeBytes, r.Signed, r.Signer, r.GeneratedAt, r.GeneratedBy)).ToListAsync();
    }

    public sealed record Row(Guid Id, string Kind, string Title, string Format, string FileName, string ContentHash, long SizeBytes, bool Signed, string? Signer, DateTime GeneratedAt, string GeneratedBy)
    {
        // Kind is the slug ReportProduction stored (grading, filing…): the one parser names it.
        public string KindName => ReportKindNames.Parse(Kind).ToChinese();

        public string Size => SizeBytes >= 1024 * 1024 ? $"{SizeBytes / (1024.0 * 1024):0.0} MB" : $"{Math.Max(1, SizeBytes / 1024)} KB";
    }
}
