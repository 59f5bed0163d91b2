using System.Collections.Concurrent;
using System.Diagnostics;
using MedGuard.Detection.Web.Active;
using MedGuard.Detection.Web.Crawl;
using MedGuard.Detection.Web.Http;
using MedGuard.Detection.Web.Libraries;
using MedGuard.Detection.Web.Pii;
using MedGuard.Detection.Web.Templates;
using MedGuard.Detection.Web.Tls;
using MedGuard.Domain.Findings;
using MedGuard.Domain.Scope;

namespace MedGuard.Detection.Web.Scanning;

/// <summary>
/// Scans one site inside an authorized scope: optional login, soft-404 profile, crawl, check templates, active checks
/// on every discovered parameter, and the personal data scan of every response seen.
/// </summary>
public sealed partial class WebScanner(AuthorizedScope scope, WebScanOptions? options = null)
{
    private readonly WebScanOptions _options = options ?? new WebScanOptions();

    /// <summary>
    /// Every GB/T 22239 citation in the engine's embedded data (bundled templates, the engine's own findings) with its
    /// file and line, for the catalog check in MedGuard.Standards (StandardRefIntegrity).
    /// </summary>
    public static IEnumerable<StandardRefSite> StandardRefs() => TemplateLoader.StandardRefs().Concat(FindingRefs.StandardRefs());

    public async Task<WebScanReport> ScanAsync(Uri target, CancellationToken cancellationToken = default)
    {
        if (!scope.Permits(target))
        {
            throw new OutOfScopeException(target);
        }

        var started = DateTimeOffset.UtcNow;
        var watch = Stopwatch.StartNew();
        using var pipeline = new SafeHttpPipeline(scope, _options.Http);
        var templates = new TemplateRunner(pipeline, _options.Templates ?? TemplateLoader.LoadBundled());
        var findings = new ConcurrentDictionary<string, WebFinding>(StringComparer.Ordinal);
        var piiSeen = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        Soft404Profile? soft404 = null;
        var libraries = new OutdatedLibraryCheck();

        // One per rule, method, place and parameter; the run merges methods later (its fingerprint has no method).
        void Add(WebFinding f) => findings.TryAdd($"{f.RuleId}\n{f.Method}\n{f.Url}\n{f.Parameter}", f);

        void Observe(HttpExchange exchange)
        {
            foreach (var f in templates.EvaluatePassive(exchange, soft404).Concat(libraries.Evaluate(exchange)))
            {
                Add(f);
            }

            var page = exchange.Request.Url.GetLeftPart(UriPartial.Path);
            if (!piiSeen.ContainsKey(page) && PersonalDataExposure.Evaluate(exchange) is { } pii && piiSeen.TryAdd(page, true))
            {
                Add(pii);
            }
        }

        // Every response the scan receives — login, crawl, templates, probes — goes through the passive checks.
        pipeline.Exchanged += Observe;
        if (_options.RequestSent is { } sent)
        {
            pipeline.Exchanged += _ => sent(pipeline.RequestsSent);
        }

        // The browser (浏览器爬取) is started at once when it will be needed — always with --browser on; with auto when
        // the start page already looks built by script — so chromium's start overlaps the link crawl and the templates.
        await using var browser = _options.Crawl.Browser == BrowserMode.Off ? null : new BrowserCrawler(pipeline, _options.Crawl);
        string? browserReason = null;
        if (_options.Crawl.Browser == BrowserMode.On)
        {
            browserReason = "--browser on";
            browser!.Launch(cancellationToken);
        }

        // A run that reaches nothing stops here with the reason, before a login or crawl that would only fail quietly.
        var phase = Stopwatch.StartNew();
        var first = await EnsureReachableAsync(pipeline, target, cancellationToken).ConfigureAwait(false);
        ScanTiming.Mark("可达性", phase, pipeline.RequestsSent);
        if (_options.Crawl.Browser == BrowserMode.Auto && ScriptedSite.Reason([first]) is { } early)
        {
            browserReason = early;
            browser!.Launch(cancellationToken);
        }

        if (_options.Login is not null)
        {
            _options.Progress?.Invoke("登录");
            await _options.Login.RunAsync(pipeline, target, cancellationToken).ConfigureAwait(false);
        }

        if (target.Scheme == Uri.UriSchemeHttps)
        {
            _options.Progress?.Invoke("检查 TLS 配置与证书");
            var tls = new TlsInspector(scope, _options.Http.Timeout, _options.TrustedRoots);
            foreach (var f in await tls.InspectAsync(target, cancellationToken).ConfigureAwait(false))
            {
                Add(f);
            }
        }

        _options.Progress?.Invoke("识别软 404");
        soft404 = await Soft404Profile.BuildAsync(pipeline, target, cancellationToken).ConfigureAwait(false);
        ScanTiming.Mark("登录、TLS 与软 404", phase, pipeline.RequestsSent);

        _options.Progress?.Invoke("爬取站点");
        var crawler = new Crawler(pipeline, _options.Crawl);
        var crawl = await crawler.CrawlAsync(target, cancellationToken).ConfigureAwait(false);
        ScanTiming.Mark($"链接爬取（{crawl.Pages.Count} 页，{crawl.Endpoints.Count} 个接口）", phase, pipeline.RequestsSent);

        // The templates need only the soft-404 profile: they run beside the browser crawl and the active checks (after
        // the link crawl, which the browser waits for); the pipeline's limits still bound the traffic as a whole.
        _options.Progress?.Invoke($"运行检测模板（{templates.Templates.Count} 个）");
        var templateWatch = Stopwatch.StartNew();
        var templateTask = templates.RunRequestsAsync(target, soft404, cancellationToken);

        // Active checks start on the link crawl's endpoints now and on the browser's as it records them.
        using var active = new ActiveCheckQueue(pipeline, _options, Add, cancellationToken);
        if (_options.ActiveChecks)
        {
            foreach (var e in crawl.Endpoints)
            {
                active.Add(e);
            }
        }

        // With auto, the first pages decide (an empty app root, a menu drawn by script, client-side routes). The
        // browser starts at the target and renders the pages the link crawl found that carry script.
        if (_options.Crawl.Browser == BrowserMode.Auto && browserReason is null)
        {
            browserReason = ScriptedSite.Reason(crawl.Pages);
        }

        var browserRefused = 0;
        if (browserReason is not null)
        {
            _options.Progress?.Invoke($"浏览器渲染爬取（{browserReason}）");
            if (_options.ActiveChecks)
            {
                browser!.EndpointRecorded += active.Add;
            }

            browser!.Reuse(crawl.Pages);
            var seeds = crawl.Pages.Where(p => p.IsHtml).Select(p => p.FinalUrl ?? p.Request.Url);
            var rendered = await browser.CrawlAsync(target, seeds, cancellationToken).ConfigureAwait(false);

            // A request chromium sent as it was stopped is not checked after the report is made.
            browser.EndpointRecorded -= active.Add;
            browserRefused = browser.RefusedOutOfScope;
            crawl = new CrawlResult([.. crawl.Pages, .. rendered.Pages],
                [.. crawl.Endpoints.Concat(rendered.Endpoints).DistinctBy(e => e.Key, StringComparer.Ordinal)]);
            ScanTiming.Mark($"浏览器爬取（{rendered.Pages.Count} 页，{rendered.Endpoints.Count} 个接口）", phase, pipeline.RequestsSent);
        }

        Task xxeTask = Task.CompletedTask;
        if (_options.ActiveChecks)
        {
            _options.Progress?.Invoke($"主动检测 {crawl.Endpoints.Count} 个接口的 {active.Parameters} 个参数");
            xxeTask = new XxeCheck().RunAsync(pipeline, crawl, Add, cancellationToken);
        }

        foreach (var f in await templateTask.ConfigureAwait(false))
        {
            Add(f);
        }

        ScanTiming.Mark("检测模板（与爬取并行）", templateWatch.Elapsed, pipeline.RequestsSent);
        await Task.WhenAll(active.CompleteAsync(), xxeTask).ConfigureAwait(false);
        ScanTiming.Mark("主动检测（其余部分）", phase, pipeline.RequestsSent);
        var parameters = active.Parameters;
        var writesSpared = active.WritesSpared;

        var ordered = findings.Values
            .OrderByDescending(f => f.Severity)
            .ThenBy(f => f.RuleId, StringComparer.Ordinal)
            .ThenBy(f => f.Url, StringComparer.Ordinal)
            .ThenBy(f => f.Parameter, StringComparer.Ordinal)
            .ToList();
        var limitations = pipeline.Limitations().ToList();
        if (crawl.Pages.Count >= _options.Crawl.MaxPages)
        {
            limitations.Add($"爬取达到页面上限（{_options.Crawl.MaxPages} 个），其余页面未检测");
        }

        if (writesSpared.Count > 0)
        {
            limitations.Add($"安全模式：{writesSpared.Count} 个写操作接口未发送检测载荷（{string.Join("、", writesSpared.Take(5))}{(writesSpared.Count > 5 ? " …" : "")}），需在测试环境或维护窗口内用 --unsafe 检测");
        }

        return new WebScanReport(target.AbsoluteUri, pipeline.RequestsSent, watch.Elapsed, ordered, crawl.Pages.Count, crawl.Endpoints.Count, parameters)
        {
            Limitations = limitations,
            StartedAt = started,
            BrowserCrawl = browserReason,
            BrowserRefusedOutOfScope = browserRefused,
            // The start origin and every origin a crawled page came from (the scope kept them all authorized).
            CrawledOrigins = [.. crawl.Pages.Select(p => p.Request.Url.GetLeftPart(UriPartial.Authority))
                .Prepend(target.GetLeftPart(UriPartial.Authority)).Distinct(StringComparer.OrdinalIgnoreCase)],
        };
    }

    private static async Task<HttpExchange> EnsureReachableAsync(SafeHttpPipeline pipeline, Uri target, CancellationToken cancellationToken)
    {
        // One more try after a pause: a fragile site that drops one connection is not "nothing reached".
        for (var attempt = 1; ; attempt++)
        {
            var first = await pipeline.SendAsync(ScanRequest.Get(target), cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!first.Failed)
            {
                return first;
            }

            if (attempt == 2)
            {
                throw new SiteUnreachableException(target, first.Error ?? "无响应");
            }

            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
        }
    }
}
