using System.Diagnostics;
using MedGuard.Detection.Apk;
using MedGuard.Detection.Apk.Reporting;
using MedGuard.Detection.Ports.Policy;
using MedGuard.Detection.Ports.PortSets;
using MedGuard.Detection.Ports.Reporting;
using MedGuard.Detection.Ports.Scanning;
using MedGuard.Detection.Ports.Scope;
using MedGuard.Detection.Web.Crawl;
using MedGuard.Detection.Web.Http;
using MedGuard.Detection.Web.Scanning;
using MedGuard.Domain.Campaigns;
using MedGuard.Domain.Detection;
using MedGuard.Domain.Inventory;
using MedGuard.Domain.Scope;

namespace MedGuard.Jobs;

/// <summary>A task the detector cannot run (no APK file, nothing to reach…): refused with the reason, nothing sent.</summary>
public sealed class TaskRefusedException(string message) : Exception(message);

/// <summary>
/// Runs one task's detector through the engine libraries, inside the scope the asset's authorization gives (its
/// per-host rate, its addresses or origin, nothing else), with light campaign settings: ports — the connect scanner
/// on the asset's addresses and the campaign's port list; web — the web engine on the asset's origin, browser off;
/// apk — the analyzer on the uploaded file, when the platform has it; logic — the business-logic engine on an
/// account's H5 entry (<see cref="LogicTaskDetector"/>).
/// </summary>
internal static class TaskDetectors
{
    public static async Task<(DetectionRun Run, TimeSpan ScanTime)> RunAsync(
        Campaign campaign, CampaignTask task, Asset asset, AuthorizedScope scope, JobEngineOptions options, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var run = task.Detector switch
        {
            "ports" => await PortsAsync(campaign, asset, scope, ct),
            "web" => await WebAsync(campaign, scope, ct),
            "apk" => Apk(asset, options),
            "logic" => await LogicTaskDetector.RunAsync(campaign, asset, scope, options, ct),
            _ => throw new TaskRefusedException($"未知的检测类型 {task.Detector}"),
        };
        return (run, clock.Elapsed);
    }

    private static async Task<DetectionRun> PortsAsync(Campaign campaign, Asset asset, AuthorizedScope scope, CancellationToken ct)
    {
        var limits = new ScopeLimits { MaxAddresses = 65_536 };
        var targets = TargetResolver.Resolve([asset.Value], scope, limits);
        var ports = PortSet.Parse(campaign.Ports);
        // The authorization's per-host rate binds; the campaign adds no burst of its own (hospital servers are fragile).
        var hostRate = scope.CapRatePerHost(100);
        var options = new ScanOptions
        {
            PerHostRate = hostRate,
            GlobalRate = Math.Max(hostRate, 500),
            GlobalConcurrency = 128,
            PerHostConcurrency = 4,
            InitialTimeout = TimeSpan.FromMilliseconds(800),
            MinTimeout = TimeSpan.FromMilliseconds(200),
            Retries = 1,
        };
        var scanner = new ConnectScanner(scope, options);
        var started = DateTimeOffset.UtcNow;
        var results = await scanner.ScanAsync(targets, ports, ct);
        var finished = DateTimeOffset.UtcNow;
        var report = ScanReport.Build(results, HighRiskPortPolicy.Default, finished).WithRun(started, finished, campaign.Ports);
        return report.ToDetectionRun(scope.Describe($"任务计划「{campaign.Name}」的授权范围"), $"{asset.Value} 端口 {campaign.Ports}");
    }

    private static async Task<DetectionRun> WebAsync(Campaign campaign, AuthorizedScope scope, CancellationToken ct)
    {
        // A bare host authorizes http and https; https is scanned first (the site people use), http only without it.
        var origin = scope.Origins.OrderByDescending(o => o.Scheme == "https").FirstOrDefault()
            ?? throw new TaskRefusedException("授权范围内没有网站地址，网站检测无目标");
        var scheme = origin.Scheme ?? "https";
        var target = new UriBuilder(scheme, origin.Host, origin.Port).Uri;
        var rate = scope.CapRatePerHost(20);
        var options = new WebScanOptions
        {
            Http = new HttpPipelineOptions { PerHostRatePerSecond = rate, GlobalRatePerSecond = Math.Max(rate, 50), SafeMode = true },
            Crawl = new CrawlOptions { MaxPages = campaign.WebMaxPages, Browser = BrowserMode.Off },
        };
        try
        {
            var report = await new WebScanner(scope, options).ScanAsync(target, ct);
            return report.ToDetectionRun(scope.Describe($"任务计划「{campaign.Name}」的授权范围"));
        }
        catch (ScanRefusedException ex)
        {
            throw new TaskRefusedException(ex.Message);
        }
    }

    private static DetectionRun Apk(Asset asset, JobEngineOptions options)
    {
        var file = asset.ApkSha256 is { Length: 64 } sha && options.ApkDirectory is { } directory ? Path.Combine(directory, sha.ToLowerInvariant() + ".apk") : null;
        if (file is null || !File.Exists(file))
        {
            throw new TaskRefusedException($"App 资产 {asset.Value} 没有可用的 APK 文件（平台未保存其安装包{(asset.ApkSha256 is null ? "，也未登记 SHA-256" : "")}），无法进行 App 检测：请先上传 APK");
        }

        var started = DateTimeOffset.UtcNow;
        var report = new ApkAnalyzer().Analyze(file);
        return new ApkBatchResult([report], []) { StartedAt = started, EndedAt = DateTimeOffset.UtcNow }.ToDetectionRun($"资产 {asset.Value} 的已上传 APK");
    }
}
