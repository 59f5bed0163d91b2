using MedGuard.Domain.Assessment;
using MedGuard.Domain.Systems;
using MedGuard.Server.Hosting;
using MedGuard.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Server.Pages.Systems;

public sealed class IndexModel(MedGuardDbContext db) : PagedListPageModel
{
    public sealed record Row(Guid Id, string Name, string Institution, BusinessKind Business, int? Level, bool Filed, string? Certificate, string? LastAssessment);

    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? State { get; set; }

    public IReadOnlyList<Row> Rows { get; private set; } = [];

    public bool CanCreate => User.CanEditInventory();

    public async Task OnGetAsync()
    {
        var query = db.Systems.AsQueryable();
        if (!string.IsNullOrWhiteSpace(Q))
        {
            var q = Q.Trim();
            query = query.Where(s => s.Name.Contains(q) || s.Institution!.Name.Contains(q));
        }

        var today = db.Today;
        query = State switch
        {
            "ungraded" => query.Where(s => s.Grading == null),
            // The regulator's to-do list: asked for 核准 (ApprovalState.Requested), not yet decided.
            "approval" => query.Where(s => s.Grading != null && s.Grading.ApprovalRequestedOn != null && !s.Grading.SupervisorApproved && s.Grading.ApprovalRefusalReason == null),
            // 已备案 needs the certificate (FilingRecord.IsCertified); a merely submitted filing is still "未备案" here.
            "unfiled" => query.Where(s => s.Grading != null && (s.Filing == null || s.Filing.CertificateNumber == null || s.Filing.CertificateNumber == "" || s.Filing.CertificateIssuedOn == null)),
            "filed" => query.Where(s => s.Filing != null && s.Filing.CertificateNumber != null && s.Filing.CertificateNumber != "" && s.Filing.CertificateIssuedOn != null),
            // As AssessmentRecord.CountsAsAssessment: a concluded 等级测评 dated by today (a 自查 is not one).
            "assessed" => query.Where(s => s.Assessments.Any(a => a.Kind == AssessmentKind.LevelAssessment && a.Conclusion != null && a.AssessedOn <= today)),
            _ => query,
        };
        var page = await PageOfAsync(query, q => q.OrderBy(s => s.Institution!.Name).ThenBy(s => s.Name));
        var rows = await page
            .Select(s => new
            {
                s.Id,
                s.Name,
                Institution = s.Institution!.Name,
                s.Business,
                Level = s.Grading == null ? (ProtectionLevel?)null : s.Grading.Level,
                Filed = s.Filing != null,
                Certified = s.Filing != null && s.Filing.CertificateNumber != null && s.Filing.CertificateNumber != "" && s.Filing.CertificateIssuedOn != null,
                Certificate = s.Filing == null ? null : s.Filing.CertificateNumber,
                Last = s.Assessments.OrderByDescending(a => a.AssessedOn).Select(a => new { a.AssessedOn, a.Conclusion, a.Kind }).FirstOrDefault(),
            })
            .ToListAsync();
        Rows = rows.Select(r => new Row(r.Id, r.Name, r.Institution, r.Business, (int?)r.Level, r.Filed,
            r.Certified ? r.Certificate : r.Filed ? "已提交（无备案证明）" : null,
            r.Last is null ? null : $"{r.Last.AssessedOn:yyyy-MM-dd} {(r.Last.Kind == AssessmentKind.SelfInspection ? "自查" : "等级测评")} {r.Last.Conclusion ?? "录入中"}")).ToList();
    }
}
