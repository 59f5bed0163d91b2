using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using MedGuard.Detection.Web.Http;
using MedGuard.Detection.Web.Scanning;
using PuppeteerSharp;

namespace MedGuard.Detection.Web.Crawl;

/// <summary>
/// The browser-driven crawl (浏览器爬取): Debian's headless chromium, driven over CDP, renders each page, follows
/// client-side routes (pushState, hash routes), clicks what navigates (links, buttons, menus drawn by script), fills
/// forms with harmless values and submits them, and records every request the page makes as an endpoint candidate.
/// <para>
/// The browser never touches the network itself: every request is intercepted and either refused (outside the
/// authorized scope — counted in <see cref="RefusedOutOfScope"/>; or a write in safe mode) or sent through the scan's
/// <see cref="SafeHttpPipeline"/> and answered from its response, so the scope check, rate limits, budget and session
/// cookies are the engine's own. Anything interception might miss (WebSockets, a popup's requests) goes to a proxy the
/// crawl itself listens as on loopback, which closes every connection unanswered (counted as refused); chromium never
/// reaches another port, and no browser is ever downloaded.
/// </para>
/// </summary>
public sealed partial class BrowserCrawler(SafeHttpPipeline pipeline, CrawlOptions options) : IAsyncDisposable
{
    private const string FillAndSubmit = """
        (i) => {
          const f = document.forms[i];
          if (!f) return false;
          const safe = (el) => {
            const t = (el.type || 'text').toLowerCase(), n = (el.name || el.id || '').toLowerCase();
            if (t === 'email' || n.includes('mail')) return 'medguard@example.com';
            if (t === 'number' || t === 'range') return el.min || '1';
            if (t === 'tel' || n.includes('phone') || n.includes('mobile')) return '13800000000';
            if (t === 'password') return 'MedGuard-Probe-1';
            if (t === 'url') return 'http://127.0.0.1/';
            if (t === 'date') return '2024-01-01';
            if (/(^|_)(id|no|num|code|page)$/.test(n) || n.endsWith('id')) return '1';
            return 'test';
          };
          for (const el of f.elements) {
            const t = (el.type || '').toLowerCase();
            if (el.disabled || ['submit','button','reset','image','file','hidden'].includes(t)) continue;
            if (t === 'checkbox' || t === 'radio') { el.checked = true; continue; }
            if (el.tagName === 'SELECT') { if (el.options.length > 1 && !el.value) el.selectedIndex = 1; continue; }
            if (!el.value) { el.value = safe(el); el.dispatchEvent(new Event('input', {bubbles: true})); el.dispatchEvent(new Event('change', {bubbles: true})); }
          }
          f.removeAttribute('target');
          if (f.requestSubmit) f.requestSubmit(); else f.submit();
          return true;
        }
        """;

    // What may navigate when clicked: script links, buttons, menu items, elements with click handlers.
    private const string Clickables = """
        (exclude) => {
          const re = new RegExp(exclude, 'i');
          const sel = 'a[href="#"], a[href^="javascript:"], a:not([href]), a[href^="#/"], a[href^="#!"], button:not([type=submit]), [onclick], [role=menuitem], [role=button], [role=link], [role=tab], [data-href], [data-url], [data-route], [ng-click], nav li, nav span, [class*=menu] li, [id*=menu] li, [class*=nav] li, [id*=nav] li, [class*=sidebar] li';
          const all = Array.from(document.querySelectorAll(sel)).filter(e => !e.closest('form'));
          const attrs = (e) => ['href', 'onclick', 'data-href', 'data-url', 'data-route', 'data-id', 'ng-click'].map(a => e.getAttribute(a) || '').join(' ');
          return all.map((e, i) => ({ i, text: ((e.innerText || '').trim() + ' ' + attrs(e)).slice(0, 300) }))
                    .filter(x => !re.test(x.text)).map(x => x.i + '\t' + x.text);
        }
        """;

    private const string ClickAt = """
        (i) => {
          const sel = 'a[href="#"], a[href^="javascript:"], a:not([href]), a[href^="#/"], a[href^="#!"], button:not([type=submit]), [onclick], [role=menuitem], [role=button], [role=link], [role=tab], [data-href], [data-url], [data-route], [ng-click], nav li, nav span, [class*=menu] li, [id*=menu] li, [class*=nav] li, [id*=nav] li, [class*=sidebar] li';
          const e = Array.from(document.querySelectorAll(sel)).filter(e => !e.closest('form'))[i];
          if (!e) return false;
          if (e.removeAttribute) e.removeAttribute('target');
          e.click();
          return true;
        }
        """;

    private readonly ConcurrentDictionary<string, Endpoint> _endpoints = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<HttpExchange> _documents = new();

    // GET answers kept for the crawl: scripts (the link crawl's and the browser's own) are answered from here every time
    // after the first; documents only when a page is loaded again to reset it between actions.
    private readonly ConcurrentDictionary<string, HttpExchange> _scripts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, HttpExchange> _pages = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _scriptless = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private Task<Launched>? _launch;
    private Task? _closing;
    private DirectoryInfo? _profile;
    private System.Net.Sockets.TcpListener? _sink;
    private bool _closed;
    private int _refused;
    private int _spared;

    /// <summary>Requests the page tried to send outside the authorized scope; each was refused in the browser.</summary>
    public int RefusedOutOfScope => Volatile.Read(ref _refused);

    /// <summary>Writes the page tried to send in safe mode (a booking form's submit); refused like the engine's own.</summary>
    public int SparedWrites => Volatile.Read(ref _spared);

    /// <summary>Raised once for every new endpoint the pages show or send, while the crawl goes on (the active checks start on it).</summary>
    public event Action<Endpoint>? EndpointRecorded;

    /// <summary>Debian's chromium-headless-shell: the same engine without the full browser's user interface, made for automation.</summary>
    public const string HeadlessShellPath = "/usr/lib/chromium/chromium-headless-shell";

    /// <summary>
    /// The chromium the crawl drives: the option, else $MEDGUARD_CHROMIUM_CRAWL, else Debian's headless shell when installed
    /// (it starts in about a third of the full browser's time: 0.5–1.1 s against 1.3–2.0 s measured here), else
    /// $MEDGUARD_CHROMIUM, else Debian's /usr/bin/chromium.
    /// </summary>
    public static string ChromiumPath(CrawlOptions options) =>
        options.ChromiumPath
        ?? (Environment.GetEnvironmentVariable("MEDGUARD_CHROMIUM_CRAWL") is { Length: > 0 } crawl ? crawl : null)
        ?? (File.Exists(HeadlessShellPath) ? HeadlessShellPath : null)
        ?? (Environment.GetEnvironmentVariable("MEDGUARD_CHROMIUM") is { Length: > 0 } env ? env : "/usr/bin/chromium");

    /// <summary>
    /// Starts chromium now, so its start overlaps the scan's other work (the link crawl, the templates); <see cref="CrawlAsync"/>
    /// waits for it. Called again, or not at all, the crawl starts it itself.
    /// </summary>
    public void Launch(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _launch ??= LaunchAsync(cancellationToken);
        }
    }

    /// <summary>
    /// What the link crawl already has: its script answers (the browser gets them without another request), and its
    /// pages that run no script — rendering one shows only what its HTML said, so the browser does not load it again
    /// (the start page excepted).
    /// </summary>
    public void Reuse(IEnumerable<HttpExchange> fetched)
    {
        foreach (var e in fetched.Where(e => e is { Failed: false, Status: 200 } && e.Request.Method == "GET"))
        {
            var url = (e.FinalUrl ?? e.Request.Url).AbsoluteUri;
            if (e.ContentType.Contains("javascript", StringComparison.OrdinalIgnoreCase))
            {
                _scripts.TryAdd(url, e);
            }
            else if (e.IsHtml && !RunsScript(e))
            {
                _scriptless.TryAdd(url, true);
                _scriptless.TryAdd(e.Request.Url.AbsoluteUri, true);
            }
        }
    }

    /// <summary>A page that runs script: script elements, or handlers in attributes (onclick, javascript: links).</summary>
    public static bool RunsScript(HttpExchange page)
    {
        var url = page.FinalUrl ?? page.Request.Url;
        return PageParser.ScriptSources(page.Body, url).Count > 0 || PageParser.InlineScripts(page.Body).Count > 0 || ScriptAttribute().IsMatch(page.Body);
    }

    /// <summary>
    /// Renders <paramref name="start"/> and then <paramref name="seeds"/> (pages the link crawl found) and every route
    /// discovered on the way, up to <see cref="CrawlOptions.BrowserMaxPages"/> pages and <see cref="CrawlOptions.BrowserTimeLimit"/>,
    /// in <see cref="CrawlOptions.BrowserTabs"/> tabs at once.
    /// </summary>
    public async Task<CrawlResult> CrawlAsync(Uri start, IEnumerable<Uri> seeds, CancellationToken cancellationToken)
    {
        using var cancel = cancellationToken.Register(() => _stop.Cancel());
        _stop.CancelAfter(options.BrowserTimeLimit);
        var limit = _stop.Token;
        var phase = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            Launch(cancellationToken);
            var tabs = (await _launch!.WaitAsync(limit).ConfigureAwait(false)).Tabs;
            ScanTiming.Mark("等待 chromium 启动", phase, pipeline.RequestsSent);

            // Pages to render at the back; the clicks and form submits a rendered page offers at the front, so the
            // other tabs take them up at once (each loads the page again from the crawl's copy and does one action).
            var queue = new LinkedList<Work>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var clicked = new HashSet<string>(StringComparer.Ordinal);
            void Enqueue(Uri url)
            {
                lock (_gate)
                {
                    if (pipeline.Scope.Permits(url) && !options.Exclude.IsMatch(url.PathAndQuery + url.Fragment) && !IsStatic(url)
                        && (url == start || !_scriptless.ContainsKey(url.AbsoluteUri)) && seen.Add(url.AbsoluteUri))
                    {
                        queue.AddLast(new Work(url, null, 0, false));
                    }
                }
            }

            void Offer(IReadOnlyList<Work> actions)
            {
                lock (_gate)
                {
                    for (var i = actions.Count - 1; i >= 0; i--)
                    {
                        queue.AddFirst(actions[i]);
                    }
                }
            }

            Enqueue(start);
            foreach (var seed in seeds)
            {
                Enqueue(seed);
            }

            // Tabs take pages from one queue; a tab idles while another may still find routes, and all stop when the
            // queue is empty and no tab is rendering.
            var rendered = 0;
            var busy = 0;
            async Task TabAsync(Tab tab)
            {
                while (!limit.IsCancellationRequested)
                {
                    Work? work = null;
                    lock (_gate)
                    {
                        // Past the page limit only the actions of pages already rendered are left to do.
                        while (queue.First is { } next && next.Value.Landed is null && rendered >= options.BrowserMaxPages)
                        {
                            queue.RemoveFirst();
                        }

                        if (queue.Count == 0 && busy == 0)
                        {
                            return;
                        }

                        if (queue.First is { } first)
                        {
                            work = first.Value;
                            queue.RemoveFirst();
                            busy++;
                            if (work.Landed is null)
                            {
                                rendered++;
                            }
                        }
                    }

                    if (work is null)
                    {
                        await Task.Delay(15, limit).ConfigureAwait(false);
                        continue;
                    }

                    try
                    {
                        if (work.Landed is not null)
                        {
                            await ActAsync(tab, work, Enqueue, limit).ConfigureAwait(false);
                        }
                        else if (await RenderAsync(tab, work.Url, Enqueue, clicked, limit).ConfigureAwait(false) is { } actions)
                        {
                            Offer(actions);
                        }
                        else
                        {
                            lock (_gate)
                            {
                                rendered--;
                            }
                        }
                    }
                    finally
                    {
                        lock (_gate)
                        {
                            busy--;
                        }
                    }
                }
            }

            await Task.WhenAll(tabs.Select(TabAsync)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The time limit ended the crawl: what was recorded so far still counts.
        }
        finally
        {
            // chromium closes while the scan goes on (its active checks); DisposeAsync waits for it.
            lock (_gate)
            {
                _closing ??= CloseAsync();
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        return new CrawlResult([.. _documents], [.. _endpoints.Values]);
    }

    /// <summary>Waits for chromium to close, closing it if the crawl did not (a scan that failed after <see cref="Launch"/>).</summary>
    public async ValueTask DisposeAsync()
    {
        Task closing;
        lock (_gate)
        {
            closing = _closing ??= CloseAsync();
        }

        await closing.ConfigureAwait(false);
        _stop.Dispose();
    }

    private sealed record Launched(IBrowser Browser, IReadOnlyList<Tab> Tabs);

    private async Task<Launched> LaunchAsync(CancellationToken cancellationToken)
    {
        var executable = ChromiumPath(options);
        if (!File.Exists(executable))
        {
            throw new BrowserUnavailableException($"找不到 chromium（{executable}）：请安装 Debian 的 chromium-headless-shell（或 chromium）软件包，或用环境变量 MEDGUARD_CHROMIUM_CRAWL 指定路径；也可用 --browser off 只做链接爬取");
        }

        var phase = System.Diagnostics.Stopwatch.StartNew();
        _profile = Directory.CreateTempSubdirectory("medguard-chromium-");
        _sink = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        _sink.Start();
        var sinkPort = ((IPEndPoint)_sink.LocalEndpoint).Port;
        _ = SinkAsync(_sink, _stop.Token);
        var browser = await Puppeteer.LaunchAsync(new LaunchOptions
        {
            ExecutablePath = executable,
            Headless = true,
            HeadlessMode = HeadlessMode.True,
            UserDataDir = _profile.FullName,
            AcceptInsecureCerts = true,
            Timeout = 30_000,

            // The first tab is opened when the crawl needs it, not waited for here.
            WaitForInitialPage = false,
            Args =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--disable-extensions",
                "--disable-component-extensions-with-background-pages", "--disable-default-apps", "--disable-breakpad",
                "--mute-audio", "--no-default-browser-check",

                // Not --single-process: it halves chromium's start here (0.8–1.5 s against 1.3–2.7 s) but upstream does not
                // support it, and one renderer's crash or a stalled tab open would take the whole crawl with it.

                // Anything interception does not see goes to the crawl's own sink, loopback included.
                $"--proxy-server=http://127.0.0.1:{sinkPort}", "--proxy-bypass-list=<-loopback>",
            ],
        }).WaitAsync(cancellationToken).ConfigureAwait(false);
        ScanTiming.Mark("启动 chromium", phase, pipeline.RequestsSent);

        // The tabs are opened together right away; a tab that does not open in five seconds is done without.
        var opened = await Task.WhenAll(Enumerable.Range(0, Math.Max(1, options.BrowserTabs)).Select(async i =>
        {
            try
            {
                return await OpenTabAsync(browser, i == 0).WaitAsync(TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is PuppeteerException or TimeoutException)
            {
                return null;
            }
        })).ConfigureAwait(false);
        ScanTiming.Mark("打开标签页", phase, pipeline.RequestsSent);
        return new Launched(browser, [.. opened.OfType<Tab>()]);
    }

    private async Task CloseAsync()
    {
        await Task.Yield(); // started under the gate: the rest runs after it is released
        var phase = System.Diagnostics.Stopwatch.StartNew();
        Task<Launched>? launch;
        lock (_gate)
        {
            launch = _closed ? null : _launch;
            _closed = true;
        }

        if (launch is not null)
        {
            IBrowser? browser = null;
            try
            {
                browser = (await launch.ConfigureAwait(false)).Browser;
            }
            catch (Exception ex) when (ex is PuppeteerException or ProcessException or OperationCanceledException or BrowserUnavailableException or IOException or System.Net.Sockets.SocketException)
            {
                // It never started; nothing to close.
            }

            if (browser is not null)
            {
                // Ended, not asked to close: the profile is thrown away, and a graceful close costs a few hundred ms.
                try
                {
                    browser.Process?.Kill(entireProcessTree: true);
                }
                catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
                {
                    // Already gone.
                }

                await TryAsync(async () =>
                {
                    await browser.CloseAsync().ConfigureAwait(false);
                    return true;
                }).ConfigureAwait(false);
                await browser.DisposeAsync().ConfigureAwait(false);
            }
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        _sink?.Stop();
        try
        {
            _profile?.Delete(recursive: true);
        }
        catch (IOException)
        {
            // chromium may still hold a file for a moment; the temp directory is cleaned by the OS.
        }

        ScanTiming.Mark("关闭 chromium", phase, pipeline.RequestsSent);
    }

    /// <summary>A tab: its page, the URL it renders (where its requests were found), and its requests in flight.</summary>
    private sealed class Tab(IPage page)
    {
        public IPage Page { get; } = page;

        public Uri? Current;

        /// <summary>The page the tab has loaded for its actions (null while loading or after a failed load).</summary>
        public Uri? Loaded;
        public int InFlight;
        public long LastActivity = System.Diagnostics.Stopwatch.GetTimestamp();

        /// <summary>The page is loaded again only to reset it between actions: its document may come from the crawl's copy.</summary>
        public volatile bool Resetting;
    }

    private async Task<Tab> OpenTabAsync(IBrowser browser, bool first)
    {
        // The first tab is the one chromium opened with; the others are new.
        var page = (first ? (await browser.PagesAsync().ConfigureAwait(false)).FirstOrDefault() : null)
            ?? await browser.NewPageAsync().ConfigureAwait(false);
        var tab = new Tab(page);
        page.DefaultTimeout = 10_000;
        page.DefaultNavigationTimeout = 10_000;
        page.Dialog += (_, e) => _ = e.Dialog.Dismiss();
        await page.EvaluateExpressionOnNewDocumentAsync("window.open = () => null; window.print = () => {};").ConfigureAwait(false);
        await page.SetRequestInterceptionAsync(true).ConfigureAwait(false);
        page.Request += (_, e) => _ = InterceptAsync(e.Request, tab, _stop.Token);
        return tab;
    }

    /// <summary>
    /// A page to render (<see cref="Landed"/> null), or one action on a rendered page: click its clickable number
    /// <see cref="Index"/>, or fill and submit its form of that number (<see cref="Form"/>). <see cref="Landed"/> is
    /// where the page's load ended (after any redirect): the state every action starts from.
    /// </summary>
    private sealed record Work(Uri Url, string? Landed, int Index, bool Form);

    /// <summary>One page: rendered and harvested; the actions it offers (its clickables, its forms), or null when it did not load.</summary>
    private async Task<List<Work>?> RenderAsync(Tab tab, Uri url, Action<Uri> enqueue, HashSet<string> clicked, CancellationToken limit)
    {
        var phase = System.Diagnostics.Stopwatch.StartNew();
        var page = tab.Page;
        tab.Current = url;
        tab.Loaded = null;
        if (!await GoAsync(tab, url, reset: false, limit).ConfigureAwait(false))
        {
            return null;
        }

        ScanTiming.Mark($"渲染 {url.PathAndQuery}{url.Fragment}", phase, pipeline.RequestsSent);
        var landed = page.Url;
        tab.Loaded = url;
        await HarvestAsync(page, url, enqueue).ConfigureAwait(false);

        var exclude = options.Exclude.ToString().Replace("(?i)", "", StringComparison.Ordinal);
        // A menu drawn on every page is clicked once, on the first page that shows it: an element is known by
        // its text and the attributes that say where it leads.
        var candidates = (await TryAsync(() => page.EvaluateFunctionAsync<string[]>(Clickables, exclude)).ConfigureAwait(false) ?? [])
            .Select(c => c.Split('\t', 2)).Where(c => c.Length == 2).ToList();
        List<int> clickables;
        lock (_gate)
        {
            clickables = [.. candidates.Where(c => clicked.Add(c[1])).Select(c => int.Parse(c[0], System.Globalization.CultureInfo.InvariantCulture))];
        }

        // Forms are counted on the page as it was rendered.
        var forms = await TryAsync(() => page.EvaluateExpressionAsync<int>("document.forms.length")).ConfigureAwait(false);
        return
        [
            .. clickables.Take(options.BrowserActionsPerPage).Select(i => new Work(url, landed, i, false)),
            .. Enumerable.Range(0, Math.Min(forms, options.BrowserActionsPerPage)).Select(i => new Work(url, landed, i, true)),
        ];
    }

    /// <summary>One action on a rendered page, in whichever tab is free: the page loaded again unless the tab shows it as it landed.</summary>
    private async Task ActAsync(Tab tab, Work work, Action<Uri> enqueue, CancellationToken limit)
    {
        var phase = System.Diagnostics.Stopwatch.StartNew();
        var page = tab.Page;
        tab.Current = work.Url;
        if (tab.Loaded?.AbsoluteUri != work.Url.AbsoluteUri || page.Url != work.Landed)
        {
            tab.Loaded = null;
            if (!await GoAsync(tab, work.Url, reset: true, limit).ConfigureAwait(false))
            {
                return;
            }

            tab.Loaded = work.Url;
        }

        var done = work.Form
            ? await TryAsync(() => page.EvaluateFunctionAsync<bool>(FillAndSubmit, work.Index)).ConfigureAwait(false)
            : await TryAsync(() => page.EvaluateFunctionAsync<bool>(ClickAt, work.Index)).ConfigureAwait(false);
        if (done)
        {
            await SettleAsync(tab, limit).ConfigureAwait(false);
            await HarvestAsync(page, work.Url, enqueue).ConfigureAwait(false);
        }

        ScanTiming.Mark($"  {(work.Form ? "表单" : "点击")} {work.Url.PathAndQuery}{work.Url.Fragment} #{work.Index}", phase, pipeline.RequestsSent);
    }

    /// <summary>The backstop proxy: accepts what chromium sends past interception and closes it unanswered.</summary>
    private async Task SinkAsync(System.Net.Sockets.TcpListener sink, CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                using var client = await sink.AcceptTcpClientAsync(cancellationToken).ConfigureAwait(false);
                Interlocked.Increment(ref _refused);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            // The crawl ended: the listener is stopped with it.
        }
    }

    private async Task<bool> GoAsync(Tab tab, Uri url, bool reset, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        tab.Resetting = reset;
        try
        {
            // A hash route on the current document does not load anything: navigate, then let the router react.
            await tab.Page.GoToAsync(url.AbsoluteUri, new NavigationOptions { WaitUntil = [WaitUntilNavigation.Load], Timeout = 10_000 }).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is PuppeteerException or TimeoutException)
        {
            return false;
        }
        finally
        {
            tab.Resetting = false;
        }

        await SettleAsync(tab, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Waits until the tab has had no request in flight for <see cref="CrawlOptions.BrowserSettle"/> (its own count of the
    /// requests interception holds), so the calls a page or a click starts are recorded; at most three seconds, for a
    /// page that polls.
    /// </summary>
    private async Task SettleAsync(Tab tab, CancellationToken cancellationToken)
    {
        var begin = System.Diagnostics.Stopwatch.GetTimestamp();
        var idle = options.BrowserSettle;
        while (System.Diagnostics.Stopwatch.GetElapsedTime(begin) < TimeSpan.FromSeconds(3))
        {
            if (Volatile.Read(ref tab.InFlight) == 0
                && System.Diagnostics.Stopwatch.GetElapsedTime(Math.Max(begin, Interlocked.Read(ref tab.LastActivity))) >= idle)
            {
                return;
            }

            await Task.Delay(10, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Links, routes and forms of the page as it is rendered now (the DOM, not the HTML the server sent).</summary>
    private async Task HarvestAsync(IPage page, Uri pageUrl, Action<Uri> enqueue)
    {
        if (Uri.TryCreate(page.Url, UriKind.Absolute, out var now) && now.AbsoluteUri != pageUrl.AbsoluteUri)
        {
            enqueue(now); // the click changed the route (pushState, hash) or navigated
        }

        var html = await TryAsync(() => page.GetContentAsync()).ConfigureAwait(false);
        if (html is null)
        {
            return;
        }

        var baseUrl = now ?? pageUrl;
        foreach (var link in PageParser.Links(html, baseUrl))
        {
            enqueue(link);
            foreach (var e in Crawler.EndpointsOfUrl(link))
            {
                Add(e with { FoundOn = baseUrl });
            }
        }

        foreach (Match m in HashRoute().Matches(html).Take(200))
        {
            if (Uri.TryCreate(baseUrl, WebUtility.HtmlDecode(m.Groups["r"].Value), out var route))
            {
                enqueue(route);
            }
        }

        foreach (var form in PageParser.Forms(html, baseUrl))
        {
            var kind = form.Method != "POST" ? ParameterKind.Query : form.Multipart ? ParameterKind.Multipart : ParameterKind.Form;
            var ps = form.Fields.Select(f => new EndpointParameter(f.Key, kind, f.Value) { InputType = form.FieldTypes.GetValueOrDefault(f.Key) }).ToList();
            if (form.Method == "POST")
            {
                ps.AddRange(Crawler.QueryParameters(form.Action));
            }

            Add(new Endpoint(form.Method, new UriBuilder(form.Action) { Query = "", Fragment = "" }.Uri, ps) { FoundOn = baseUrl });
        }
    }

    private void Add(Endpoint e)
    {
        if (e.Parameters.Count > 0 && pipeline.Scope.Permits(e.Url) && !options.Exclude.IsMatch(e.Url.AbsolutePath))
        {
            if (_endpoints.TryAdd(e.Key, e))
            {
                EndpointRecorded?.Invoke(e);
            }
        }
    }

    /// <summary>One request of the page: refused, answered from what the crawl has, or sent through the pipeline and answered with its response.</summary>
    private async Task InterceptAsync(IRequest request, Tab tab, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref tab.InFlight);
        Interlocked.Exchange(ref tab.LastActivity, System.Diagnostics.Stopwatch.GetTimestamp());
        try
        {
            await InterceptAsync(request, tab.Current, tab.Resetting, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Exchange(ref tab.LastActivity, System.Diagnostics.Stopwatch.GetTimestamp());
            Interlocked.Decrement(ref tab.InFlight);
        }
    }

    private async Task InterceptAsync(IRequest request, Uri? pageUrl, bool resetting, CancellationToken cancellationToken)
    {
        try
        {
            if (request.Url.StartsWith("data:", StringComparison.OrdinalIgnoreCase) || request.Url.StartsWith("blob:", StringComparison.OrdinalIgnoreCase))
            {
                await request.ContinueAsync().ConfigureAwait(false); // in-memory, no network
                return;
            }

            if (!Uri.TryCreate(request.Url, UriKind.Absolute, out var url) || !pipeline.Scope.Permits(url))
            {
                Interlocked.Increment(ref _refused);
                await request.AbortAsync(RequestAbortErrorCode.AccessDenied).ConfigureAwait(false);
                return;
            }

            // Pictures, fonts, media and style sheets carry no parameters and cost budget: not fetched; nor a favicon
            // or another file of a static kind the page asks for by itself.
            if (request.ResourceType is ResourceType.Image or ResourceType.Media or ResourceType.Font or ResourceType.StyleSheet
                || (request.ResourceType is ResourceType.Other && url.Query.Length <= 1 && IsStatic(url)))
            {
                await request.RespondAsync(new ResponseData { Status = HttpStatusCode.NoContent, Body = "" }).ConfigureAwait(false);
                return;
            }

            var method = request.Method.ToString().ToUpperInvariant();
            var mainDocument = request.ResourceType == ResourceType.Document && request.Frame?.ParentFrame is null;

            // A script the scan already fetched, or the page's own document when it is only loaded again to reset it:
            // answered from the crawl's copy (the first answer went through the pipeline and its passive checks).
            if (method == "GET" && (request.ResourceType == ResourceType.Script ? _scripts : resetting && mainDocument ? _pages : null) is { } copies
                && copies.TryGetValue(url.AbsoluteUri, out var copy))
            {
                await request.RespondAsync(Response(copy)).ConfigureAwait(false);
                return;
            }

            var body = request.PostData?.ToString();
            if (request.HasPostData && body is null)
            {
                body = await request.FetchPostDataAsync().ConfigureAwait(false);
            }

            var headers = request.Headers ?? new Dictionary<string, string>();
            var contentType = headers.FirstOrDefault(h => h.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)).Value;
            var scriptCookies = MergeCookies(url, headers.FirstOrDefault(h => h.Key.Equals("Cookie", StringComparison.OrdinalIgnoreCase)).Value);
            var forwarded = headers
                .Where(h => !DroppedHeaders.Contains(h.Key) && !h.Key.StartsWith("sec-", StringComparison.OrdinalIgnoreCase))
                .Select(h => new KeyValuePair<string, string>(h.Key, h.Value)).ToList();

            // Scripts carry no input (a ?v= cache buster is not a parameter); a GET of another kind without a query
            // (a favicon) neither.
            if (request.ResourceType != ResourceType.Script && (request.ResourceType != ResourceType.Other || method != "GET" || url.Query.Length > 1))
            {
                if (ObservedRequest.ToEndpoint(method, url, body, contentType, forwarded, scriptCookies, pageUrl ?? url) is { } endpoint)
                {
                    Add(endpoint);
                }
            }

            if (pipeline.Options.SafeMode && StateChangingEndpoint.IsLikely(new Endpoint(method, url, [])))
            {
                Interlocked.Increment(ref _spared);
                await request.AbortAsync(RequestAbortErrorCode.BlockedByClient).ConfigureAwait(false);
                return;
            }

            var scanRequest = new ScanRequest(method, url) { Body = body, ContentType = body is null ? null : contentType, Headers = forwarded };
            HttpExchange exchange;
            try
            {
                exchange = await pipeline.SendAsync(scanRequest, followRedirects: false, cancellationToken).ConfigureAwait(false);
            }
            catch (ScanRefusedException)
            {
                await request.AbortAsync(RequestAbortErrorCode.AccessDenied).ConfigureAwait(false);
                return;
            }

            if (exchange.Failed)
            {
                await request.AbortAsync(RequestAbortErrorCode.ConnectionFailed).ConfigureAwait(false);
                return;
            }

            if (method == "GET" && request.ResourceType == ResourceType.Script && exchange.Status == 200)
            {
                _scripts.TryAdd(url.AbsoluteUri, exchange);
            }

            if (mainDocument)
            {
                _documents.Enqueue(exchange);
                if (method == "GET")
                {
                    _pages.TryAdd(url.AbsoluteUri, exchange);
                }
            }

            await request.RespondAsync(Response(exchange)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is PuppeteerException or OperationCanceledException or InvalidOperationException)
        {
            // The page went away (navigation, the time limit, the browser closing) while the request was in flight.
            try
            {
                await request.AbortAsync().ConfigureAwait(false);
            }
            catch (Exception inner) when (inner is PuppeteerException or InvalidOperationException)
            {
                // Already resolved or the target is gone.
            }
        }
    }

    private static readonly HashSet<string> DroppedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        // The pipeline writes these itself (its own user agent, its cookie jar, its framing and decompression).
        "Host", "Cookie", "Content-Length", "Connection", "Accept-Encoding", "User-Agent", "Content-Type", "Upgrade-Insecure-Requests",
    };

    private static readonly HashSet<string> ResponseHeadersDropped = new(StringComparer.OrdinalIgnoreCase)
    {
        // The pipeline decoded and decompressed the body, and its cookie jar holds the session (not the browser).
        "Content-Length", "Content-Encoding", "Transfer-Encoding", "Set-Cookie", "Content-Type", "Connection", "Keep-Alive",
    };

    /// <summary>Cookies the page's script set (the pipeline's jar does not have them): kept in the jar, returned as parameters.</summary>
    private List<KeyValuePair<string, string>> MergeCookies(Uri url, string? header)
    {
        var script = new List<KeyValuePair<string, string>>();
        if (string.IsNullOrEmpty(header))
        {
            return script;
        }

        var jar = pipeline.Cookies.GetCookies(url);
        foreach (var pair in header.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            if (eq <= 0)
            {
                continue;
            }

            var (name, value) = (pair[..eq], pair[(eq + 1)..]);
            if (jar[name] is null)
            {
                try
                {
                    pipeline.Cookies.Add(new Cookie(name, value, "/", url.Host));
                    script.Add(new(name, value));
                }
                catch (CookieException)
                {
                    // A value the jar cannot hold; the request goes without it.
                }
            }
        }

        return script;
    }

    private static ResponseData Response(HttpExchange exchange)
    {
        var headers = new Dictionary<string, object>(StringComparer.OrdinalIgnoreCase);
        foreach (var group in exchange.Headers.Where(h => !ResponseHeadersDropped.Contains(h.Key)).GroupBy(h => h.Key, StringComparer.OrdinalIgnoreCase))
        {
            headers[group.Key] = group.Count() == 1 ? group.First().Value : group.Select(g => g.Value).ToArray();
        }

        // The pipeline decoded the body (GBK pages included); the browser gets it as UTF-8 and is told so.
        var type = exchange.ContentType;
        if (type.Length > 0)
        {
            type = Charset().Replace(type, "charset=utf-8");
            if (!type.Contains("charset", StringComparison.OrdinalIgnoreCase) && exchange.IsText)
            {
                type += "; charset=utf-8";
            }
        }

        return new ResponseData
        {
            Status = (HttpStatusCode)exchange.Status,
            Headers = headers,
            ContentType = type.Length > 0 ? type : null,
            BodyData = Encoding.UTF8.GetBytes(exchange.Body),
        };
    }

    private static async Task<T?> TryAsync<T>(Func<Task<T>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is PuppeteerException or TimeoutException or InvalidOperationException or System.Text.Json.JsonException)
        {
            return default;
        }
    }

    private static bool IsStatic(Uri url) =>
        Path.GetExtension(url.AbsolutePath).ToLowerInvariant() is ".css" or ".png" or ".jpg" or ".jpeg" or ".gif" or ".ico" or ".svg" or ".woff"
            or ".woff2" or ".ttf" or ".pdf" or ".zip" or ".js" or ".map" or ".json" or ".xml" or ".txt" or ".doc" or ".docx" or ".xls" or ".xlsx";

    [GeneratedRegex("""href\s*=\s*["'](?<r>#!?/[^"'\s]*)["']""", RegexOptions.IgnoreCase, 1000)]
    private static partial Regex HashRoute();

    // Handlers in attributes run script too (onclick, onload, javascript: links).
    [GeneratedRegex(@"(?i)\son[a-z]+\s*=|javascript:", RegexOptions.None, 1000)]
    private static partial Regex ScriptAttribute();

    [GeneratedRegex(@"charset=[\w-]+", RegexOptions.IgnoreCase, 1000)]
    private static partial Regex Charset();
}

/// <summary>The browser crawl was asked for but chromium cannot be started.</summary>
public sealed class BrowserUnavailableException(string message) : Exception(message);
