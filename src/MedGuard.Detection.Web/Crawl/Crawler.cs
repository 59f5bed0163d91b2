using System.Text.RegularExpressions;
using MedGuard.Detection.Web.Http;

namespace MedGuard.Detection.Web.Crawl;

/// <summary>
/// Breadth-first crawl inside the authorized scope: links, forms (GET and POST with their fields), scripts and the
/// endpoints their fetch/ajax calls name, and parameters of every kind (query, form, JSON body, id-like path segments),
/// within depth and page limits.
/// </summary>
public sealed partial class Crawler(SafeHttpPipeline pipeline, CrawlOptions? options = null)
{
    private static readonly HashSet<string> StaticExtensions =
        [".css", ".png", ".jpg", ".jpeg", ".gif", ".ico", ".svg", ".woff", ".woff2", ".ttf", ".eot", ".pdf", ".doc", ".docx",
         ".xls", ".xlsx", ".zip", ".rar", ".7z", ".mp4", ".mp3", ".apk", ".exe", ".map"];

    private readonly CrawlOptions _options = options ?? new CrawlOptions();

    /// <summary>Called for every page fetched (passive templates, PII scan).</summary>
    public event Action<HttpExchange>? PageFetched;

    public async Task<CrawlResult> CrawlAsync(Uri start, CancellationToken cancellationToken)
    {
        var pages = new List<HttpExchange>();
        var endpoints = new Dictionary<string, Endpoint>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var variants = new Dictionary<string, int>(StringComparer.Ordinal);
        var queue = new Queue<(Uri Url, int Depth)>();

        void Enqueue(Uri url, int depth)
        {
            if (!pipeline.Scope.Permits(url) || _options.Exclude.IsMatch(url.PathAndQuery) || depth > _options.MaxDepth)
            {
                return;
            }

            var key = url.AbsoluteUri;
            var path = url.GetLeftPart(UriPartial.Path);
            if (!seen.Add(key))
            {
                return;
            }

            variants[path] = variants.GetValueOrDefault(path) + 1;
            if (variants[path] > _options.MaxVariantsPerPath)
            {
                return;
            }

            queue.Enqueue((url, depth));
        }

        void AddEndpoint(Endpoint e)
        {
            if (e.Parameters.Count > 0 && pipeline.Scope.Permits(e.Url) && !_options.Exclude.IsMatch(e.Url.AbsolutePath))
            {
                endpoints.TryAdd(e.Key, e);
            }
        }

        Enqueue(start, 0);

        // The start URL itself carries parameters even when it redirects (a 302 to a login page or a default page).
        foreach (var e in EndpointsOfUrl(start))
        {
            AddEndpoint(e);
        }

        await DiscoverAsync(start, Enqueue, AddEndpoint, cancellationToken).ConfigureAwait(false);
        while (queue.Count > 0 && pages.Count < _options.MaxPages)
        {
            // Fetch one depth level at a time in parallel; the pipeline enforces the rate and concurrency limits.
            var batch = new List<(Uri Url, int Depth)>();
            while (queue.Count > 0 && batch.Count + pages.Count < _options.MaxPages)
            {
                batch.Add(queue.Dequeue());
            }

            var results = await Task.WhenAll(batch.Select(async item =>
            {
                try
                {
                    var ex = await pipeline.SendAsync(ScanRequest.Get(item.Url), followRedirects: true, cancellationToken).ConfigureAwait(false);
                    return (item, Exchange: (HttpExchange?)ex);
                }
                catch (ScanRefusedException)
                {
                    return (item, Exchange: (HttpExchange?)null);
                }
            })).ConfigureAwait(false);

            foreach (var (item, exchange) in results)
            {
                if (exchange is null || exchange.Failed)
                {
                    continue;
                }

                pages.Add(exchange);
                PageFetched?.Invoke(exchange);
                var pageUrl = exchange.FinalUrl ?? item.Url;
                foreach (var e in EndpointsOfUrl(pageUrl))
                {
                    AddEndpoint(e);
                }

                if (exchange.IsHtml)
                {
                    foreach (var link in PageParser.Links(exchange.Body, pageUrl))
                    {
                        if (IsStatic(link))
                        {
                            continue;
                        }

                        Enqueue(link, item.Depth + 1);
                        foreach (var e in EndpointsOfUrl(link))
                        {
                            AddEndpoint(e with { FoundOn = pageUrl });
                        }
                    }

                    foreach (var form in PageParser.Forms(exchange.Body, pageUrl))
                    {
                        var kind = form.Method != "POST" ? ParameterKind.Query : form.Multipart ? ParameterKind.Multipart : ParameterKind.Form;
                        var ps = form.Fields.Select(f => new EndpointParameter(f.Key, kind, f.Value) { InputType = form.FieldTypes.GetValueOrDefault(f.Key) }).ToList();
                        if (form.Method == "POST")
                        {
                            ps.AddRange(form.Action.Query.Length > 1 ? QueryParameters(form.Action) : []);
                        }

                        AddEndpoint(new Endpoint(form.Method, StripQuery(form.Action), ps) { FoundOn = pageUrl });
                    }

                    foreach (var src in PageParser.ScriptSources(exchange.Body, pageUrl))
                    {
                        Enqueue(src, item.Depth + 1);
                    }

                    foreach (var script in PageParser.InlineScripts(exchange.Body))
                    {
                        AddScriptCalls(script, pageUrl, item.Depth);
                    }
                }
                else if (exchange.ContentType.Contains("javascript", StringComparison.OrdinalIgnoreCase)
                         || pageUrl.AbsolutePath.EndsWith(".js", StringComparison.OrdinalIgnoreCase))
                {
                    AddScriptCalls(exchange.Body, pageUrl, item.Depth);
                }
            }
        }

        return new CrawlResult(pages, [.. endpoints.Values]);

        void AddScriptCalls(string script, Uri pageUrl, int depth)
        {
            foreach (var call in PageParser.ScriptCalls(script, pageUrl))
            {
                if (call.Method == "GET")
                {
                    Enqueue(call.Url, depth + 1);
                    foreach (var e in EndpointsOfUrl(call.Url))
                    {
                        AddEndpoint(e with { FoundOn = pageUrl });
                    }
                }
                else
                {
                    var ps = call.JsonFields.Select(f => new EndpointParameter(f.Key, ParameterKind.Json, f.Value))
                        .Concat(call.FormFields.Select(f => new EndpointParameter(f.Key, ParameterKind.Form, f.Value)))
                        .Concat(QueryParameters(call.Url)).ToList();
                    AddEndpoint(new Endpoint("POST", StripQuery(call.Url), ps) { FoundOn = pageUrl });
                }
            }
        }
    }

    /// <summary>
    /// What a site says about itself: robots.txt paths and sitemaps, sitemap.xml, and an OpenAPI / Swagger document at
    /// the places frameworks publish one. About ten requests; a soft-404 site's HTML answers parse to nothing.
    /// </summary>
    private async Task DiscoverAsync(Uri start, Action<Uri, int> enqueue, Action<Endpoint> addEndpoint, CancellationToken cancellationToken)
    {
        if (!_options.Discovery)
        {
            return;
        }

        var site = new Uri(start.GetLeftPart(UriPartial.Authority) + "/");
        async Task<HttpExchange?> Fetch(Uri url)
        {
            try
            {
                var ex = await pipeline.SendAsync(ScanRequest.Get(url), followRedirects: true, cancellationToken).ConfigureAwait(false);
                return ex is { Failed: false, Status: 200 } && !ex.IsHtml ? ex : null;
            }
            catch (ScanRefusedException)
            {
                return null;
            }
        }

        var sitemaps = new List<Uri> { new(site, "/sitemap.xml") };
        if (await Fetch(new Uri(site, "/robots.txt")).ConfigureAwait(false) is { } robots)
        {
            var (paths, maps) = RobotsTxt.Parse(robots.Body, site);
            foreach (var path in paths.Take(100))
            {
                enqueue(path, 1);
            }

            sitemaps.InsertRange(0, maps.Where(m => pipeline.Scope.Permits(m)).Take(3));
        }

        foreach (var map in sitemaps.Distinct().Take(3))
        {
            if (await Fetch(map).ConfigureAwait(false) is { } xml)
            {
                foreach (var loc in Sitemap.Locations(xml.Body, site).Take(200))
                {
                    enqueue(loc, 1);
                }
            }
        }

        foreach (var path in OpenApiDocument.WellKnownPaths)
        {
            if (await Fetch(new Uri(site, path)).ConfigureAwait(false) is { } doc && OpenApiDocument.Endpoints(doc.Body, doc.FinalUrl ?? doc.Request.Url) is { Count: > 0 } api)
            {
                foreach (var e in api)
                {
                    addEndpoint(e);
                }

                break;
            }
        }
    }

    /// <summary>The GET endpoints a URL itself carries: its query parameters, and path segments that look like ids.</summary>
    public static IEnumerable<Endpoint> EndpointsOfUrl(Uri url)
    {
        var query = QueryParameters(url).ToList();
        var segments = url.AbsolutePath.Split('/');
        var pathIds = new List<EndpointParameter>();
        for (var i = 1; i < segments.Length; i++)
        {
            if (IdSegment().IsMatch(segments[i]))
            {
                pathIds.Add(new EndpointParameter($"path[{i}]", ParameterKind.Path, Uri.UnescapeDataString(segments[i])));
            }
        }

        if (query.Count > 0 || pathIds.Count > 0)
        {
            yield return new Endpoint("GET", StripQuery(url), [.. pathIds, .. query]);
        }
    }

    public static IEnumerable<EndpointParameter> QueryParameters(Uri url)
    {
        var q = url.Query.TrimStart('?');
        if (q.Length == 0)
        {
            yield break;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pair in q.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            var name = Uri.UnescapeDataString((eq < 0 ? pair : pair[..eq]).Replace('+', ' '));
            var value = eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..].Replace('+', ' '));
            if (name.Length > 0 && names.Add(name))
            {
                yield return new EndpointParameter(name, ParameterKind.Query, value);
            }
        }
    }

    private static Uri StripQuery(Uri url) => new UriBuilder(url) { Query = "", Fragment = "" }.Uri;

    private static bool IsStatic(Uri url) => StaticExtensions.Contains(Path.GetExtension(url.AbsolutePath).ToLowerInvariant());

    // Numbers of 1+ digits, GUIDs, or long hex ids: /api/reports/1024, /patient/3f2a…
    [GeneratedRegex(@"^(\d{1,19}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[0-9a-f]{24,32})$")]
    private static partial Regex IdSegment();
}
