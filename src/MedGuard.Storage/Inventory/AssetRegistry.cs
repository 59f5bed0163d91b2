using System.Globalization;
using System.Security.Cryptography;
using MedGuard.Domain.Institutions;
using MedGuard.Domain.Inventory;
using MedGuard.Domain.Platform;
using MedGuard.Domain.Scope;
using MedGuard.Domain.Systems;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Storage.Inventory;

/// <summary>
/// THE one write path for assets (资产) and their authorizations (授权): the CLI, the API and the pages all register
/// through it, so a value is normalized, a duplicate refused and an authorization checked the same way everywhere.
/// Each call saves once through the context it is given — whose tenant scope and change auditor decide who may write
/// and record who did.
/// </summary>
public sealed class AssetRegistry(TimeProvider? time = null)
{
    /// <summary>Default rate per host when the letter names none: the port engine's own per-host default.</summary>
    public const double DefaultRatePerHost = 100;

    /// <summary>The highest rate per host an authorization may allow (hospital servers are fragile).</summary>
    public const double MaxRatePerHost = 10_000;

    /// <summary>The longest an authorization may run: letters are signed for a year or two, never open-ended.</summary>
    public const int MaxValidityDays = 5 * 366;

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>Today in China time, the default first day of an authorization.</summary>
    public DateOnly Today => ChinaStandardTime.DateOf(_time.GetUtcNow());

    /// <summary>The detectors that can look at an asset of the kind: addresses and websites by ports and web, apps by apk, accounts by web and logic.</summary>
    public static IReadOnlyList<string> DetectorsFitting(AssetKind kind) => kind switch
    {
        AssetKind.Ip or AssetKind.Origin => ["ports", "web"],
        AssetKind.App => ["apk"],
        AssetKind.Account => ["web", "logic"],
        _ => [],
    };

    /// <summary>Parses <c>ports,web</c> (also 端口、网站、APK、逻辑; separators , ， 、 ; or spaces); empty → every detector fitting the kind.</summary>
    public static IReadOnlyList<string> ParseDetectors(string? text, AssetKind kind)
    {
        var parts = (text ?? "").Split([',', '，', '、', ';', '；', ' ', '|'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0)
        {
            return DetectorsFitting(kind);
        }

        var detectors = new List<string>();
        foreach (var part in parts)
        {
            var detector = part.ToLowerInvariant() switch
            {
                "ports" or "port" or "端口" or "端口检测" => "ports",
                "web" or "网站" or "网站检测" or "web检测" => "web",
                "apk" or "app" or "应用" or "app检测" => "apk",
                "logic" or "逻辑" or "业务逻辑" => "logic",
                _ => throw new AssetRegistrationException($"未知的检测类型 '{part}'（可选：ports 端口、web 网站、apk 应用、logic 业务逻辑）"),
            };
            if (!detectors.Contains(detector))
            {
                detectors.Add(detector);
            }
        }

        return detectors;
    }

    /// <summary>Finds an institution visible to the context by its id or its exact name; a name two institutions share must be given as an id.</summary>
    public static async Task<Institution> FindInstitutionAsync(MedGuardDbContext db, string nameOrId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var text = nameOrId?.Trim() ?? "";
        if (text.Length == 0)
        {
            throw new AssetRegistrationException("未指定医疗机构（填机构名称或编号）");
        }

        if (Guid.TryParse(text, out var id))
        {
            return await db.Institutions.AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, ct)
                ?? throw new AssetRegistrationException($"找不到编号为 {id} 的医疗机构");
        }

        var named = await db.Institutions.AsNoTracking().Where(i => i.Name == text).Take(2).ToListAsync(ct);
        return named.Count switch
        {
            1 => named[0],
            0 => throw new AssetRegistrationException($"找不到名为「{text}」的医疗机构（先用 medguard institutions add 登记，或填机构编号）"),
            _ => throw new AssetRegistrationException($"有多家医疗机构名为「{text}」（不同行政区划），请改填机构编号"),
        };
    }

    /// <summary>Finds one of the institution's 定级对象 by its id or its exact name.</summary>
    public static async Task<ProtectedSystem> FindSystemAsync(MedGuardDbContext db, Guid institutionId, string nameOrId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var text = nameOrId?.Trim() ?? "";
        var query = db.Systems.AsNoTracking().Where(s => s.InstitutionId == institutionId);
        var found = Guid.TryParse(text, out var id)
            ? await query.Where(s => s.Id == id).Take(2).ToListAsync(ct)
            : await query.Where(s => s.Name == text).Take(2).ToListAsync(ct);
        return found.Count switch
        {
            1 => found[0],
            0 => throw new AssetRegistrationException($"该机构没有定级对象「{text}」"),
            _ => throw new AssetRegistrationException($"该机构有多个名为「{text}」的定级对象，请改填编号"),
        };
    }

    /// <summary>Registers an asset: value normalized, duplicates per institution and kind refused, the system must be the institution's.</summary>
    public async Task<Asset> AddAssetAsync(MedGuardDbContext db, NewAsset asset, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(asset);
        var record = await CheckAssetAsync(db, asset, ct);
        db.Assets.Add(record);
        await SaveAsync(db, ct);
        return record;
    }

    /// <summary>
    /// Registers an asset together with its first authorization, both checked before either is written and saved in one
    /// SaveChanges (one transaction): what a registration form and <c>medguard assets add</c> do. The authorization's
    /// <see cref="NewAuthorization.AssetId"/> is ignored (the new asset's id is used).
    /// </summary>
    public async Task<(Asset Asset, AssetAuthorization Authorization)> RegisterAsync(MedGuardDbContext db, NewAsset asset, NewAuthorization authorization, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(asset);
        ArgumentNullException.ThrowIfNull(authorization);
        var record = await CheckAssetAsync(db, asset, ct);
        var granted = CheckAuthorization(record, authorization with { AssetId = record.Id });
        db.Assets.Add(record);
        db.AssetAuthorizations.Add(granted);
        await SaveAsync(db, ct);
        return (record, granted);
    }

    /// <summary>Records an authorization for an asset (dates sane, detectors known and fitting, window and rate valid, letter bounded and hashed).</summary>
    public async Task<AssetAuthorization> AuthorizeAsync(MedGuardDbContext db, NewAuthorization authorization, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(authorization);
        var asset = await db.Assets.AsNoTracking().FirstOrDefaultAsync(a => a.Id == authorization.AssetId, ct)
            ?? throw new AssetRegistrationException($"找不到编号为 {authorization.AssetId} 的资产");
        var record = CheckAuthorization(asset, authorization);
        db.AssetAuthorizations.Add(record);
        await SaveAsync(db, ct);
        return record;
    }

    /// <summary>Revokes an authorization from now on: runs started afterwards on its asset are refused.</summary>
    public async Task<AssetAuthorization> RevokeAsync(MedGuardDbContext db, Guid authorizationId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var record = await db.AssetAuthorizations.FirstOrDefaultAsync(a => a.Id == authorizationId, ct)
            ?? throw new AssetRegistrationException($"找不到编号为 {authorizationId} 的授权");
        if (record.RevokedAt is { } revoked)
        {
            throw new AssetRegistrationException($"该授权已于 {ChinaStandardTime.At(revoked):yyyy-MM-dd HH:mm} 撤销");
        }

        record.RevokedAt = _time.GetUtcNow();
        await SaveAsync(db, ct);
        return record;
    }

    /// <summary>
    /// Registers every row of a sheet (<see cref="AssetSheet"/>) with its authorization — or none: every row is checked
    /// first and, when any is bad, nothing is written and every bad row is reported (row number + reason), so the user
    /// fixes the sheet and imports it again without half of it already in. The valid sheet is saved in one transaction.
    /// </summary>
    public async Task<AssetSheetImport> ImportSheetAsync(MedGuardDbContext db, IReadOnlyList<AssetSheetRow> rows, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count > AssetSheet.MaxRows)
        {
            throw new AssetRegistrationException($"表格超过 {AssetSheet.MaxRows} 行，请拆分后分批导入");
        }

        var errors = new List<AssetSheetError>();
        var assets = new List<Asset>();
        var authorizations = new List<AssetAuthorization>();
        var institutions = new Dictionary<string, Institution>(StringComparer.Ordinal);
        var inSheet = new Dictionary<(Guid, AssetKind, string), int>();
        foreach (var row in rows)
        {
            try
            {
                var key = row.Institution?.Trim() ?? "";
                if (!institutions.TryGetValue(key, out var institution))
                {
                    institution = await FindInstitutionAsync(db, key, ct);
                    institutions[key] = institution;
                }

                if (!AssetKindNames.TryParse(row.Kind, out var kind))
                {
                    throw new AssetRegistrationException($"未知的资产类型 '{row.Kind}'（可选：IP地址 ip、网站 origin、App app、公众号 account）");
                }

                var system = string.IsNullOrWhiteSpace(row.System) ? null : await FindSystemAsync(db, institution.Id, row.System, ct);
                var asset = await CheckAssetAsync(db, new NewAsset
                {
                    InstitutionId = institution.Id,
                    Kind = kind,
                    Value = row.Value ?? "",
                    Name = row.Name,
                    SystemId = system?.Id,
                }, ct);
                if (inSheet.TryGetValue((asset.InstitutionId, asset.Kind, asset.Value), out var first))
                {
                    throw new AssetRegistrationException($"与第 {first} 行重复（{kind.ToChinese()} {asset.Value}）");
                }

                if (string.IsNullOrWhiteSpace(row.ValidUntil))
                {
                    throw new AssetRegistrationException("缺少授权止（授权有效期的最后一天）");
                }

                var authorization = CheckAuthorization(asset, new NewAuthorization
                {
                    AssetId = asset.Id,
                    AuthorizedBy = string.IsNullOrWhiteSpace(row.AuthorizedBy) ? institution.Name : row.AuthorizedBy,
                    ValidFrom = string.IsNullOrWhiteSpace(row.ValidFrom) ? Today : ParseDate(row.ValidFrom, "授权起"),
                    ValidUntil = ParseDate(row.ValidUntil, "授权止"),
                    Detectors = ParseDetectors(row.Detectors, kind),
                    AllowedWindow = string.IsNullOrWhiteSpace(row.Window) ? null : row.Window.Trim(),
                    MaxRatePerHost = string.IsNullOrWhiteSpace(row.RatePerHost) ? null : ParseRate(row.RatePerHost),
                });
                inSheet[(asset.InstitutionId, asset.Kind, asset.Value)] = row.Number;
                assets.Add(asset);
                authorizations.Add(authorization);
            }
            catch (Exception ex) when (ex is AssetRegistrationException or AssetValueException)
            {
                errors.Add(new AssetSheetError(row.Number, ex.Message));
            }
        }

        if (errors.Count > 0 || assets.Count == 0)
        {
            if (assets.Count == 0 && errors.Count == 0)
            {
                errors.Add(new AssetSheetError(0, "表格中没有资产行"));
            }

            return new AssetSheetImport([], errors);
        }

        // One SaveChanges is one transaction (assets before their authorizations by the foreign key) — and no explicit
        // transaction around it: an audited context's trail writes through its own connection after the save.
        db.Assets.AddRange(assets);
        db.AssetAuthorizations.AddRange(authorizations);
        await SaveAsync(db, ct);
        return new AssetSheetImport(assets, []);
    }

    /// <summary>Parses a date as people write it in a sheet or on a command line: 2027-06-30, 2027/6/30, 2027.6.30, 20270630.</summary>
    public static DateOnly ParseDate(string text, string field)
    {
        string[] formats = ["yyyy-M-d", "yyyy/M/d", "yyyy.M.d", "yyyyMMdd", "yyyy-M-d H:mm:ss", "yyyy/M/d H:mm:ss", "yyyy-M-d H:mm", "yyyy/M/d H:mm"];
        var trimmed = text.Trim();
        if (DateTime.TryParseExact(trimmed, formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            return DateOnly.FromDateTime(parsed);
        }

        return DateTime.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.None, out parsed) && parsed.TimeOfDay == TimeSpan.Zero
            ? DateOnly.FromDateTime(parsed)
            : throw new AssetRegistrationException($"{field}日期 '{text}' 无法识别（应为 2027-06-30 这样的日期）");
    }

    private static double ParseRate(string text) =>
        double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var rate)
            ? rate
            : throw new AssetRegistrationException($"每主机速率 '{text}' 不是数字（每秒连接或请求数）");

    private async Task<Asset> CheckAssetAsync(MedGuardDbContext db, NewAsset asset, CancellationToken ct)
    {
        var value = Asset.Normalize(asset.Kind, asset.Value);
        if (!await db.Institutions.AnyAsync(i => i.Id == asset.InstitutionId, ct))
        {
            throw new AssetRegistrationException($"找不到编号为 {asset.InstitutionId} 的医疗机构");
        }

        if (asset.SystemId is { } systemId && !await db.Systems.AnyAsync(s => s.Id == systemId && s.InstitutionId == asset.InstitutionId, ct))
        {
            throw new AssetRegistrationException("所选定级对象不属于该医疗机构");
        }

        if (await db.Assets.AnyAsync(a => a.InstitutionId == asset.InstitutionId && a.Kind == asset.Kind && a.Value == value, ct))
        {
            throw new AssetRegistrationException($"该机构已登记{asset.Kind.ToChinese()}资产 {value}，不能重复登记");
        }

        var sha = Optional(asset.ApkSha256, 64, "APK 的 SHA-256")?.ToLowerInvariant();
        if (sha is not null && (sha.Length != 64 || !sha.All(char.IsAsciiHexDigit)))
        {
            throw new AssetRegistrationException("APK 的 SHA-256 应为 64 位十六进制");
        }

        var entryUrl = Optional(asset.EntryUrl, 500, "入口地址");
        if (entryUrl is not null && (!Uri.TryCreate(entryUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)))
        {
            throw new AssetRegistrationException($"入口地址 '{entryUrl}' 不是有效的 http(s) 地址");
        }

        return new Asset
        {
            Id = asset.Id ?? Guid.NewGuid(),
            InstitutionId = asset.InstitutionId,
            SystemId = asset.SystemId,
            Kind = asset.Kind,
            Value = value,
            Name = Optional(asset.Name, 200, "名称"),
            Note = Optional(asset.Note, 1000, "备注"),
            AppId = Optional(asset.AppId, 64, "AppID"),
            EntryUrl = entryUrl,
            ApkSha256 = sha,
            Zone = ZoneOf(asset.Zone),
            CreatedAt = _time.GetUtcNow(),
        };
    }

    private static string ZoneOf(string? zone)
    {
        try
        {
            return NetworkZone.Normalize(zone);
        }
        catch (AssetValueException ex)
        {
            throw new AssetRegistrationException(ex.Message);
        }
    }

    private AssetAuthorization CheckAuthorization(Asset asset, NewAuthorization authorization)
    {
        var by = authorization.AuthorizedBy?.Trim() ?? "";
        if (by.Length is 0 or > 200)
        {
            throw new AssetRegistrationException("授权单位/签署人不能为空且不超过 200 字");
        }

        var (from, until) = (authorization.ValidFrom, authorization.ValidUntil);
        if (from.Year < 2000 || until.Year > 2100)
        {
            throw new AssetRegistrationException($"授权日期 {from:yyyy-MM-dd} 至 {until:yyyy-MM-dd} 不合理");
        }

        if (until < from)
        {
            throw new AssetRegistrationException($"授权止 {until:yyyy-MM-dd} 早于授权起 {from:yyyy-MM-dd}");
        }

        if (until.DayNumber - from.DayNumber > MaxValidityDays)
        {
            throw new AssetRegistrationException($"授权有效期超过 5 年（{from:yyyy-MM-dd} 至 {until:yyyy-MM-dd}），请按授权书填写");
        }

        var fitting = DetectorsFitting(asset.Kind);
        var detectors = authorization.Detectors.Count == 0 ? fitting : authorization.Detectors.Select(d => d.Trim().ToLowerInvariant()).Distinct().ToList();
        foreach (var detector in detectors)
        {
            if (!AssetAuthorization.KnownDetectors.Contains(detector))
            {
                throw new AssetRegistrationException($"未知的检测类型 '{detector}'（可选：{string.Join("、", AssetAuthorization.KnownDetectors)}）");
            }

            if (!fitting.Contains(detector))
            {
                throw new AssetRegistrationException($"{asset.Kind.ToChinese()}资产不适用 {detector} 检测（可用：{string.Join("、", fitting)}）");
            }
        }

        if (authorization.AllowedWindow is { } window && !ScanWindow.TryParseDaily(window, out _, out _))
        {
            throw new AssetRegistrationException($"允许时段 '{window}' 无法识别（应为 22:00-06:00 这样的时段，起止不同）");
        }

        var rate = authorization.MaxRatePerHost ?? DefaultRatePerHost;
        if (!(rate > 0 && rate <= MaxRatePerHost))
        {
            throw new AssetRegistrationException($"每主机速率应大于 0 且不超过 {MaxRatePerHost:0}（每秒连接或请求数）");
        }

        string? letterSha = null;
        if (authorization.Letter is { } letter)
        {
            if (letter.Length == 0)
            {
                throw new AssetRegistrationException("授权书文件为空");
            }

            if (letter.Length > AssetAuthorization.MaxLetterBytes)
            {
                throw new AssetRegistrationException($"授权书文件超过 {AssetAuthorization.MaxLetterBytes / 1024 / 1024} MB");
            }

            letterSha = Convert.ToHexStringLower(SHA256.HashData(letter));
        }

        var fileName = authorization.LetterFileName is { } name ? Path.GetFileName(name.Trim()) : null;
        return new AssetAuthorization
        {
            AssetId = asset.Id,
            InstitutionId = asset.InstitutionId,
            AuthorizedBy = by,
            ValidFrom = from,
            ValidUntil = until,
            Detectors = [.. detectors],
            AllowedWindow = authorization.AllowedWindow?.Trim(),
            MaxRatePerHost = rate,
            Letter = authorization.Letter,
            LetterSha256 = letterSha,
            LetterFileName = string.IsNullOrEmpty(fileName) ? null : Optional(fileName, 255, "授权书文件名"),
            CreatedAt = _time.GetUtcNow(),
        };
    }

    private static string? Optional(string? text, int max, string field)
    {
        var trimmed = text?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return null;
        }

        return trimmed.Length <= max ? trimmed : throw new AssetRegistrationException($"{field}不超过 {max} 字");
    }

    private static async Task SaveAsync(MedGuardDbContext db, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.InnerException?.Message.Contains("UNIQUE", StringComparison.OrdinalIgnoreCase) == true
            || ex.InnerException?.Message.Contains("duplicate key", StringComparison.OrdinalIgnoreCase) == true)
        {
            // Two registrations of the same value at once: the unique index refuses the second.
            db.ChangeTracker.Clear();
            throw new AssetRegistrationException("该资产刚被他人登记，不能重复登记");
        }
    }
}
