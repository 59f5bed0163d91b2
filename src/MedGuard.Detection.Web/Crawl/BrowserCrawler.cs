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
public sealed partial class BrowserCrawler(SafeHttpPipeline pipeline, CrawlOptions options)
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
    private int _refused;
    private int _spared;

    /// <summary>Requests the page tried to send outside the authorized scope; each was refused in the browser.</summary>
    public int RefusedOutOfScope => Volatile.Read(ref _refused);

    /// <summary>Writes the page tried to send in safe mode (a booking form's submit); refused like the engine's own.</summary>
    public int SparedWrites => Volatile.Read(ref _spared);

    /// <summary>The chromium the crawl drives: the option, else $MEDGUARD_CHROMIUM, else Debian's /usr/bin/chromium.</summary>
    public static string ChromiumPath(CrawlOptions options) =>
        options.ChromiumPath ?? (Environment.GetEnvironmentVariable("MEDGUARD_CHROMIUM") is { Length: > 0 } env ? env : "/usr/bin/chromium");

    /// <summary>
    /// Renders <paramref name="start"/> and then <paramref name="seeds"/> (pages the link crawl found) and every route
    /// discovered on the way, up to <see cref="CrawlOptions.BrowserMaxPages"/> pages and <see cref="CrawlOptions.BrowserTimeLimit"/>.
    /// </summary>
    public async Task<CrawlResult> CrawlAsync(Uri start, IEnumerable<Uri> seeds, CancellationToken cancellationToken)
    {
        var executable = ChromiumPath(options);
        if (!File.Exists(executable))
        {
            throw new BrowserUnavailableException($"找不到 chromium（{executable}）：请安装 Debian 的 chromium 软件包，或用环境变量 MEDGUARD_CHROMIUM 指定路径；也可用 --browser off 只做链接爬取");
        }

        var profile = Directory.CreateTempSubdirectory("medguard-chromium-");
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(options.BrowserTimeLimit);
        using var sink = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        sink.Start();
        var sinkPort = ((IPEndPoint)sink.LocalEndpoint).Port;
        _ = SinkAsync(sink, limit.Token);
        IBrowser? browser = null;
        try
        {
            browser = await Puppeteer.LaunchAsync(new LaunchOptions
            {
                ExecutablePath = executable,
                Headless = true,
                HeadlessMode = HeadlessMode.True,
                UserDataDir = profile.FullName,
                AcceptInsecureCerts = true,
                Timeout = 30_000,
                Args =
                [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",

                    // Anything interception does not see goes to the crawl's own sink, loopback included.
                    $"--proxy-server=http://127.0.0.1:{sinkPort}", "--proxy-bypass-list=<-loopback>",
                ],
            }).ConfigureAwait(false);
            var page = await browser.NewPageAsync().ConfigureAwait(false);
            page.DefaultTimeout = 10_000;
            page.DefaultNavigationTimeout = 10_000;
            page.Dialog += (_, e) => _ = e.Dialog.Dismiss();
            await page.EvaluateExpressionOnNewDocumentAsync("window.open = () => null; window.print = () => {};").ConfigureAwait(false);
            await page.SetRequestInterceptionAsync(true).ConfigureAwait(false);
            var current = start;
            page.Request += (_, e) => _ = InterceptAsync(e.Request, () => current, limit.Token);

            var queue = new Queue<Uri>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            void Enqueue(Uri url)
            {
                if (pipeline.Scope.Permits(url) && !options.Exclude.IsMatch(url.PathAndQuery + url.Fragment) && !IsStatic(url) && seen.Add(url.AbsoluteUri))
                {
                    queue.Enqueue(url);
                }
            }

            Enqueue(start);
            foreach (var seed in seeds)
            {
                Enqueue(seed);
            }

            var rendered = 0;
            var clicked = new HashSet<string>(StringComparer.Ordinal);
            while (queue.Count > 0 && rendered < options.BrowserMaxPages && !limit.IsCancellationRequested)
            {
                var url = queue.Dequeue();
                current = url;
                if (!await GoAsync(page, url, limit.Token).ConfigureAwait(false))
                {
                    continue;
                }

                rendered++;
                var landed = page.Url; // after any redirect: where the actions start from each time
                await HarvestAsync(page, url, Enqueue).ConfigureAwait(false);

                var exclude = options.Exclude.ToString().Replace("(?i)", "", StringComparison.Ordinal);
                // A menu drawn on every page is clicked once, on the first page that shows it: an element is known by
                // its text and the attributes that say where it leads.
                var clickables = (await TryAsync(() => page.EvaluateFunctionAsync<string[]>(Clickables, exclude)).ConfigureAwait(false) ?? [])
                    .Select(c => c.Split('\t', 2)).Where(c => c.Length == 2 && clicked.Add(c[1]))
                    .Select(c => int.Parse(c[0], System.Globalization.CultureInfo.InvariantCulture)).ToList();
                foreach (var index in clickables.Take(options.BrowserActionsPerPage))
                {
                    if (limit.IsCancellationRequested)
                    {
                        break;
                    }

                    if (page.Url != landed && !await GoAsync(page, url, limit.Token).ConfigureAwait(false))
                    {
                        break;
                    }

                    if (await TryAsync(() => page.EvaluateFunctionAsync<bool>(ClickAt, index)).ConfigureAwait(false))
                    {
                        await SettleAsync(page).ConfigureAwait(false);
                        await HarvestAsync(page, url, Enqueue).ConfigureAwait(false);
                    }
                }

                // Counted on the page as it was rendered, not where the last click left it.
                if (page.Url != landed && !await GoAsync(page, url, limit.Token).ConfigureAwait(false))
                {
                    continue;
                }

                var forms = await TryAsync(() => page.EvaluateExpressionAsync<int>("document.forms.length")).ConfigureAwait(false);
                for (var i = 0; i < Math.Min(forms, options.BrowserActionsPerPage) && !limit.IsCancellationRequested; i++)
                {
                    if (page.Url != landed && !await GoAsync(page, url, limit.Token).ConfigureAwait(false))
                    {
                        break;
                    }

                    if (await TryAsync(() => page.EvaluateFunctionAsync<bool>(FillAndSubmit, i)).ConfigureAwait(false))
                    {
                        await SettleAsync(page).ConfigureAwait(false);
                        await HarvestAsync(page, url, Enqueue).ConfigureAwait(false);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The time limit ended the crawl: what was recorded so far still counts.
        }
        finally
        {
            if (browser is not null)
            {
                await TryAsync(async () =>
                {
                    await browser.CloseAsync().ConfigureAwait(false);
                    return true;
                }).ConfigureAwait(false);
                await browser.DisposeAsync().ConfigureAwait(false);
            }

            try
            {
                profile.Delete(recursive: true);
            }
            catch (IOException)
            {
                // chromium may still hold a file for a moment; the temp directory is cleaned by the OS.
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        return new CrawlResult([.. _documents], [.. _endpoints.Values]);
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
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or System.Net.Sockets.SocketException)
        {
            // The crawl ended: the listener is stopped with it.
        }
    }

    private static async Task<bool> GoAsync(IPage page, Uri url, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            // A hash route on the current document does not load anything: navigate, then let the router react.
            await page.GoToAsync(url.AbsoluteUri, new NavigationOptions { WaitUntil = [WaitUntilNavigation.Load], Timeout = 10_000 }).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is PuppeteerException or TimeoutException)
        {
            return false;
        }

        await SettleAsync(page).ConfigureAwait(false);
        return true;
    }

    /// <summary>Waits until the page has had no request in flight for a moment (bounded), so script calls are recorded.</summary>
    private static async Task SettleAsync(IPage page)
    {
        try
        {
            await page.WaitForNetworkIdleAsync(new WaitForNetworkIdleOptions { IdleTime = 300, Timeout = 3_000 }).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is PuppeteerException or TimeoutException)
        {
            // A page that polls never goes idle; three seconds is enough to see its first calls.
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
            _endpoints.TryAdd(e.Key, e);
        }
    }

    /// <summary>One request of the page: refused, or sent through the pipeline and answered with its response.</summary>
    private async Task InterceptAsync(IRequest request, Func<Uri> pageUrl, CancellationToken cancellationToken)
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

            // Pictures, fonts, media and style sheets carry no parameters and cost budget: not fetched.
            if (request.ResourceType is ResourceType.Image or ResourceType.Media or ResourceType.Font or ResourceType.StyleSheet)
            {
                await request.RespondAsync(new ResponseData { Status = HttpStatusCode.NoContent, Body = "" }).ConfigureAwait(false);
                return;
            }

            var method = request.Method.ToString().ToUpperInvariant();
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
                if (ObservedRequest.ToEndpoint(method, url, body, contentType, forwarded, scriptCookies, pageUrl()) is { } endpoint)
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

            if (request.ResourceType == ResourceType.Document && request.Frame?.ParentFrame is null)
            {
                _documents.Enqueue(exchange);
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

    [GeneratedRegex(@"charset=[\w-]+", RegexOptions.IgnoreCase, 1000)]
    private static partial Regex Charset();
}

/// <summary>The browser crawl was asked for but chromium cannot be started.</summary>
public sealed class BrowserUnavailableException(string message) : Exception(message);
