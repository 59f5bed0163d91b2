using System.Net;
using System.Net.Sockets;
using MedGuard.Domain.Detection;
using MedGuard.Domain.Findings;
using MedGuard.Domain.Inventory;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Storage.Inventory;

/// <summary>How a person accepts a candidate: who, and the asset (and optionally its authorization) to register.</summary>
public sealed record CandidateAcceptance
{
    /// <summary>Who accepts, as the audit trail names them.</summary>
    public required string DecidedBy { get; init; }

    public Guid? UserId { get; init; }

    /// <summary>The website to register: the candidate's origin when empty; may be widened to its bare host, never another host.</summary>
    public string? Value { get; init; }

    public string? Name { get; init; }

    public Guid? SystemId { get; init; }

    public string? Zone { get; init; }

    /// <summary>The authorization to record with the asset (its <see cref="NewAuthorization.AssetId"/> is ignored); none = registered unauthorized, so still not scanned.</summary>
    public NewAuthorization? Authorization { get; init; }
}

/// <summary>A candidate with the name of its institution, as the lists show it.</summary>
public sealed record CandidateRow(AssetCandidate Candidate, string Institution);

/// <summary>
/// 候选资产 from apps (issue 18 §5): the web servers an imported APK run says an institution's apps talk to become
/// candidate websites of that institution — once per origin (a re-import moves last-seen and adds nothing), never for a
/// host already registered, never for loopback, private or reserved names, with well-known SDK servers marked
/// (<see cref="ThirdPartyHosts"/>). A candidate is never an <see cref="Asset"/>, so no scope, campaign or import sees it;
/// a person accepts it (it becomes an asset through <see cref="AssetRegistry"/>, with an authorization or later) or
/// dismisses it with a reason. Both decisions are saved through the caller's audited context.
/// </summary>
public sealed class AppEndpointCandidates(AssetRegistry? registry = null, TimeProvider? time = null)
{
    /// <summary>At most this many origins of one app are offered (the analyzer reports at most 500).</summary>
    public const int MaxPerApp = 500;

    private static readonly string[] LocalSuffixes = [".localhost", ".local", ".localdomain", ".lan", ".home", ".home.arpa", ".internal", ".intranet", ".test", ".example", ".invalid"];

    private static readonly string[] ExampleDomains = ["example.com", "example.net", "example.org"];

    private readonly AssetRegistry _registry = registry ?? new AssetRegistry(time);
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>
    /// The importer's hook, inside its transaction: offers the endpoints of each app of the run to the institutions whose
    /// app asset the run touched (<paramref name="scoped"/>), naming each institution's import. Returns how many
    /// candidates were added.
    /// </summary>
    public static async Task<int> OfferAsync(
        MedGuardDbContext db, DetectionRun run, IEnumerable<Asset> scoped, IReadOnlyDictionary<Guid, DetectionImport> imports, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(scoped);
        ArgumentNullException.ThrowIfNull(imports);
        if (run.Apps.All(a => a.Endpoints.Count == 0))
        {
            return 0;
        }

        // institution → origin → the packages that contain it
        var offers = new Dictionary<Guid, Dictionary<string, List<string>>>();
        var apps = scoped.Where(a => a.Kind == AssetKind.App).ToList();
        foreach (var app in run.Apps)
        {
            foreach (var asset in apps.Where(a => string.Equals(a.Value, app.Package, StringComparison.Ordinal) && imports.ContainsKey(a.InstitutionId)))
            {
                if (!offers.TryGetValue(asset.InstitutionId, out var origins))
                {
                    offers[asset.InstitutionId] = origins = new Dictionary<string, List<string>>(StringComparer.Ordinal);
                }

                foreach (var endpoint in app.Endpoints.Take(MaxPerApp))
                {
                    if (OriginOf(endpoint) is not { } origin)
                    {
                        continue;
                    }

                    if (!origins.TryGetValue(origin, out var packages))
                    {
                        origins[origin] = packages = [];
                    }

                    if (!packages.Contains(app.Package, StringComparer.Ordinal))
                    {
                        packages.Add(app.Package);
                    }
                }
            }
        }

        var added = 0;
        foreach (var (institutionId, origins) in offers.OrderBy(o => o.Key))
        {
            if (origins.Count == 0)
            {
                continue;
            }

            var importId = imports[institutionId].Id;
            var registered = await db.Assets.AsNoTracking()
                .Where(a => a.InstitutionId == institutionId && (a.Kind == AssetKind.Origin || a.Kind == AssetKind.Ip))
                .ToListAsync(ct);
            var existing = (await db.AssetCandidates.Where(c => c.InstitutionId == institutionId).ToListAsync(ct))
                .ToDictionary(c => c.Origin, StringComparer.Ordinal);
            foreach (var (origin, packages) in origins.OrderBy(o => o.Key, StringComparer.Ordinal))
            {
                if (existing.TryGetValue(origin, out var candidate))
                {
                    // Seen again: last-seen moves; a decision people made stands.
                    candidate.LastSeenAt = now;
                    candidate.LastImportId = importId;
                    if (packages.Any(p => !candidate.Packages.Contains(p, StringComparer.Ordinal)))
                    {
                        candidate.Packages = [.. candidate.Packages.Concat(packages).Distinct(StringComparer.Ordinal)];
                    }

                    continue;
                }

                var host = HostOf(origin)!;
                if (IsRegistered(origin, host, registered))
                {
                    continue;
                }

                db.AssetCandidates.Add(new AssetCandidate
                {
                    InstitutionId = institutionId,
                    Origin = origin,
                    Host = host,
                    Packages = packages,
                    ThirdParty = ThirdPartyHosts.Default.SdkOf(host),
                    FirstSeenAt = now,
                    LastSeenAt = now,
                    FirstImportId = importId,
                    LastImportId = importId,
                });
                added++;
            }
        }

        // The importer works with automatic change detection off and an empty tracker between its steps.
        db.ChangeTracker.DetectChanges();
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        return added;
    }

    /// <summary>
    /// The web origin a candidate stands for, or null when the endpoint names no server the institution could own:
    /// http(s) only (a WebSocket endpoint is its http(s) server), no loopback, private, link-local or reserved address,
    /// no local or example name, no name without a dot.
    /// </summary>
    public static string? OriginOf(string endpoint)
    {
        if (string.IsNullOrWhiteSpace(endpoint) || !Uri.TryCreate(endpoint.Trim(), UriKind.Absolute, out var uri) || uri.Host.Length == 0)
        {
            return null;
        }

        var scheme = uri.Scheme switch
        {
            "http" or "ws" => "http",
            "https" or "wss" => "https",
            _ => null,
        };
        if (scheme is null)
        {
            return null;
        }

        var host = uri.IdnHost.Trim('[', ']').TrimEnd('.').ToLowerInvariant();
        if (IsLocal(host))
        {
            return null;
        }

        var port = uri.Port is var p && p > 0 && p != (scheme == "http" ? 80 : 443) ? $":{p}" : "";
        var authority = IPAddress.TryParse(host, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{host}]" : host;
        try
        {
            return Asset.Normalize(AssetKind.Origin, $"{scheme}://{authority}{port}");
        }
        catch (AssetValueException)
        {
            return null;
        }
    }

    /// <summary>Loopback, private, link-local, shared (100.64/10), reserved or multicast addresses, and names that only mean something locally.</summary>
    public static bool IsLocal(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var name = host.Trim('[', ']').TrimEnd('.').ToLowerInvariant();
        if (IPAddress.TryParse(name, out var address))
        {
            return !IsPublic(address);
        }

        return name.Length == 0 || !name.Contains('.', StringComparison.Ordinal) || name == "localhost"
            || LocalSuffixes.Any(s => name.EndsWith(s, StringComparison.Ordinal))
            || ExampleDomains.Any(d => name == d || name.EndsWith("." + d, StringComparison.Ordinal));
    }

    private static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address))
        {
            return false;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return !(b[0] is 0 or 10 or >= 224
                || (b[0] == 100 && b[1] >= 64 && b[1] < 128)
                || (b[0] == 169 && b[1] == 254)
                || (b[0] == 172 && b[1] >= 16 && b[1] < 32)
                || (b[0] == 192 && b[1] == 168)
                || (b[0] == 192 && b[1] == 0 && b[2] is 0 or 2)
                || (b[0] == 198 && b[1] is 18 or 19)
                || (b[0] == 198 && b[1] == 51 && b[2] == 100)
                || (b[0] == 203 && b[1] == 0 && b[2] == 113));
        }

        var v6 = address.GetAddressBytes();
        return !(address.Equals(IPAddress.IPv6None) || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast
            || (v6[0] & 0xFE) == 0xFC // fc00::/7 unique local
            || (v6[0] == 0x20 && v6[1] == 0x01 && v6[2] == 0x0D && v6[3] == 0xB8)); // 2001:db8::/32 documentation
    }

    /// <summary>A host already registered: an asset holds the origin, a website asset is on the same host, or an address asset contains it.</summary>
    private static bool IsRegistered(string origin, string host, IEnumerable<Asset> assets)
    {
        var target = new WebTarget(origin, "/", null);
        return assets.Any(a => a.Matches(target) || (a.Kind == AssetKind.Origin && string.Equals(HostOf(a.Value), host, StringComparison.OrdinalIgnoreCase)));
    }

    /// <summary>The host of an origin or of a bare host name, lowercase.</summary>
    private static string? HostOf(string value)
    {
        if (!value.Contains("://", StringComparison.Ordinal))
        {
            return value.ToLowerInvariant();
        }

        return Uri.TryCreate(value, UriKind.Absolute, out var uri) ? uri.Host.Trim('[', ']').ToLowerInvariant() : null;
    }

    /// <summary>The candidates the context sees, the institution's only when given; open ones unless <paramref name="includeDecided"/>; own servers before SDK ones.</summary>
    public static async Task<IReadOnlyList<CandidateRow>> ListAsync(
        MedGuardDbContext db, Guid? institutionId = null, bool includeDecided = false, int limit = 500, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var query = db.AssetCandidates.AsNoTracking();
        if (institutionId is { } id)
        {
            query = query.Where(c => c.InstitutionId == id);
        }

        if (!includeDecided)
        {
            query = query.Where(c => c.Status == AssetCandidateStatus.Candidate);
        }

        var rows = await query
            .OrderBy(c => c.InstitutionId).ThenBy(c => c.ThirdParty != null).ThenBy(c => c.Host).ThenBy(c => c.Origin)
            .Take(Math.Clamp(limit, 1, 5000))
            .Select(c => new { Candidate = c, Institution = db.Institutions.Where(i => i.Id == c.InstitutionId).Select(i => i.Name).FirstOrDefault() })
            .ToListAsync(ct);
        return [.. rows.Select(r => new CandidateRow(r.Candidate, r.Institution ?? ""))];
    }

    /// <summary>
    /// 候选 → 已登记: registers the candidate as a website asset of its institution (with the authorization when one is
    /// given) through <see cref="AssetRegistry"/>; the decision (naming the new asset) is written in the same SaveChanges
    /// as the asset, or not at all.
    /// </summary>
    public async Task<(AssetCandidate Candidate, Asset Asset, AssetAuthorization? Authorization)> AcceptAsync(
        MedGuardDbContext db, Guid candidateId, CandidateAcceptance acceptance, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(acceptance);
        var candidate = await OpenCandidateAsync(db, candidateId, ct);
        string value;
        try
        {
            value = Asset.Normalize(AssetKind.Origin, string.IsNullOrWhiteSpace(acceptance.Value) ? candidate.Origin : acceptance.Value);
        }
        catch (AssetValueException ex)
        {
            throw new AssetRegistrationException(ex.Message);
        }

        if (!string.Equals(HostOf(value), candidate.Host, StringComparison.OrdinalIgnoreCase))
        {
            throw new AssetRegistrationException($"登记的网站须在候选资产的主机 {candidate.Host} 上（填 {candidate.Origin} 或 {candidate.Host}）");
        }

        var packages = string.Join("、", candidate.Packages);
        var note = $"来自 App {packages} 的候选资产（首次发现 {Domain.Platform.ChinaStandardTime.At(candidate.FirstSeenAt):yyyy-MM-dd}）";
        var asset = new NewAsset
        {
            Id = Guid.NewGuid(),
            InstitutionId = candidate.InstitutionId,
            Kind = AssetKind.Origin,
            Value = value,
            Name = acceptance.Name,
            SystemId = acceptance.SystemId,
            Zone = acceptance.Zone,
            Note = note.Length <= 1000 ? note : note[..999] + "…",
        };
        Decide(candidate, AssetCandidateStatus.Accepted, acceptance.DecidedBy, acceptance.UserId);
        candidate.AcceptedAssetId = asset.Id;
        Asset registered;
        AssetAuthorization? granted = null;
        try
        {
            // The registry's one SaveChanges carries the candidate's decision too: both are written, or neither.
            if (acceptance.Authorization is { } authorization)
            {
                (registered, granted) = await _registry.RegisterAsync(db, asset, authorization, ct);
            }
            else
            {
                registered = await _registry.AddAssetAsync(db, asset, ct);
            }
        }
        catch
        {
            Undo(db, candidate);
            throw;
        }

        return (candidate, registered, granted);
    }

    /// <summary>候选 → 已忽略, with the reason (required): the candidate leaves the list and a re-import does not bring it back.</summary>
    public async Task<AssetCandidate> DismissAsync(MedGuardDbContext db, Guid candidateId, string? reason, string decidedBy, Guid? userId = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var why = reason?.Trim() ?? "";
        if (why.Length is 0 or > 500)
        {
            throw new AssetRegistrationException("忽略候选资产须填写理由（不超过 500 字），如“第三方 SDK 服务器，不属于本机构”");
        }

        var candidate = await OpenCandidateAsync(db, candidateId, ct);
        Decide(candidate, AssetCandidateStatus.Dismissed, decidedBy, userId);
        candidate.DismissReason = why;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch
        {
            Undo(db, candidate);
            throw;
        }

        return candidate;
    }

    private static async Task<AssetCandidate> OpenCandidateAsync(MedGuardDbContext db, Guid candidateId, CancellationToken ct)
    {
        var candidate = await db.AssetCandidates.FirstOrDefaultAsync(c => c.Id == candidateId, ct)
            ?? throw new AssetRegistrationException($"找不到编号为 {candidateId} 的候选资产");
        return candidate.Status == AssetCandidateStatus.Candidate
            ? candidate
            : throw new AssetRegistrationException($"候选资产 {candidate.Origin} 已{candidate.Status.ToChinese()}（{candidate.DecidedBy}），不能再处理");
    }

    private void Decide(AssetCandidate candidate, AssetCandidateStatus status, string decidedBy, Guid? userId)
    {
        var by = decidedBy?.Trim() ?? "";
        if (by.Length == 0)
        {
            throw new AssetRegistrationException("须记录处理人");
        }

        candidate.Status = status;
        candidate.DecidedAt = _time.GetUtcNow();
        candidate.DecidedBy = by.Length <= 100 ? by : by[..100];
        candidate.DecidedByUserId = userId;
    }

    // A refused registration leaves the candidate as it was, so the context can be used again.
    private static void Undo(MedGuardDbContext db, AssetCandidate candidate)
    {
        var entry = db.Entry(candidate);
        if (entry.State == EntityState.Modified)
        {
            entry.CurrentValues.SetValues(entry.OriginalValues);
            entry.State = EntityState.Unchanged;
        }
    }
}
