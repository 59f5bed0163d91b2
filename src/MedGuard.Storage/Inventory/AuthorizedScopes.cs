using MedGuard.Domain.Inventory;
using MedGuard.Domain.Platform;
using MedGuard.Domain.Scope;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Storage.Inventory;

/// <summary>No asset of the institution is authorized for the detector at that time: nothing may be sent.</summary>
public sealed class NoAuthorizationException(string message) : InvalidOperationException(message);

/// <summary>
/// The scope of a platform-run scan (授权范围), derived from the inventory's authorization records and nothing else:
/// the institution's assets whose authorization permits the detector at the given instant, with the lowest per-host
/// rate any of them allows and the validity dates and daily window they share. No valid authorization, no packet:
/// <see cref="NoAuthorizationException"/> says why instead.
/// </summary>
public static class AuthorizedScopes
{
    public static async Task<AuthorizedScope> ForInstitutionAsync(MedGuardDbContext db, Guid institutionId, string detector, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentException.ThrowIfNullOrWhiteSpace(detector);
        var assets = await db.Assets.AsNoTracking().Where(a => a.InstitutionId == institutionId).ToListAsync(cancellationToken);
        var assetIds = assets.Select(a => a.Id).ToList();
        var authorizations = await db.AssetAuthorizations.AsNoTracking().Where(a => assetIds.Contains(a.AssetId)).WithoutLetter().ToListAsync(cancellationToken);
        return From(assets, authorizations, detector, at);
    }

    /// <summary>The scope the permitting authorizations of these assets give (see the type's summary).</summary>
    public static AuthorizedScope From(IEnumerable<Asset> assets, IEnumerable<AssetAuthorization> authorizations, string detector, DateTimeOffset at)
    {
        var byAsset = authorizations.ToLookup(a => a.AssetId);
        var permitted = new List<(Asset Asset, AssetAuthorization Authorization)>();
        var refusals = new List<string>();
        foreach (var asset in assets.OrderBy(a => a.Value, StringComparer.Ordinal))
        {
            var own = byAsset[asset.Id].ToList();
            if (own.FirstOrDefault(a => a.Permits(detector, at)) is { } permitting)
            {
                permitted.Add((asset, permitting));
            }
            else
            {
                refusals.Add($"{asset.Value}：{(own.Count == 0 ? "没有授权记录" : own.OrderByDescending(a => a.ValidUntil).First().Refusal(detector, at))}");
            }
        }

        if (permitted.Count == 0)
        {
            throw new NoAuthorizationException(
                $"{ChinaStandardTime.At(at):yyyy-MM-dd HH:mm}（北京时间）没有任何资产持有有效的 {detector} 检测授权，不发送任何数据包"
                + (refusals.Count == 0 ? "：该机构尚未登记资产" : "：" + string.Join("；", refusals.Take(10))));
        }

        var windows = permitted.Select(p => p.Authorization.AllowedWindow).Distinct(StringComparer.Ordinal).ToList();
        if (windows.Count > 1)
        {
            throw new NoAuthorizationException(
                $"这些资产的授权允许时段不同（{string.Join("、", windows.Select(w => w ?? "全天"))}），一次检测只能遵守一个时段：请按时段分批检测");
        }

        TimeOnly? dailyFrom = null, dailyTo = null;
        if (windows[0] is { } window && ScanWindow.TryParseDaily(window, out var from, out var until))
        {
            (dailyFrom, dailyTo) = (from, until);
        }

        var ranges = new List<AddressRange>();
        var origins = new List<WebOrigin>();
        var packages = new List<string>();
        var accounts = new List<OfficialAccount>();
        foreach (var (asset, _) in permitted)
        {
            switch (asset.Kind)
            {
                case AssetKind.Ip when AddressRange.TryParse(asset.Value, out var range):
                    ranges.Add(range);
                    break;
                case AssetKind.Origin:
                    origins.AddRange(OriginsOf(asset.Value));
                    break;
                case AssetKind.App:
                    packages.Add(asset.Value);
                    break;
                case AssetKind.Account:
                    accounts.Add(new OfficialAccount(asset.Value, asset.AppId));
                    break;
            }
        }

        var rates = permitted.Select(p => p.Authorization.MaxRatePerHost).Where(r => r > 0).ToList();
        return new AuthorizedScope(
            ranges,
            origins: origins,
            packages: packages,
            accounts: accounts,
            maxRatePerHost: rates.Count == 0 ? null : rates.Min(),
            window: new ScanWindow(dailyFrom, dailyTo, permitted.Max(p => p.Authorization.ValidFrom), permitted.Min(p => p.Authorization.ValidUntil)));
    }

    // A registered origin is one scheme and port; a bare host name is the site on its usual ports, http and https.
    private static IEnumerable<WebOrigin> OriginsOf(string value)
    {
        if (value.Contains("://", StringComparison.Ordinal) && Uri.TryCreate(value, UriKind.Absolute, out var uri))
        {
            return [new WebOrigin(uri.Scheme, uri.Host.Trim('[', ']'), uri.Port)];
        }

        return [new WebOrigin("http", value, 80), new WebOrigin("https", value, 443)];
    }
}
