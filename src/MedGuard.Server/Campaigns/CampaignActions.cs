using System.Security.Claims;
using MedGuard.Domain.Campaigns;
using MedGuard.Domain.Platform;
using MedGuard.Server.Hosting;
using MedGuard.Server.Lifecycle;
using MedGuard.Server.Tenancy;
using MedGuard.Storage;
using MedGuard.Storage.Auditing;
using MedGuard.Storage.Campaigns;
using MedGuard.Storage.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Server.Campaigns;

/// <summary>How far a user's "stop all" reaches (停止开关, issue 14 §4).</summary>
public enum StopReach
{
    None = 0,     // institution staff and agencies: only their own institution's switch, or none
    Region = 1,   // a regulator: every institution of its region, one switch each (the model's global switch is the platform's)
    Global = 2,   // an administrator: the platform-wide switch
}

/// <summary>
/// 检测任务计划 as the pages and the API both handle them (one rule set): who may do what, the campaign and its
/// institutions seen through the request's tenant-scoped context (another tenant's is a <see cref="KeyNotFoundException"/>,
/// 404), <see cref="CampaignService"/> for the work, the audit trail for what the change auditor cannot see (bulk task
/// updates), and a kick to the job engine after anything that makes work runnable.
/// </summary>
public sealed class CampaignActions(CampaignService campaigns, AuditTrail audit, ICampaignKick kick, TimeProvider clock)
{
    public CampaignService Service => campaigns;

    /// <summary>Regulators over their region, hospitals over their own assets, administrators over all; assessment agencies never.</summary>
    public static bool MayRun(ClaimsPrincipal user) => user.Role() is UserRole.Admin or UserRole.RegulatorStaff or UserRole.InstitutionStaff;

    /// <summary>
    /// The "stop all" a role has: the platform-wide switch is the administrator's (it holds every hospital in the
    /// country); a regulator's stops every institution of its region, one switch each, so a hospital can still see
    /// and its regulator clear each; a hospital has only its own switch.
    /// </summary>
    public static StopReach ReachOf(ClaimsPrincipal user) => user.Role() switch
    {
        UserRole.Admin => StopReach.Global,
        UserRole.RegulatorStaff => StopReach.Region,
        _ => StopReach.None,
    };

    /// <summary>Creates a campaign; institutions or assets the user does not see are a 404, never a hint that they exist.</summary>
    public async Task<Campaign> CreateAsync(MedGuardDbContext db, HttpContext http, CampaignInput input, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(input);
        var request = input.ToRequest(http.User.DisplayName(), UserIdOf(http.User));
        var institutionIds = request.Scope.InstitutionIds.ToList();
        if (institutionIds.Count > 0 && await db.Institutions.CountAsync(i => institutionIds.Contains(i.Id), ct) < institutionIds.Count)
        {
            throw new KeyNotFoundException();
        }

        var assetIds = request.Scope.AssetIds.ToList();
        if (assetIds.Count > 0 && await db.Assets.CountAsync(a => assetIds.Contains(a.Id), ct) < assetIds.Count)
        {
            throw new KeyNotFoundException();
        }

        // A hospital that names nothing means its own assets.
        if (db.Scope.Kind == TenantKind.Institution && request.Scope.IsEmpty)
        {
            request = request with { Scope = request.Scope with { InstitutionIds = [db.Scope.InstitutionId] } };
        }

        var campaign = await campaigns.CreateAsync(db, request, ct); // the change auditor records the new campaign
        await kick.KickAsync(CancellationToken.None);
        return campaign;
    }

    public async Task<CampaignProgress> GetAsync(MedGuardDbContext db, Guid id, CancellationToken ct = default) =>
        await campaigns.GetAsync(db, id, ct) ?? throw new KeyNotFoundException();

    /// <summary>Cancels; the tasks' bulk update bypasses the change auditor, so the trail gets one entry naming how many.</summary>
    public async Task<int> CancelAsync(MedGuardDbContext db, HttpContext http, Guid id, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(http);
        var name = await NameOfAsync(db, id, ct);
        var cancelled = await campaigns.CancelAsync(db, id, http.User.DisplayName(), ct);
        await audit.RecordAsync(new AuditEvent("campaign-cancel", nameof(Campaign), id.ToString(), $"取消检测任务计划「{name}」：{cancelled} 个未完成的子任务已取消").From(http), CancellationToken.None);
        return cancelled;
    }

    /// <summary>Sends the latest round's failed tasks back (audited with the count: a bulk update), then kicks the engine.</summary>
    public async Task<int> RetryFailedAsync(MedGuardDbContext db, HttpContext http, Guid id, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(http);
        var name = await NameOfAsync(db, id, ct);
        var retried = await campaigns.RetryFailedAsync(db, id, ct);
        await audit.RecordAsync(new AuditEvent("campaign-retry", nameof(Campaign), id.ToString(), $"重试检测任务计划「{name}」的失败子任务：{retried} 个重新排队").From(http), CancellationToken.None);
        if (retried > 0)
        {
            await kick.KickAsync(CancellationToken.None);
        }

        return retried;
    }

    /// <summary>
    /// Sets a stop switch: one institution's (<paramref name="institutionId"/>), or the user's "stop all" (null; see
    /// <see cref="ReachOf"/>). Returns the institutions held (null in the list = the platform-wide switch). Each new
    /// switch is a row, so the change auditor records it.
    /// </summary>
    public async Task<IReadOnlyList<Guid?>> SetStopAsync(MedGuardDbContext db, HttpContext http, Guid? institutionId, string? reason, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(http);
        var by = http.User.DisplayName();
        if (institutionId is { } id)
        {
            await RequireInstitutionAsync(db, id, ct);
            await campaigns.SetStopAsync(db, id, by, reason ?? "", ct);
            return [id];
        }

        switch (ReachOf(http.User))
        {
            case StopReach.Global:
                await campaigns.SetStopAsync(db, null, by, reason ?? "", ct);
                return [null];
            case StopReach.Region:
                if (string.IsNullOrWhiteSpace(reason))
                {
                    throw new CampaignException("停止检测必须说明原因");
                }

                var held = await db.DetectionStops.Where(s => s.ClearedAt == null && s.InstitutionId != null).Select(s => s.InstitutionId!.Value).ToListAsync(ct);
                var institutions = await db.Institutions.Select(i => i.Id).ToListAsync(ct);
                var now = clock.GetUtcNow();
                var fresh = institutions.Except(held).ToList();
                db.DetectionStops.AddRange(fresh.Select(i => new DetectionStop { InstitutionId = i, SetBy = by, SetAt = now, Reason = reason.Trim() }));
                await db.SaveChangesAsync(ct);
                return [.. institutions.Cast<Guid?>()];
            default:
                throw new CampaignException("只有平台管理员（全局）或监管部门（本辖区）可以一键停止全部检测");
        }
    }

    /// <summary>Clears one institution's switch, or the user's "stop all" (null); held tasks are sent again (kick). Returns the switches cleared.</summary>
    public async Task<int> ClearStopAsync(MedGuardDbContext db, HttpContext http, Guid? institutionId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(http);
        var by = http.User.DisplayName();
        int cleared;
        if (institutionId is { } id)
        {
            await RequireInstitutionAsync(db, id, ct);
            cleared = await campaigns.ClearStopAsync(db, id, by, ct) ? 1 : 0;
        }
        else
        {
            switch (ReachOf(http.User))
            {
                case StopReach.Global:
                    cleared = await campaigns.ClearStopAsync(db, null, by, ct) ? 1 : 0;
                    break;
                case StopReach.Region:
                    // The tenant filter shows only the region's institutions' switches.
                    var stops = await db.DetectionStops.Where(s => s.ClearedAt == null && s.InstitutionId != null).ToListAsync(ct);
                    var now = clock.GetUtcNow();
                    foreach (var stop in stops)
                    {
                        stop.ClearedAt = now;
                        stop.ClearedBy = by;
                    }

                    await db.SaveChangesAsync(ct);
                    cleared = stops.Count;
                    break;
                default:
                    throw new CampaignException("只有平台管理员（全局）或监管部门（本辖区）可以一键解除全部停止");
            }
        }

        if (cleared > 0)
        {
            await kick.KickAsync(CancellationToken.None);
        }

        return cleared;
    }

    /// <summary>The stop switches set now that the user sees (the platform-wide one only administrators), newest first.</summary>
    public static async Task<IReadOnlyList<StopView>> ActiveStopsAsync(MedGuardDbContext db, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var stops = await db.DetectionStops.AsNoTracking().Where(s => s.ClearedAt == null).ToListAsync(ct);
        var ids = stops.Where(s => s.InstitutionId != null).Select(s => s.InstitutionId!.Value).Distinct().ToList();
        var names = await db.Institutions.AsNoTracking().Where(i => ids.Contains(i.Id)).ToDictionaryAsync(i => i.Id, i => i.Name, ct);
        return [.. stops.OrderByDescending(s => s.SetAt).Select(s => new StopView(
            s.Id, s.InstitutionId, s.InstitutionId is { } i ? names.GetValueOrDefault(i) ?? "" : "全部机构（全局）", s.SetBy, s.SetAt, s.Reason))];
    }

    private static async Task<string> NameOfAsync(MedGuardDbContext db, Guid id, CancellationToken ct) =>
        await db.Campaigns.AsNoTracking().Where(c => c.Id == id).Select(c => c.Name).FirstOrDefaultAsync(ct) ?? throw new KeyNotFoundException();

    private static async Task RequireInstitutionAsync(MedGuardDbContext db, Guid id, CancellationToken ct)
    {
        if (!await db.Institutions.AnyAsync(i => i.Id == id, ct))
        {
            throw new KeyNotFoundException();
        }
    }

    private static Guid? UserIdOf(ClaimsPrincipal user) => user.UserId() is var id && id != Guid.Empty ? id : null;
}

/// <summary>A stop switch that is set: whose (null = every institution), by whom, when, why.</summary>
public sealed record StopView(Guid Id, Guid? InstitutionId, string Institution, string SetBy, DateTimeOffset SetAt, string Reason);
