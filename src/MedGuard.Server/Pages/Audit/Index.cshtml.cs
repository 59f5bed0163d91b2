using MedGuard.Domain.Platform;
using MedGuard.Security.Audit;
using MedGuard.Server.Auditing;
using MedGuard.Server.Hosting;
using MedGuard.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Server.Pages.Audit;

[Authorize(Policy = Policies.Admin)]
public sealed class IndexModel(MedGuardDbContext db, AuditTrail trail) : PageModel
{
    public AuditVerification Verification { get; private set; } = null!;

    public IReadOnlyList<AuditEntry> Entries { get; private set; } = [];

    public async Task OnGetAsync()
    {
        Verification = await trail.VerifyAsync(db);
        Entries = await db.AuditEntries.AsNoTracking().OrderByDescending(e => e.Sequence).Take(200).ToListAsync();
    }
}
