using System.Linq.Expressions;
using System.Security.Claims;
using MedGuard.Domain.Assessment;
using MedGuard.Domain.Detection;
using MedGuard.Domain.Findings;
using MedGuard.Domain.Platform;
using MedGuard.Server.Auditing;
using MedGuard.Server.Hosting;
using MedGuard.Server.Lifecycle;
using MedGuard.Server.Tenancy;
using MedGuard.Standards.HighRisk;
using MedGuard.Storage;
using MedGuard.Storage.Auditing;
using MedGuard.Storage.Campaigns;
using MedGuard.Storage.Findings;
using MedGuard.Storage.Providers;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Server.Findings;

/// <summary>
/// 检测发现 as the pages and the API both use them (one rule set, never duplicated between an endpoint and a page):
/// reading uploaded runs, importing them through the one write path (<see cref="FindingImporter"/>), the filtered and
/// paged list, a finding's detail with its evidence masked (the read is audited), the workflow actions a role may
/// take, and counts per institution, system or asset. Who sees which finding is the tenant filter's job.
/// </summary>
public sealed class FindingService(FindingImporter importer, SensitiveFields sensitive, TimeProvider clock, DatabaseTarget database, AuditTrail audit)
{
    /// <summary>Today in China time: the day SLA deadlines and risk acceptances are judged on.</summary>
    public DateOnly Today => ChinaStandardTime.DateOf(clock.GetUtcNow());

    /// <summary>Import runs: the platform's administrators, regulators (for their region) and the hospital itself — not an assessor.</summary>
    public static bool CanImport(ClaimsPrincipal user) => user.Role() is UserRole.Admin or UserRole.RegulatorStaff or UserRole.InstitutionStaff;

    /// <summary>
    /// Reads one uploaded run (bounded; foreign or malformed JSON is a <see cref="DetectionRunFormatException"/> naming
    /// the problem). The body is copied asynchronously first: a request body may not be read synchronously.
    /// </summary>
    public static async Task<DetectionRun> ReadRunAsync(Stream input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await input.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > DetectionRunJson.MaxInputBytes)
            {
                throw new DetectionRunFormatException($"检测运行文件超过 {DetectionRunJson.MaxInputBytes / 1024 / 1024} MB 上限");
            }

            buffer.Write(chunk, 0, read);
        }

        return DetectionRunJson.Read(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
    }

    /// <summary>
    /// Imports one run in one transaction, in the signed-in user's tenant scope (its filters and save guard apply as on
    /// every request). The import is audited as one entry per institution naming the run and what it did, written
    /// after the commit — not one entry per finding from inside the transaction (a run may carry 100,000 findings, and
    /// on SQLite a second connection could not write the trail while the import holds the database).
    /// </summary>
    public async Task<FindingImportSummary> ImportAsync(HttpContext http, DetectionRun run, Guid? institutionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(run);
        var user = http.User;
        await using var db = MedGuardContextFactory.Create(database, user.Scope(), DateOnly.FromDateTime(clock.GetLocalNow().DateTime));
        if (institutionId is { } id && !await db.Institutions.AnyAsync(i => i.Id == id, cancellationToken))
        {
            throw new KeyNotFoundException($"找不到医疗机构 {id}（不存在或不在您的权限范围内）");
        }

        var result = await importer.ImportAsync(db, run, new ImportOptions
        {
            InstitutionId = institutionId,
            ImportedBy = user.DisplayName(),
            UserId = UserIdOf(user),
            Now = clock.GetUtcNow(),
        }, cancellationToken);
        var ids = result.Institutions.Select(i => i.InstitutionId).ToList();
        var names = await db.Institutions.AsNoTracking().Where(i => ids.Contains(i.Id)).ToDictionaryAsync(i => i.Id, i => i.Name, cancellationToken);
        var summary = new FindingImportSummary(
            result.RunDigest,
            run.DetectorId,
            [.. result.Institutions.Select(i => new InstitutionImportCounts(
                i.InstitutionId, names.GetValueOrDefault(i.InstitutionId) ?? i.InstitutionId.ToString(), i.ImportId, i.New, i.Updated, i.Fixed, i.Reopened, i.Unchanged,
                i.RectificationsCreated, i.RetestsProposed))]);
        await audit.RecordAsync(
            [.. summary.Institutions.Select(i => new AuditEvent("import", nameof(DetectionImport), i.ImportId.ToString(),
                $"导入检测运行（{run.DetectorId} {run.DetectorVersion}，摘要 {result.RunDigest[..16]}…）：{i.Describe()}").From(http))],
            CancellationToken.None);
        return summary;
    }

    /// <summary>The filtered list, newest sighting first, one page of it.</summary>
    public async Task<(int Total, IReadOnlyList<FindingRow> Rows)> ListAsync(MedGuardDbContext db, FindingFilter filter, int page, int pageSize, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(filter);
        var today = Today;
        var query = filter.Apply(db.Findings.AsNoTracking(), today);
        if (filter.Campaign is { } campaign)
        {
            query = query.FoundBy(db, campaign, filter.Found);
        }
        var total = await query.CountAsync(cancellationToken);
        page = Math.Max(1, page);
        var rows = await query
            .MostSevereFirst().ThenByDescending(f => f.LastSeenAt).ThenBy(f => f.Id)
            .Skip((page - 1) * pageSize).Take(pageSize)
            .Join(db.Assets, f => f.AssetId, a => a.Id, (f, a) => new { f, a.Value })
            .Join(db.Institutions, x => x.f.InstitutionId, i => i.Id, (x, i) => new { x.f, x.Value, i.Name })
            .Select(x => new FindingRow(
                x.f.Id, x.f.InstitutionId, x.Name, x.f.AssetId, x.Value, x.f.SystemId, x.f.Detector, x.f.RuleId, x.f.Title, x.f.Severity, x.f.Status,
                x.f.TargetDisplay, x.f.FirstSeenAt, x.f.LastSeenAt, x.f.DueOn, x.f.AcceptedUntil, x.f.ReopenCount, false))
            .ToListAsync(cancellationToken);
        return (total, [.. rows.Select(r => r with { Overdue = r.Status.IsOpen() && r.DueOn is { } due && due < today })]);
    }

    /// <summary>Counts by severity (open findings) and by status, and the overdue ones, of the findings matching <paramref name="where"/>.</summary>
    public async Task<FindingCounts> CountAsync(MedGuardDbContext db, Expression<Func<FindingRecord, bool>> where, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var today = Today;
        var groups = await db.Findings.AsNoTracking().Where(where)
            .GroupBy(f => new { f.Status, f.Severity })
            .Select(g => new { g.Key.Status, g.Key.Severity, Count = g.Count() })
            .ToListAsync(cancellationToken);
        var overdue = await db.Findings.AsNoTracking().Where(where)
            .Where(FindingFilter.IsOverdue(today)).CountAsync(cancellationToken);
        return new FindingCounts(
            Enum.GetValues<Severity>().OrderDescending().ToDictionary(s => s, s => groups.Where(g => g.Severity == s && g.Status.IsOpen()).Sum(g => g.Count)),
            Enum.GetValues<FindingStatus>().ToDictionary(s => s, s => groups.Where(g => g.Status == s).Sum(g => g.Count)),
            overdue);
    }

    /// <summary>
    /// One finding with everything its page shows: target, rule, CWE, standard references with the catalog's item
    /// names, high-risk cases, evidence (masked), the runs that saw it and its history. The evidence read is audited.
    /// </summary>
    public async Task<FindingDetail> DetailAsync(MedGuardDbContext db, Guid id, HttpContext http, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var finding = await db.Findings.AsNoTracking().FirstOrDefaultAsync(f => f.Id == id, cancellationToken) ?? throw new KeyNotFoundException();
        var asset = await db.Assets.AsNoTracking().FirstOrDefaultAsync(a => a.Id == finding.AssetId, cancellationToken);
        var institution = await db.Institutions.AsNoTracking().Where(i => i.Id == finding.InstitutionId).Select(i => i.Name).FirstOrDefaultAsync(cancellationToken);
        var system = finding.SystemId is { } sid ? await db.Systems.AsNoTracking().Where(s => s.Id == sid).Select(s => s.Name).FirstOrDefaultAsync(cancellationToken) : null;
        var sightings = await db.FindingSightings.AsNoTracking().Where(s => s.FindingId == id)
            .Join(db.DetectionImports, s => s.ImportId, i => i.Id, (s, i) => new FindingSightingView(i.Id, s.SeenAt, i.Detector, i.DetectorVersion, i.StartedAt, i.ImportedBy, i.Complete))
            .ToListAsync(cancellationToken);
        var history = await db.FindingStatusChanges.AsNoTracking().Where(c => c.FindingId == id).ToListAsync(cancellationToken);
        var rectification = finding.RectificationItemId is { } rid
            ? await db.Rectifications.AsNoTracking().FirstOrDefaultAsync(r => r.Id == rid, cancellationToken)
            : null;
        var fixedBy = finding.FixedByImportId is { } fid
            ? await db.DetectionImports.AsNoTracking().Where(i => i.Id == fid).Select(i => (DateTimeOffset?)i.StartedAt).FirstOrDefaultAsync(cancellationToken)
            : null;

        IReadOnlyDictionary<string, string> evidence;
        if (finding.EvidenceCiphertext is null)
        {
            evidence = new Dictionary<string, string>();
        }
        else
        {
            try
            {
                evidence = importer.EvidenceOf(finding, masked: true);
            }
            catch (System.Security.Cryptography.CryptographicException)
            {
                evidence = new Dictionary<string, string> { ["错误"] = "【密文校验失败：数据可能被篡改】" };
            }

            await sensitive.RecordReadAsync(http, nameof(FindingRecord), id.ToString(), "查看检测发现证据（已脱敏）");
        }

        var catalog = LifecycleService.Catalog;
        var refs = finding.StandardRefList.Select(r => new StandardRefView(r, catalog.Find(r) is { } item
            ? $"{item.Category.Name} · {item.ControlPoint} {item.Citation}：{item.Text}"
            : null)).ToList();
        var cases = finding.HighRiskCaseList.Select(c => new HighRiskCaseView(c, HighRiskCatalog.Default.Find(c) is { } hc
            ? $"{hc.Category.Name} · {hc.ControlPoint}：{hc.Condition}"
            : null)).ToList();
        var locations = System.Text.Json.JsonSerializer.Deserialize<List<string>>(finding.Locations) ?? [];
        return new FindingDetail(
            finding, asset, institution ?? "", system, refs, cases, [.. locations.Select(EvidenceMask.Mask)], evidence,
            [.. sightings.OrderByDescending(s => s.SeenAt)], [.. history.OrderBy(c => c.At).ThenBy(c => c.From == null ? 0 : 1)], rectification, fixedBy,
            finding.IsOverdue(Today));
    }

    /// <summary>
    /// Whether the role may take the action at all: 风险接受 and 误报 are a regulator's or an assessor's call, never the
    /// hospital's own; 开始整改 and 标记已修复 are the hospital's or its assessor's, not the regulator's.
    /// </summary>
    public static bool RoleMay(FindingAction action, ClaimsPrincipal user) => action switch
    {
        FindingAction.AcceptRisk or FindingAction.FalsePositive => user.Role() is UserRole.Admin or UserRole.RegulatorStaff or UserRole.AgencyStaff,
        FindingAction.StartRectification or FindingAction.MarkFixed => user.Role() is UserRole.Admin or UserRole.InstitutionStaff or UserRole.AgencyStaff,
        _ => user.Role() is not null,
    };

    /// <summary>The workflow actions <paramref name="user"/> may take on a finding in its current status.</summary>
    public static IReadOnlyList<FindingAction> ActionsFor(FindingRecord finding, ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(finding);
        var reviewer = RoleMay(FindingAction.AcceptRisk, user);
        var rectifies = RoleMay(FindingAction.MarkFixed, user);
        var actions = new List<FindingAction>();
        if (finding.Status == FindingStatus.New)
        {
            actions.Add(FindingAction.Confirm);
        }

        if (rectifies && finding.Status is FindingStatus.New or FindingStatus.Confirmed)
        {
            actions.Add(FindingAction.StartRectification);
        }

        if (rectifies && finding.Status.IsOpen())
        {
            actions.Add(FindingAction.MarkFixed);
        }

        if (reviewer && finding.Status.IsOpen())
        {
            actions.Add(FindingAction.AcceptRisk);
        }

        if (reviewer && finding.Status != FindingStatus.FalsePositive)
        {
            actions.Add(FindingAction.FalsePositive);
        }

        if (finding.Status is FindingStatus.Fixed or FindingStatus.RiskAccepted or FindingStatus.FalsePositive)
        {
            actions.Add(FindingAction.Reopen);
        }

        return actions;
    }

    /// <summary>Moves a finding by one workflow action (the role rules are the workflow's and the storage's); the save is audited.</summary>
    public async Task<FindingStatusChange> MoveAsync(MedGuardDbContext db, Guid id, FindingAction action, string? reason, DateOnly? until, ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (!await db.Findings.AnyAsync(f => f.Id == id, cancellationToken))
        {
            throw new KeyNotFoundException();
        }

        var workflow = new FindingWorkflow(db, clock);
        var actor = new FindingActor(user.DisplayName(), UserIdOf(user));
        return action switch
        {
            FindingAction.Confirm => await workflow.ConfirmAsync(id, actor, reason, cancellationToken),
            FindingAction.StartRectification => await workflow.StartRectificationAsync(id, actor, reason, cancellationToken),
            FindingAction.MarkFixed => await workflow.MarkFixedAsync(id, actor, reason, cancellationToken),
            FindingAction.AcceptRisk => await workflow.AcceptRiskAsync(id, until ?? throw new FindingWorkflowException("风险接受须填写截止日期"), reason ?? "", actor, cancellationToken),
            FindingAction.FalsePositive => await workflow.MarkFalsePositiveAsync(id, reason ?? "", actor, cancellationToken),
            FindingAction.Reopen => await workflow.ReopenAsync(id, reason ?? "", actor, cancellationToken),
            _ => throw new FindingWorkflowException($"未知的操作 {action}"),
        };
    }

    /// <summary>
    /// The detection findings proposed to an assessment, grouped by GB/T 22239 item (issue 12 §5). The assessor who may
    /// write the assessment gets the missing proposals created (pending); every other reader sees those that exist.
    /// </summary>
    public static async Task<IReadOnlyList<FindingProposalGroup>> ProposalsAsync(MedGuardDbContext db, Guid assessmentId, bool mayWrite, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (mayWrite)
        {
            return await FindingProposals.ForAsync(db, assessmentId, cancellationToken);
        }

        var proposals = await db.FindingProposals.AsNoTracking().Where(p => p.AssessmentId == assessmentId)
            .Join(db.Findings, p => p.FindingId, f => f.Id, (p, f) => new { p, f })
            .ToListAsync(cancellationToken);
        return [.. proposals
            .GroupBy(x => x.p.ItemCode, StringComparer.Ordinal)
            .OrderBy(g => g.Key == FindingProposals.Unassigned ? 1 : 0).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new FindingProposalGroup(g.Key, [.. g.Select(x => new FindingProposal(x.p, x.f)).OrderByDescending(x => x.Finding.Severity)]))];
    }

    private static Guid? UserIdOf(ClaimsPrincipal user) => user.UserId() is var id && id != Guid.Empty ? id : null;
}

/// <summary>What a person may do to a finding (issue 12 §3).</summary>
public enum FindingAction
{
    Confirm,            // 确认
    StartRectification, // 开始整改
    MarkFixed,          // 标记已修复
    AcceptRisk,         // 风险接受（至某日，理由）
    FalsePositive,      // 误报（理由）
    Reopen,             // 重新打开（理由）
}

public static class FindingActionNames
{
    public static string ToChinese(this FindingAction action) => action switch
    {
        FindingAction.Confirm => "确认",
        FindingAction.StartRectification => "开始整改",
        FindingAction.MarkFixed => "标记已修复",
        FindingAction.AcceptRisk => "风险接受",
        FindingAction.FalsePositive => "误报",
        _ => "重新打开",
    };

    /// <summary>The action's name in the API and the page forms: confirm, start-rectification, mark-fixed, accept-risk, false-positive, reopen.</summary>
    public static string Code(this FindingAction action) => action switch
    {
        FindingAction.Confirm => "confirm",
        FindingAction.StartRectification => "start-rectification",
        FindingAction.MarkFixed => "mark-fixed",
        FindingAction.AcceptRisk => "accept-risk",
        FindingAction.FalsePositive => "false-positive",
        _ => "reopen",
    };

    public static FindingAction Parse(string? text)
    {
        var value = text?.Trim();
        foreach (var action in Enum.GetValues<FindingAction>())
        {
            if (string.Equals(action.Code(), value, StringComparison.OrdinalIgnoreCase) || action.ToChinese() == value)
            {
                return action;
            }
        }

        throw new FormatException($"未知的操作 '{text}'（应为 confirm / start-rectification / mark-fixed / accept-risk / false-positive / reopen）");
    }
}

public sealed record FindingRow(
    Guid Id, Guid InstitutionId, string Institution, Guid AssetId, string Asset, Guid? SystemId, string Detector, string RuleId, string Title, Severity Severity,
    FindingStatus Status, string Target, DateTimeOffset FirstSeenAt, DateTimeOffset LastSeenAt, DateOnly? DueOn, DateOnly? AcceptedUntil, int ReopenCount, bool Overdue);

public sealed record FindingCounts(IReadOnlyDictionary<Severity, int> OpenBySeverity, IReadOnlyDictionary<FindingStatus, int> ByStatus, int Overdue)
{
    public int Total => ByStatus.Values.Sum();

    public int Open => OpenBySeverity.Values.Sum();
}

public sealed record StandardRefView(string Reference, string? ItemName);

public sealed record HighRiskCaseView(string Id, string? Description);

public sealed record FindingSightingView(Guid ImportId, DateTimeOffset SeenAt, string Detector, string DetectorVersion, DateTimeOffset RunStartedAt, string ImportedBy, bool Complete);

public sealed record FindingDetail(
    FindingRecord Finding, Domain.Inventory.Asset? Asset, string Institution, string? System, IReadOnlyList<StandardRefView> StandardRefs, IReadOnlyList<HighRiskCaseView> HighRiskCases,
    IReadOnlyList<string> Locations, IReadOnlyDictionary<string, string> Evidence, IReadOnlyList<FindingSightingView> Sightings, IReadOnlyList<FindingStatusChange> History,
    RectificationItem? Rectification, DateTimeOffset? FixedByRunStartedAt, bool Overdue);

public sealed record InstitutionImportCounts(
    Guid InstitutionId, string Institution, Guid ImportId, int New, int Updated, int Fixed, int Reopened, int Unchanged, int RectificationsCreated, int RetestsProposed)
{
    /// <summary>One line for a flash message or a CLI: 某医院：新发现 3，再次发现 2，已修复 1，重新打开 0.</summary>
    public string Describe() =>
        $"{Institution}：新发现 {New}，再次发现 {Updated}，已修复 {Fixed}，重新打开 {Reopened}"
        + (RectificationsCreated > 0 ? $"，新建整改任务 {RectificationsCreated}" : "")
        + (RetestsProposed > 0 ? $"，提请复测 {RetestsProposed}" : "");
}

public sealed record FindingImportSummary(string RunDigest, string Detector, IReadOnlyList<InstitutionImportCounts> Institutions);
