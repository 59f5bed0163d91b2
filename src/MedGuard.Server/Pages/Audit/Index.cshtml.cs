using System.Globalization;
using MedGuard.Domain.Institutions;
using MedGuard.Domain.Platform;
using MedGuard.Security.Audit;
using MedGuard.Server.Hosting;
using MedGuard.Storage;
using MedGuard.Storage.Auditing;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Server.Pages.Audit;

/// <summary>
/// 审计日志: the chain's verdict and its entries, newest first, 50 a page, filterable by user, action and date (days in
/// China Standard Time, as every time on the page is), with the object's name wherever the object still exists.
/// </summary>
[Authorize(Policy = Policies.Admin)]
public sealed class IndexModel(MedGuardDbContext db, AuditTrail trail) : PagedListPageModel
{
    public sealed record Row(long Sequence, string Time, string? UserName, string? SourceAddress, string Action, string EntityType, string Object, string? Detail, string Hash);

    [BindProperty(SupportsGet = true, Name = "user")]
    public string? UserFilter { get; set; }

    [BindProperty(SupportsGet = true, Name = "action")]
    public string? ActionFilter { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? To { get; set; }

    public AuditVerification Verification { get; private set; } = null!;

    public IReadOnlyList<Row> Rows { get; private set; } = [];

    /// <summary>The filter as a query string, for the paging links.</summary>
    public string FilterQuery => string.Join("&", new[]
    {
        ("user", UserFilter), ("action", ActionFilter), ("from", From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), ("to", To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
    }.Where(p => !string.IsNullOrEmpty(p.Item2)).Select(p => $"{p.Item1}={Uri.EscapeDataString(p.Item2!)}"));

    public async Task OnGetAsync()
    {
        Verification = await trail.VerifyAsync(db);
        var query = db.AuditEntries.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(UserFilter))
        {
            var user = UserFilter.Trim();
            query = query.Where(e => e.UserName != null && e.UserName.Contains(user));
        }

        if (!string.IsNullOrWhiteSpace(ActionFilter))
        {
            var action = ActionFilter.Trim();
            query = query.Where(e => e.Action == action);
        }

        if (From is { } from)
        {
            var start = ChinaTime.StartOfDayUtc(from);
            query = query.Where(e => e.Timestamp >= start);
        }

        if (To is { } to)
        {
            var end = ChinaTime.StartOfDayUtc(to.AddDays(1));
            query = query.Where(e => e.Timestamp < end);
        }

        var entries = await (await PageOfAsync(query, q => q.OrderByDescending(e => e.Sequence))).ToListAsync();
        var names = await ObjectNamesAsync(entries);
        Rows = entries.Select(e => new Row(
            e.Sequence,
            ChinaTime.Show(e.Timestamp),
            e.UserName,
            e.SourceAddress,
            AuditNames.Action(e.Action),
            AuditNames.EntityType(e.EntityType),
            e.EntityId is null ? "" : names.GetValueOrDefault((e.EntityType ?? "", e.EntityId), ""),
            AuditNames.Detail(e.Detail),
            e.Hash[..Math.Min(12, e.Hash.Length)])).ToList();
    }

    /// <summary>
    /// Names of the objects the page's entries are about, where they still exist (a deleted object keeps no name; the
    /// entry then shows only its kind). Ids are never shown: they mean nothing to a reader.
    /// </summary>
    private async Task<Dictionary<(string Type, string Id), string>> ObjectNamesAsync(IReadOnlyList<AuditEntry> entries)
    {
        var names = new Dictionary<(string, string), string>();
        Guid[] Ids(params string[] types) => entries
            .Where(e => e.EntityType is not null && types.Contains(e.EntityType) && Guid.TryParse(e.EntityId, out _))
            .Select(e => Guid.Parse(e.EntityId!)).Distinct().ToArray();
        void Add<T>(string type, IEnumerable<T> rows, Func<T, Guid> id, Func<T, string> name)
        {
            foreach (var row in rows)
            {
                names[(type, id(row).ToString())] = name(row);
            }
        }

        var ids = Ids("Institution");
        Add("Institution", await db.Institutions.AsNoTracking().Where(i => ids.Contains(i.Id)).Select(i => new { i.Id, i.Name }).ToListAsync(), r => r.Id, r => r.Name);
        ids = Ids("ProtectedSystem");
        Add("ProtectedSystem", await db.Systems.AsNoTracking().Where(s => ids.Contains(s.Id)).Select(s => new { s.Id, s.Name, Institution = s.Institution!.Name }).ToListAsync(), r => r.Id, r => $"{r.Name}（{r.Institution}）");
        ids = Ids("GradingRecord");
        Add("GradingRecord", await db.Gradings.AsNoTracking().Where(g => ids.Contains(g.Id)).Join(db.Systems, g => g.SystemId, s => s.Id, (g, s) => new { g.Id, s.Name }).ToListAsync(), r => r.Id, r => r.Name);
        ids = Ids("FilingRecord");
        Add("FilingRecord", await db.Filings.AsNoTracking().Where(f => ids.Contains(f.Id)).Join(db.Systems, f => f.SystemId, s => s.Id, (f, s) => new { f.Id, s.Name }).ToListAsync(), r => r.Id, r => r.Name);
        ids = Ids("AssessmentRecord");
        Add("AssessmentRecord", await db.Assessments.AsNoTracking().Where(a => ids.Contains(a.Id)).Join(db.Systems, a => a.SystemId, s => s.Id, (a, s) => new { a.Id, a.AssessedOn, s.Name }).ToListAsync(), r => r.Id, r => $"{r.Name} {r.AssessedOn:yyyy-MM-dd}");
        ids = Ids("RectificationItem");
        Add("RectificationItem", await db.Rectifications.AsNoTracking().Where(r => ids.Contains(r.Id)).Select(r => new { r.Id, r.Title }).ToListAsync(), r => r.Id, r => r.Title);
        ids = Ids("AssessmentAgency");
        Add("AssessmentAgency", await db.Agencies.AsNoTracking().Where(a => ids.Contains(a.Id)).Select(a => new { a.Id, a.Name }).ToListAsync(), r => r.Id, r => r.Name);
        ids = Ids("AgencyAssignment");
        Add("AgencyAssignment", await db.AgencyAssignments.AsNoTracking().Where(a => ids.Contains(a.Id))
            .Join(db.Systems, a => a.SystemId, s => s.Id, (a, s) => new { a.Id, a.AgencyId, System = s.Name })
            .Join(db.Agencies, a => a.AgencyId, g => g.Id, (a, g) => new { a.Id, a.System, Agency = g.Name }).ToListAsync(), r => r.Id, r => $"{r.Agency} → {r.System}");
        ids = Ids("PlatformUser");
        Add("PlatformUser", await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id)).Select(u => new { u.Id, u.UserName, u.DisplayName }).ToListAsync(), r => r.Id, r => $"{r.DisplayName}（{r.UserName}）");
        foreach (var e in entries.Where(e => e.EntityType == "Province" && e.EntityId is not null))
        {
            names[("Province", e.EntityId!)] = AdministrativeRegions.FullName(e.EntityId);
        }

        return names;
    }
}
