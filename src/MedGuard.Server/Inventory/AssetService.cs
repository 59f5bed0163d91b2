using System.Security.Claims;
using MedGuard.Domain.Inventory;
using MedGuard.Domain.Platform;
using MedGuard.Server.Findings;
using MedGuard.Server.Hosting;
using MedGuard.Server.Lifecycle;
using MedGuard.Storage;
using MedGuard.Storage.Findings;
using MedGuard.Storage.Inventory;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Server.Inventory;

/// <summary>
/// 资产 as the pages and the API both use them: the filtered list, one asset with its authorizations (授权) and its
/// findings, and the uploads (a letter, a sheet) read within their bounds. Every write goes through storage's
/// <see cref="AssetRegistry"/> (the CLI's path too) on the request's audited, tenant-scoped context.
/// </summary>
public sealed class AssetService(AssetRegistry registry, FindingService findings, AppEndpointCandidates candidates)
{
    public AssetRegistry Registry => registry;

    /// <summary>候选资产 from apps (issue 18 §5): listed, accepted into assets, dismissed — on the request's audited context.</summary>
    public AppEndpointCandidates Candidates => candidates;

    /// <summary>Register assets and their authorizations: the institution itself, its regulator (remote detection of its hospitals), administrators — not an assessor.</summary>
    public static bool CanRegister(ClaimsPrincipal user) => user.Role() is UserRole.Admin or UserRole.RegulatorStaff or UserRole.InstitutionStaff;

    public DateOnly Today => registry.Today;

    /// <summary>One page of the assets matching the filter, with each one's current authorization and open findings.</summary>
    public async Task<(int Total, IReadOnlyList<AssetRow> Rows)> ListAsync(MedGuardDbContext db, AssetFilter filter, int page, int pageSize, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(filter);
        var query = db.Assets.AsNoTracking();
        if (filter.Institution is { } institution)
        {
            query = query.Where(a => a.InstitutionId == institution);
        }

        if (filter.System is { } system)
        {
            query = query.Where(a => a.SystemId == system);
        }

        if (filter.Kind is { } kind)
        {
            query = query.Where(a => a.Kind == kind);
        }

        if (!string.IsNullOrWhiteSpace(filter.Q))
        {
            var q = filter.Q.Trim();
            query = query.Where(a => a.Value.Contains(q) || (a.Name != null && a.Name.Contains(q)));
        }

        var total = await query.CountAsync(cancellationToken);
        page = Math.Max(1, page);
        var assets = await query.OrderBy(a => a.InstitutionId).ThenBy(a => a.Kind).ThenBy(a => a.Value)
            .Skip((page - 1) * pageSize).Take(pageSize)
            .Select(a => new { Asset = a, Institution = db.Institutions.Where(i => i.Id == a.InstitutionId).Select(i => i.Name).FirstOrDefault(), System = db.Systems.Where(s => s.Id == a.SystemId).Select(s => s.Name).FirstOrDefault() })
            .ToListAsync(cancellationToken);
        var ids = assets.Select(a => a.Asset.Id).ToList();
        var authorizations = await db.AssetAuthorizations.AsNoTracking().Where(z => ids.Contains(z.AssetId))
            .Select(z => new { z.AssetId, z.ValidFrom, z.ValidUntil, z.RevokedAt, z.Detectors })
            .ToListAsync(cancellationToken);
        var open = await db.Findings.AsNoTracking()
            .Where(f => ids.Contains(f.AssetId)).Where(FindingFilter.IsOpen)
            .GroupBy(f => f.AssetId).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
        var today = Today;
        return (total, [.. assets.Select(a =>
        {
            var valid = authorizations.Where(z => z.AssetId == a.Asset.Id && z.RevokedAt == null && z.ValidFrom <= today && z.ValidUntil >= today).ToList();
            var state = valid.Count > 0
                ? $"有效至 {valid.Max(z => z.ValidUntil):yyyy-MM-dd}（{string.Join("、", valid.SelectMany(z => z.Detectors).Distinct())}）"
                : authorizations.Any(z => z.AssetId == a.Asset.Id) ? "无有效授权" : "未授权";
            return new AssetRow(a.Asset, a.Institution ?? "", a.System, state, valid.Count > 0, open.GetValueOrDefault(a.Asset.Id));
        })]);
    }

    /// <summary>One asset with its authorizations (newest first, letters' bytes not loaded) and its findings counted.</summary>
    public async Task<AssetDetail> DetailAsync(MedGuardDbContext db, Guid id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var asset = await db.Assets.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, cancellationToken) ?? throw new KeyNotFoundException();
        var institution = await db.Institutions.AsNoTracking().Where(i => i.Id == asset.InstitutionId).Select(i => i.Name).FirstOrDefaultAsync(cancellationToken);
        var system = asset.SystemId is { } sid ? await db.Systems.AsNoTracking().Where(s => s.Id == sid).Select(s => s.Name).FirstOrDefaultAsync(cancellationToken) : null;
        var authorizations = await db.AssetAuthorizations.AsNoTracking().Where(z => z.AssetId == id)
            .WithoutLetter()
            .ToListAsync(cancellationToken);
        var counts = await findings.CountAsync(db, f => f.AssetId == id, cancellationToken);
        var (_, recent) = await findings.ListAsync(db, new FindingFilter { Asset = id }, 1, 20, cancellationToken);
        return new AssetDetail(asset, institution ?? "", system, [.. authorizations.OrderByDescending(z => z.CreatedAt)], counts, recent);
    }

    /// <summary>The candidate must be visible to the context (another tenant's answers 404), and still a candidate to be decided.</summary>
    public async Task<AssetCandidate> CandidateAsync(MedGuardDbContext db, Guid id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        return await db.AssetCandidates.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken) ?? throw new KeyNotFoundException();
    }

    /// <summary>Accepts a candidate in scope (候选 → 已登记), with its authorization when one is given; the user is recorded as who decided.</summary>
    public async Task<(AssetCandidate Candidate, Asset Asset, AssetAuthorization? Authorization)> AcceptCandidateAsync(
        MedGuardDbContext db, ClaimsPrincipal user, Guid id, CandidateAcceptance acceptance, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        await CandidateAsync(db, id, cancellationToken);
        return await candidates.AcceptAsync(db, id, acceptance with { DecidedBy = user.DisplayName(), UserId = UserIdOf(user) }, cancellationToken);
    }

    /// <summary>Dismisses a candidate in scope (候选 → 已忽略) with the reason.</summary>
    public async Task<AssetCandidate> DismissCandidateAsync(MedGuardDbContext db, ClaimsPrincipal user, Guid id, string? reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        await CandidateAsync(db, id, cancellationToken);
        return await candidates.DismissAsync(db, id, reason, user.DisplayName(), UserIdOf(user), cancellationToken);
    }

    private static Guid? UserIdOf(ClaimsPrincipal user) => user.UserId() is var id && id != Guid.Empty ? id : null;

    /// <summary>Whether an authorization is in force today, and if not why (Chinese).</summary>
    public string StateOf(AssetAuthorization authorization)
    {
        ArgumentNullException.ThrowIfNull(authorization);
        var today = Today;
        return authorization.RevokedAt is { } revoked ? $"已撤销（{ChinaStandardTime.At(revoked):yyyy-MM-dd HH:mm}）"
            : today < authorization.ValidFrom ? "尚未生效"
            : today > authorization.ValidUntil ? "已过期"
            : "有效";
    }

    /// <summary>Adds an authorization to an asset in scope (another tenant's asset is not found).</summary>
    public async Task<AssetAuthorization> AuthorizeAsync(MedGuardDbContext db, NewAuthorization authorization, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(authorization);
        if (!await db.Assets.AnyAsync(a => a.Id == authorization.AssetId, cancellationToken))
        {
            throw new KeyNotFoundException();
        }

        return await registry.AuthorizeAsync(db, authorization, cancellationToken);
    }

    /// <summary>Revokes one of the asset's authorizations from now on.</summary>
    public async Task<AssetAuthorization> RevokeAsync(MedGuardDbContext db, Guid assetId, Guid authorizationId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (!await db.AssetAuthorizations.AnyAsync(z => z.Id == authorizationId && z.AssetId == assetId, cancellationToken))
        {
            throw new KeyNotFoundException();
        }

        return await registry.RevokeAsync(db, authorizationId, cancellationToken);
    }

    /// <summary>An uploaded authorization letter's bytes (at most <see cref="AssetAuthorization.MaxLetterBytes"/>), or null when none was sent.</summary>
    public static async Task<(string? FileName, byte[]? Bytes)> ReadLetterAsync(IFormFile? letter, CancellationToken cancellationToken = default)
    {
        if (letter is null || letter.Length == 0)
        {
            return (null, null);
        }

        if (letter.Length > AssetAuthorization.MaxLetterBytes)
        {
            throw new AssetRegistrationException($"授权书文件超过 {AssetAuthorization.MaxLetterBytes / 1024 / 1024} MB");
        }

        using var buffer = new MemoryStream();
        await letter.CopyToAsync(buffer, cancellationToken);
        return (Path.GetFileName(letter.FileName), buffer.ToArray());
    }

    /// <summary>Reads an uploaded asset sheet (.csv / .xlsx, bounded) and registers every row or none (<see cref="AssetRegistry.ImportSheetAsync"/>).</summary>
    public async Task<AssetSheetImport> ImportSheetAsync(MedGuardDbContext db, IFormFile? sheet, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (sheet is null || sheet.Length == 0)
        {
            throw new AssetRegistrationException("请选择资产表格（.csv 或 .xlsx）");
        }

        if (sheet.Length > AssetSheet.MaxBytes)
        {
            throw new AssetRegistrationException($"表格文件超过 {AssetSheet.MaxBytes / 1024 / 1024} MB");
        }

        using var buffer = new MemoryStream();
        await sheet.CopyToAsync(buffer, cancellationToken);
        buffer.Position = 0;
        var rows = AssetSheet.Read(buffer, Path.GetFileName(sheet.FileName));
        return await registry.ImportSheetAsync(db, rows, cancellationToken);
    }
}

/// <summary>The asset list's filters (each optional).</summary>
public sealed record AssetFilter(Guid? Institution = null, Guid? System = null, AssetKind? Kind = null, string? Q = null);

public sealed record AssetRow(Asset Asset, string Institution, string? System, string Authorization, bool Authorized, int OpenFindings);

public sealed record AssetDetail(Asset Asset, string Institution, string? System, IReadOnlyList<AssetAuthorization> Authorizations, FindingCounts Findings, IReadOnlyList<FindingRow> RecentFindings);
