using MedGuard.Domain.Assessment;
using MedGuard.Server.Hosting;
using MedGuard.Storage;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Server.Pages;

public sealed class IndexModel(MedGuardDbContext db) : PageModel
{
    public int Institutions { get; private set; }

    public int Systems { get; private set; }

    public int Graded { get; private set; }

    public int Filed { get; private set; }

    public int Assessed { get; private set; }

    public int OpenTasks { get; private set; }

    public string ScopeText { get; private set; } = "";

    public bool SeesSector => User.SeesSector();

    public async Task OnGetAsync()
    {
        ScopeText = await ScopeTitle.DescribeAsync(db);
        Institutions = await db.Institutions.CountAsync();
        Systems = await db.Systems.CountAsync();
        Graded = await db.Gradings.CountAsync();
        // As the sector statistics count them: 已备案 with a certificate; 测评 a concluded 等级测评 dated by today.
        var today = db.Today;
        Filed = await db.Filings.CountAsync(f => f.CertificateNumber != null && f.CertificateNumber != "" && f.CertificateIssuedOn != null);
        Assessed = await db.Systems.CountAsync(s => s.Assessments.Any(a => a.Kind == MedGuard.Domain.Assessment.AssessmentKind.LevelAssessment && a.Conclusion != null && a.AssessedOn <= today));
        OpenTasks = await db.Rectifications.CountAsync(r => r.Status == RectificationStatus.Open || r.Status == RectificationStatus.InProgress);
    }
}
