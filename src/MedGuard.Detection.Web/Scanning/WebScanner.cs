using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
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

        // A run that reaches nothing stops here with the reason, before a login or crawl that would only fail quietly.
        await EnsureReachableAsync(pipeline, target, cancellationToken).ConfigureAwait(false);

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

        _options.Progress?.Invoke("爬取站点");
        var crawler = new Crawler(pipeline, _options.Crawl);
        var crawl = await crawler.CrawlAsync(target, cancellationToken).ConfigureAwait(false);

        // The browser crawl (浏览器爬取) beside the link crawl: always with --browser on; with auto when the first pages
        // look built by script. It starts at the target and renders the pages the link crawl found as well.
        var browserReason = _options.Crawl.Browser switch
        {
            BrowserMode.On => "--browser on",
            BrowserMode.Auto => ScriptedSite.Reason(crawl.Pages),
            _ => null,
        };
        var browserRefused = 0;
        if (browserReason is not null)
        {
            _options.Progress?.Invoke($"浏览器渲染爬取（{browserReason}）");
            var browser = new BrowserCrawler(pipeline, _options.Crawl);
            var rendered = await browser.CrawlAsync(target, crawl.Pages.Where(p => p.IsHtml).Select(p => p.FinalUrl ?? p.Request.Url), cancellationToken)
                .ConfigureAwait(false);
            browserRefused = browser.RefusedOutOfScope;
            crawl = new CrawlResult([.. crawl.Pages, .. rendered.Pages],
                [.. crawl.Endpoints.Concat(rendered.Endpoints).DistinctBy(e => e.Key, StringComparer.Ordinal)]);
        }

        // Templates and active checks run side by side; the pipeline's limits still bound the traffic as a whole.
        _options.Progress?.Invoke($"运行检测模板（{templates.Templates.Count} 个）");
        var templateTask = templates.RunRequestsAsync(target, soft404, cancellationToken);
        var parameters = 0;
        List<string> writesSpared = [];
        Task activeTask = Task.CompletedTask;
        if (_options.ActiveChecks)
        {
            var kept = crawl.Endpoints.Where(e => !_options.Http.SafeMode || !StateChangingEndpoint.IsLikely(e)).ToList();
            writesSpared = [.. crawl.Endpoints.Except(kept).Select(e => $"{e.Method} {e.Url.AbsolutePath}").Distinct(StringComparer.Ordinal)];
            var probed = _options.Http.SafeMode ? kept.ConvertAll(LoginForm.WithoutAccountNames) : kept;
            var probes = probed
                .SelectMany(e => e.Parameters.Where(p => !IsSessionToken(p.Name)).Select(p => (Endpoint: e, Parameter: p)))
                .ToList();
            parameters = probes.Count;
            _options.Progress?.Invoke($"主动检测 {crawl.Endpoints.Count} 个接口的 {probes.Count} 个参数");
            activeTask = Task.WhenAll(RunActiveChecksAsync(pipeline, probes, Add, cancellationToken), new XxeCheck().RunAsync(pipeline, crawl, Add, cancellationToken));
        }

        foreach (var f in await templateTask.ConfigureAwait(false))
        {
            Add(f);
        }

        await activeTask.ConfigureAwait(false);

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

    private async Task RunActiveChecksAsync(SafeHttpPipeline pipeline, List<(Endpoint Endpoint, EndpointParameter Parameter)> probes, Action<WebFinding> add, CancellationToken cancellationToken)
    {
        IActiveCheck[] checks =
        [
            new SqlInjectionCheck(_options.TimeBasedDelay),
            new ReflectedXssCheck(),
            new CommandInjectionCheck(),
            new PathTraversalCheck(),
            new OpenRedirectCheck(),
            new ErrorProvocationCheck(),
        ];
        using var slots = new SemaphoreSlim(Math.Max(1, _options.Http.PerHostConcurrency));
        await Task.WhenAll(probes.Select(async item =>
        {
            await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var probe = new ActiveProbe(pipeline, item.Endpoint, item.Parameter, null);
                foreach (var check in checks.Where(c => c.Applies(probe)))
                {
                    if (pipeline.IsHostSkipped(item.Endpoint.Url))
                    {
                        return;
                    }

                    if (await check.RunAsync(probe, cancellationToken).ConfigureAwait(false) is { } f)
                    {
                        add(f);
                    }
                }
            }
            finally
            {
                slots.Release();
            }
        })).ConfigureAwait(false);
    }

    private static async Task EnsureReachableAsync(SafeHttpPipeline pipeline, Uri target, CancellationToken cancellationToken)
    {
        // One more try after a pause: a fragile site that drops one connection is not "nothing reached".
        for (var attempt = 1; ; attempt++)
        {
            var first = await pipeline.SendAsync(ScanRequest.Get(target), cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!first.Failed)
            {
                return;
            }

            if (attempt == 2)
            {
                throw new SiteUnreachableException(target, first.Error ?? "无响应");
            }

            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Anti-forgery tokens and view state: tampering with them only gets the request rejected.</summary>
    private static bool IsSessionToken(string name) => SessionToken().IsMatch(name);

    [GeneratedRegex(@"(?i)(csrf|xsrf|requestverificationtoken|__viewstate|__eventvalidation|authenticity_token|nonce)")]
    private static partial Regex SessionToken();
}
