using MedGuard.Detection.Logic;
using MedGuard.Detection.Logic.Profiles;
using MedGuard.Detection.Logic.Scenarios;
using MedGuard.Detection.Logic.Yaml;
using MedGuard.Detection.Web.Http;
using MedGuard.Domain.Campaigns;
using MedGuard.Domain.Detection;
using MedGuard.Domain.Findings;
using MedGuard.Domain.Inventory;
using MedGuard.Domain.Scope;

namespace MedGuard.Jobs;

/// <summary>
/// The business-logic detector (业务逻辑检测, issue 15) on a 公众号 asset: the logic engine against the asset's H5 entry,
/// with the test identities the hospital lent. Those are secrets, so they never enter the database: they sit on the
/// worker's host in <see cref="JobEngineOptions.LogicDirectory"/>/&lt;asset id or AppID&gt;/ — <c>identities.yaml</c>
/// (required), optionally <c>profile.yaml</c> (服务绑定; default the bundled Spring envelope binding) and
/// <c>scenarios/</c> or <c>scenarios.yaml</c> (default the bundled library). The engine's findings are re-addressed to
/// the account, so the importer files them under the asset like any other detector's.
/// </summary>
internal static class LogicTaskDetector
{
    public const string IdentitiesFile = "identities.yaml";

    public static async Task<DetectionRun> RunAsync(Campaign campaign, Asset asset, AuthorizedScope scope, JobEngineOptions options, CancellationToken ct)
    {
        if (asset.Kind != AssetKind.Account)
        {
            throw new TaskRefusedException($"业务逻辑检测只适用于公众号资产，{asset.Value} 是{asset.Kind.ToChinese()}资产");
        }

        var folder = ConfigFolder(asset, options);
        var entry = asset.EntryUrl is { } text && Uri.TryCreate(text, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps)
            ? url
            : throw new TaskRefusedException($"公众号资产 {asset.Value} 没有登记 H5 入口地址（http/https），业务逻辑检测无目标");
        var baseUrl = new Uri(entry.GetLeftPart(UriPartial.Authority) + "/");

        LogicScanOptions logic;
        try
        {
            var profile = File.Exists(Path.Combine(folder, "profile.yaml")) ? ScenarioLoader.LoadProfile(Path.Combine(folder, "profile.yaml")) : ScenarioLoader.LoadBundledProfile();
            var scenarios = Directory.Exists(Path.Combine(folder, "scenarios")) ? ScenarioLoader.LoadPath(Path.Combine(folder, "scenarios"))
                : File.Exists(Path.Combine(folder, "scenarios.yaml")) ? ScenarioLoader.LoadPath(Path.Combine(folder, "scenarios.yaml"))
                : ScenarioLoader.LoadBundled();
            if (profile.BaseUrl is { } bound && !string.Equals(bound.GetLeftPart(UriPartial.Authority), entry.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase))
            {
                throw new TaskRefusedException($"服务绑定的 baseUrl {bound} 与资产登记的 H5 入口 {entry} 不是同一站点，拒绝检测");
            }

            logic = new LogicScanOptions
            {
                // The account's authorization covers its registered H5 entry and nothing else: the run's scope is that
                // one origin, with the authorization's rate and window.
                Scope = new AuthorizedScope(
                    origins: [new WebOrigin(entry.Scheme, entry.Host.Trim('[', ']').ToLowerInvariant(), entry.Port)],
                    maxRatePerHost: scope.MaxRatePerHost,
                    window: scope.Window),
                ScopeDescription = $"任务计划「{campaign.Name}」的授权范围：公众号 {asset.Value} 的 H5 入口 {baseUrl}",
                // The task's scope was derived from authorizations that permit "logic" (AuthorizedScopes.From), or it
                // would have been refused before this point.
                AuthorizedDetectors = [LogicScanReport.DetectorId],
                Profile = profile,
                BaseUrl = baseUrl,
                Scenarios = scenarios,
                Identities = IdentitySet.Load(Path.Combine(folder, IdentitiesFile)),
                RatePerSecond = scope.CapRatePerHost(5),
            };
        }
        catch (LogicFormatException ex)
        {
            throw new TaskRefusedException($"公众号资产 {asset.Value} 的业务逻辑检测配置有误：{ex.Message}");
        }

        LogicScanReport report;
        try
        {
            report = await LogicScanner.ScanAsync(logic, ct);
        }
        catch (Exception ex) when (ex is ScanRefusedException or LoginFailedException)
        {
            throw new TaskRefusedException(ex.Message);
        }

        return ForAccount(report.ToDetectionRun(), asset, report.Origin);
    }

    /// <summary>
    /// The engine reports places on the H5 origin; the platform files them under the account: each finding's target
    /// becomes the account with the endpoint (<c>POST /api/reg/cancel</c>), and the run covers the account. A scenario
    /// that could not be judged, or a booking it could not undo, keeps its note <c>ACCOUNT#RULE</c>: that scenario's
    /// earlier findings stay open (a run that did not prove them fixed closes nothing of them), the others may close.
    /// </summary>
    internal static DetectionRun ForAccount(DetectionRun run, Asset asset, string origin)
    {
        var account = asset.Value;
        var findings = run.Findings.Select(f => f with
        {
            Target = new AccountTarget(account, f.Target is WebTarget web ? $"{web.Method ?? "GET"} {web.Path}" : f.Target.Display),
        });
        List<CoverageNote> notes = [.. run.Coverage.Select(n => n with { Subject = n.Subject.Replace(origin, account, StringComparison.OrdinalIgnoreCase) })];

        return run with
        {
            Target = $"{account}（{origin}）",
            Findings = DetectionRun.MergeByFingerprint(findings),
            Coverage = notes,
            Covered = [account],
        };
    }

    private static string ConfigFolder(Asset asset, JobEngineOptions options)
    {
        var root = options.LogicDirectory
            ?? throw new TaskRefusedException("平台未配置业务逻辑检测目录（存放测试账号的 identities.yaml），无法进行业务逻辑检测");
        string[] keys = asset.AppId is { Length: > 0 } appId && appId.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-') ? [asset.Id.ToString("D"), appId] : [asset.Id.ToString("D")];
        foreach (var key in keys)
        {
            var folder = Path.Combine(root, key);
            if (File.Exists(Path.Combine(folder, IdentitiesFile)))
            {
                return folder;
            }
        }

        throw new TaskRefusedException(
            $"公众号资产 {asset.Value} 没有业务逻辑检测的测试账号：请在 {Path.Combine(root, keys[^1])} 中放置 {IdentitiesFile}（医院提供的测试身份，只存放在检测节点上，不进数据库）");
    }
}
