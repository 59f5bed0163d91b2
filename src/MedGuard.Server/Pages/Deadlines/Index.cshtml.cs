using System.Globalization;
using MedGuard.Domain.Institutions;
using MedGuard.Server.Hosting;
using MedGuard.Server.Lifecycle;
using MedGuard.Standards.Obligations;
using MedGuard.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Server.Pages.Deadlines;

/// <summary>
/// 期限与逾期: every open deadline the obligation engine computes (备案, 备案证明有效期, 等级测评, 关基检测评估), 50 a
/// page, filtered by institution, kind, status (overdue / due within N days / all) and, for regulators, region.
/// </summary>
public sealed class IndexModel(MedGuardDbContext db, LifecycleService lifecycle) : PagedListPageModel
{
    public const int DefaultDays = 90;

    public sealed record Row(Guid SystemId, string System, string Institution, int Level, Obligation Obligation);

    public sealed record Choice(string Value, string Name);

    /// <summary>Institution name (part of it).</summary>
    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    [BindProperty(SupportsGet = true)]
    public ObligationKind? Kind { get; set; }

    /// <summary>overdue | soon | all (the default).</summary>
    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true)]
    public int Days { get; set; } = DefaultDays;

    [BindProperty(SupportsGet = true)]
    public string? Region { get; set; }

    public DateOnly Today => lifecycle.Today;

    public IReadOnlyList<Row> Rows { get; private set; } = [];

    /// <summary>Counts over the institution/kind/region filter, whatever the status filter.</summary>
    public int OverdueCount { get; private set; }

    public int DueSoonCount { get; private set; }

    public int AllCount { get; private set; }

    public bool SeesSeveralInstitutions { get; private set; }

    /// <summary>Regions (行政区划) of the institutions the user sees, for regulators and administrators.</summary>
    public IReadOnlyList<Choice> Regions { get; private set; } = [];

    public static IReadOnlyList<Choice> Kinds { get; } =
    [
        new(nameof(ObligationKind.Filing), "公安机关备案"),
        new(nameof(ObligationKind.CertificateValidity), "备案证明有效期"),
        new(nameof(ObligationKind.Assessment), "等级测评"),
        new(nameof(ObligationKind.CriticalInfrastructureAssessment), "关基年度检测评估"),
    ];

    public string Query(string? status = null, int? page = null) => string.Join("&", new[]
    {
        ("q", Q), ("kind", Kind?.ToString()), ("status", status ?? Status), ("days", Days.ToString(CultureInfo.InvariantCulture)), ("region", Region),
        ("p", page?.ToString(CultureInfo.InvariantCulture)),
    }.Where(p => !string.IsNullOrEmpty(p.Item2)).Select(p => $"{p.Item1}={Uri.EscapeDataString(p.Item2!)}"));

    public async Task OnGetAsync()
    {
        Days = Math.Clamp(Days, 1, 3650);
        SeesSeveralInstitutions = await db.Institutions.Take(2).CountAsync() > 1;
        if (User.SeesSector())
        {
            var codes = await db.Institutions.Select(i => i.Region).Distinct().ToListAsync();
            Regions = codes.Order(StringComparer.Ordinal).Select(c => new Choice(c, AdministrativeRegions.FullName(c))).ToList();
        }

        var query = db.Systems.AsNoTracking().Where(s => s.Grading != null);
        if (!string.IsNullOrWhiteSpace(Q))
        {
            var q = Q.Trim();
            query = query.Where(s => s.Institution!.Name.Contains(q));
        }

        if (!string.IsNullOrWhiteSpace(Region) && User.SeesSector())
        {
            var region = Region.Trim();
            query = query.Where(s => s.Institution!.Region.StartsWith(region));
        }

        var systems = await query
            .Include(s => s.Institution).Include(s => s.Grading).Include(s => s.Filing).Include(s => s.Assessments)
            .AsSplitQuery()
            .ToListAsync();
        var open = new List<Row>();
        foreach (var system in systems)
        {
            if (lifecycle.Schedule(system) is not { } schedule)
            {
                continue;
            }

            open.AddRange(schedule.Items
                .Where(o => Kind is null || o.Kind == Kind)
                .Where(o => o.Status is ObligationStatus.Overdue || (o.Status == ObligationStatus.Due && o.DueOn is not null))
                .Select(o => new Row(system.Id, system.Name, system.Institution?.Name ?? "", (int)system.Grading!.Level, o)));
        }

        var horizon = Today.AddDays(Days);
        bool Overdue(Row r) => r.Obligation.Status == ObligationStatus.Overdue;
        bool Soon(Row r) => r.Obligation.Status == ObligationStatus.Due && r.Obligation.DueOn <= horizon;
        OverdueCount = open.Count(Overdue);
        DueSoonCount = open.Count(Soon);
        AllCount = open.Count;
        var shown = Status switch
        {
            "overdue" => open.Where(Overdue),
            "soon" => open.Where(Soon),
            _ => open,
        };
        // Most urgent first: overdue (longest overdue first), then by due date.
        Rows = PageOf(shown
            .OrderBy(r => Overdue(r) ? 0 : 1).ThenBy(r => r.Obligation.DueOn).ThenBy(r => r.Institution, StringComparer.Ordinal).ThenBy(r => r.System, StringComparer.Ordinal)
            .ToList());
    }
}
