using MedGuard.Domain.Inventory;
using MedGuard.Domain.Platform;
using MedGuard.Server.Inventory;
using MedGuard.Storage;
using MedGuard.Storage.Inventory;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Server.Api;

/// <summary>
/// /api/assets: the assets (资产) in scope and their authorizations (授权) — registered, authorized (with the letter
/// uploaded and hashed), revoked and bulk-imported through <see cref="AssetRegistry"/>, the same path as the pages and
/// the CLI. Another tenant's asset answers 404.
/// </summary>
public static class AssetsApi
{
    public static void MapAssetsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/assets", async (MedGuardDbContext db, AssetService assets, Guid? institution, Guid? system, string? kind, string? q, int? page, int? pageSize) =>
        {
            var size = Math.Clamp(pageSize ?? 50, 1, 500);
            var (total, rows) = await assets.ListAsync(db, new AssetFilter(institution, system, ParseKind(kind), q), page ?? 1, size);
            return Results.Ok(new AssetPage(total, Math.Max(1, page ?? 1), size, [.. rows.Select(r => AssetView.Of(r.Asset, r.Institution, r.System) with { Authorization = r.Authorization, OpenFindings = r.OpenFindings })]));
        }).WithSummary("资产列表（筛选：机构、定级对象、类型 ip/origin/app/account、关键字；分页）");
        api.MapPost("/assets", async (NewAssetRequest body, HttpContext http, MedGuardDbContext db, AssetService assets) =>
        {
            PlatformApi.Require(AssetService.CanRegister(http.User));
            var kind = ParseKind(body.Kind) ?? throw new AssetRegistrationException("缺少资产类型（ip / origin / app / account）");
            if (!await db.Institutions.AnyAsync(i => i.Id == body.InstitutionId))
            {
                throw new KeyNotFoundException();
            }

            var asset = new NewAsset
            {
                InstitutionId = body.InstitutionId,
                Kind = kind,
                Value = body.Value,
                Name = body.Name,
                SystemId = body.SystemId,
                AppId = body.AppId,
                EntryUrl = body.EntryUrl,
                ApkSha256 = body.ApkSha256,
                Note = body.Note,
            };
            Asset created;
            if (body.Authorization is { } z)
            {
                (created, _) = await assets.Registry.RegisterAsync(db, asset, z.ToNew(Guid.Empty, kind));
            }
            else
            {
                created = await assets.Registry.AddAssetAsync(db, asset);
            }

            return Results.Created($"/api/assets/{created.Id}", AssetView.Of(created, "", null));
        }).WithSummary("登记资产（可同时登记授权，不含授权书文件；授权书请用 POST /api/assets/{id}/authorizations 上传）");
        api.MapGet("/assets/{id:guid}", async (Guid id, MedGuardDbContext db, AssetService assets) =>
        {
            var d = await assets.DetailAsync(db, id);
            return Results.Ok(new AssetDetailView(
                AssetView.Of(d.Asset, d.Institution, d.System),
                [.. d.Authorizations.Select(z => AuthorizationView.Of(z, assets.StateOf(z)))],
                d.Findings.Total,
                d.Findings.Open,
                d.Findings.Overdue));
        }).WithSummary("资产详情：授权（授权书 SHA-256、有效期、检测类型、时段、速率、状态）与检测发现数量");
        api.MapPost("/assets/{id:guid}/authorizations", async (Guid id, HttpContext http, MedGuardDbContext db, AssetService assets) =>
        {
            PlatformApi.Require(AssetService.CanRegister(http.User));
            var asset = await db.Assets.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id) ?? throw new KeyNotFoundException();
            if (!http.Request.HasFormContentType)
            {
                throw new AssetRegistrationException("请以 multipart/form-data 提交：letter（授权书文件）、authorizedBy、validFrom、validUntil、detectors、window、rate");
            }

            var form = await http.Request.ReadFormAsync();
            var (fileName, letter) = await AssetService.ReadLetterAsync(form.Files.GetFile("letter"));
            var request = new AuthorizationRequest(
                form["authorizedBy"].ToString(),
                string.IsNullOrWhiteSpace(form["validFrom"]) ? null : form["validFrom"].ToString(),
                form["validUntil"].ToString(),
                form["detectors"].ToString(),
                string.IsNullOrWhiteSpace(form["window"]) ? null : form["window"].ToString(),
                string.IsNullOrWhiteSpace(form["rate"]) ? null : double.Parse(form["rate"].ToString(), System.Globalization.CultureInfo.InvariantCulture));
            var created = await assets.AuthorizeAsync(db, request.ToNew(id, asset.Kind) with { LetterFileName = fileName, Letter = letter });
            return Results.Created($"/api/assets/{id}", AuthorizationView.Of(created, assets.StateOf(created)));
        }).WithSummary("登记授权（multipart：letter 授权书文件，保存其 SHA-256；authorizedBy、validFrom、validUntil、detectors、window、rate）");
        api.MapPost("/assets/{id:guid}/authorizations/{authorizationId:guid}/revoke", async (Guid id, Guid authorizationId, HttpContext http, MedGuardDbContext db, AssetService assets) =>
        {
            PlatformApi.Require(AssetService.CanRegister(http.User));
            var revoked = await assets.RevokeAsync(db, id, authorizationId);
            return Results.Ok(AuthorizationView.Of(revoked, assets.StateOf(revoked)));
        }).WithSummary("撤销授权（此后开始的检测运行不再被接受）");
        api.MapPost("/assets/import", async (HttpContext http, MedGuardDbContext db, AssetService assets) =>
        {
            PlatformApi.Require(AssetService.CanRegister(http.User));
            if (!http.Request.HasFormContentType)
            {
                throw new AssetRegistrationException("请以 multipart/form-data 上传资产表格（字段 sheet，.csv 或 .xlsx）");
            }

            var form = await http.Request.ReadFormAsync();
            var result = await assets.ImportSheetAsync(db, form.Files.GetFile("sheet") ?? form.Files.FirstOrDefault());
            var view = new AssetSheetView(result.Added.Count, [.. result.Errors.Select(e => new AssetSheetErrorView(e.Row, e.Reason))]);
            return result.Written ? Results.Ok(view) : Results.BadRequest(view);
        }).WithSummary("批量导入资产表格（.csv/.xlsx：机构、类型、值、名称、定级对象、授权单位、授权起、授权止、检测类型、时间窗口、每主机速率）；有错误行时全部不导入并逐行说明");

        // 候选资产 (issue 18 §5): the servers the institution's apps talk to, offered by imported APK runs; never scanned until
        // accepted (registered as a website asset) and authorized.
        api.MapGet("/asset-candidates", async (MedGuardDbContext db, Guid? institution, bool? all) =>
        {
            var rows = await AppEndpointCandidates.ListAsync(db, institution, all ?? false);
            return Results.Ok(rows.Select(CandidateView.Of).ToList());
        }).WithSummary("候选资产（来自 App 检测的通信地址）：默认只列待处理的；all=true 含已登记、已忽略的");
        api.MapPost("/asset-candidates/{id:guid}/accept", async (Guid id, AcceptCandidateRequest? body, HttpContext http, MedGuardDbContext db, AssetService assets) =>
        {
            PlatformApi.Require(AssetService.CanRegister(http.User));
            var request = body ?? new AcceptCandidateRequest();
            var (candidate, asset, authorization) = await assets.AcceptCandidateAsync(db, http.User, id, new CandidateAcceptance
            {
                DecidedBy = http.User.Identity?.Name ?? "",
                Value = request.Value,
                Name = request.Name,
                SystemId = request.SystemId,
                Zone = request.Zone,
                Authorization = request.Authorization?.ToNew(Guid.Empty, AssetKind.Origin),
            });
            return Results.Created($"/api/assets/{asset.Id}", new AcceptedCandidateView(
                CandidateView.Of(new CandidateRow(candidate, "")), AssetView.Of(asset, "", null),
                authorization is null ? null : AuthorizationView.Of(authorization, assets.StateOf(authorization))));
        }).WithSummary("登记候选资产：成为该机构的网站资产（可同时登记授权；未授权的资产不会被检测）");
        api.MapPost("/asset-candidates/{id:guid}/dismiss", async (Guid id, DismissCandidateRequest? body, HttpContext http, MedGuardDbContext db, AssetService assets) =>
        {
            PlatformApi.Require(AssetService.CanRegister(http.User));
            var candidate = await assets.DismissCandidateAsync(db, http.User, id, body?.Reason);
            return Results.Ok(CandidateView.Of(new CandidateRow(candidate, "")));
        }).WithSummary("忽略候选资产（须填理由，如第三方 SDK 服务器）；再次导入不会恢复");
    }

    private static AssetKind? ParseKind(string? kind) =>
        string.IsNullOrWhiteSpace(kind) ? null
        : AssetKindNames.TryParse(kind, out var parsed) ? parsed
        : throw new AssetRegistrationException($"未知的资产类型 '{kind}'（可选：ip、origin、app、account）");
}

public sealed record AuthorizationRequest(string AuthorizedBy, string? ValidFrom, string ValidUntil, string? Detectors = null, string? Window = null, double? Rate = null)
{
    public NewAuthorization ToNew(Guid assetId, AssetKind kind) => new()
    {
        AssetId = assetId,
        AuthorizedBy = AuthorizedBy,
        ValidFrom = string.IsNullOrWhiteSpace(ValidFrom) ? ChinaStandardTime.DateOf(DateTimeOffset.UtcNow) : AssetRegistry.ParseDate(ValidFrom, "授权起"),
        ValidUntil = string.IsNullOrWhiteSpace(ValidUntil) ? throw new AssetRegistrationException("缺少授权止（授权有效期的最后一天）") : AssetRegistry.ParseDate(ValidUntil, "授权止"),
        Detectors = AssetRegistry.ParseDetectors(Detectors, kind),
        AllowedWindow = Window,
        MaxRatePerHost = Rate,
    };
}

public sealed record NewAssetRequest(
    Guid InstitutionId, string Kind, string Value, string? Name = null, Guid? SystemId = null, string? AppId = null, string? EntryUrl = null, string? ApkSha256 = null,
    string? Note = null, AuthorizationRequest? Authorization = null);

public sealed record AssetView(Guid Id, Guid InstitutionId, string Institution, Guid? SystemId, string? System, string Kind, string Value, string? Name, string? AppId, string? EntryUrl,
    string? ApkSha256)
{
    public string? Authorization { get; init; }

    public int? OpenFindings { get; init; }

    public static AssetView Of(Asset a, string institution, string? system) =>
        new(a.Id, a.InstitutionId, institution, a.SystemId, system, a.Kind.ToString().ToLowerInvariant(), a.Value, a.Name, a.AppId, a.EntryUrl, a.ApkSha256);
}

public sealed record AuthorizationView(Guid Id, string AuthorizedBy, string? LetterFileName, string? LetterSha256, DateOnly ValidFrom, DateOnly ValidUntil,
    IReadOnlyList<string> Detectors, string? AllowedWindow, double MaxRatePerHost, DateTimeOffset? RevokedAt, string State)
{
    public static AuthorizationView Of(AssetAuthorization z, string state) =>
        new(z.Id, z.AuthorizedBy, z.LetterFileName, z.LetterSha256, z.ValidFrom, z.ValidUntil, z.Detectors, z.AllowedWindow, z.MaxRatePerHost, z.RevokedAt, state);
}

public sealed record AssetDetailView(AssetView Asset, IReadOnlyList<AuthorizationView> Authorizations, int Findings, int OpenFindings, int OverdueFindings);

public sealed record AssetPage(int Total, int Page, int PageSize, IReadOnlyList<AssetView> Items);

public sealed record AssetSheetErrorView(int Row, string Reason);

public sealed record AssetSheetView(int Added, IReadOnlyList<AssetSheetErrorView> Errors);

public sealed record AcceptCandidateRequest(string? Value = null, string? Name = null, Guid? SystemId = null, string? Zone = null, AuthorizationRequest? Authorization = null);

public sealed record DismissCandidateRequest(string? Reason = null);

public sealed record CandidateView(
    Guid Id, Guid InstitutionId, string Institution, string Origin, string Host, IReadOnlyList<string> Apps, string? ThirdParty, bool Cleartext,
    DateTimeOffset FirstSeenAt, DateTimeOffset LastSeenAt, string Status, string StatusName, string? DecidedBy, DateTimeOffset? DecidedAt, string? DismissReason,
    Guid? AcceptedAssetId)
{
    public static CandidateView Of(CandidateRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var c = row.Candidate;
        return new(c.Id, c.InstitutionId, row.Institution, c.Origin, c.Host, c.Packages, c.ThirdParty, c.Cleartext, c.FirstSeenAt, c.LastSeenAt,
            c.Status.ToString().ToLowerInvariant(), c.Status.ToChinese(), c.DecidedBy, c.DecidedAt, c.DismissReason, c.AcceptedAssetId);
    }
}

public sealed record AcceptedCandidateView(CandidateView Candidate, AssetView Asset, AuthorizationView? Authorization);
