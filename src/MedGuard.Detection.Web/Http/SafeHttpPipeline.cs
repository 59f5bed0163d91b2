using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using MedGuard.Domain.Scope;

namespace MedGuard.Detection.Web.Http;

/// <summary>
/// Every request of a web scan goes through here: scope check (also for each redirect hop), safe-mode method filter,
/// per-host request budget, global and per-host rate limits and concurrency caps, timeout, response size cap, cookie
/// jar, and skipping a host that keeps failing. The raw request and response are recorded for evidence.
/// </summary>
public sealed class SafeHttpPipeline : IDisposable
{
    private static readonly HashSet<string> SafeMethods = ["GET", "HEAD", "POST", "OPTIONS", "TRACE"];

    private readonly HttpClient _client;
    private readonly RateGate _globalRate;
    private readonly SemaphoreSlim _globalSlots;
    private readonly ConcurrentDictionary<string, HostState> _hosts = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<KeyValuePair<string, string>> _sessionHeaders = [];
    private readonly Lock _sessionLock = new();
    private long _requestsSent;

    static SafeHttpPipeline() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public SafeHttpPipeline(AuthorizedScope scope, HttpPipelineOptions? options = null)
    {
        Scope = scope;
        // The authorization's per-host bound (授权的单机速率上限) caps whatever pace was asked for.
        Options = options ?? new HttpPipelineOptions();
        Options = Options with { PerHostRatePerSecond = scope.CapRatePerHost(Options.PerHostRatePerSecond) };
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false, // redirects are followed here, one scope check per hop
            UseCookies = false,        // the jar is ours so the raw request shows the Cookie header sent
            AutomaticDecompression = DecompressionMethods.All,
            ConnectTimeout = Options.Timeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            MaxConnectionsPerServer = Math.Max(1, Options.PerHostConcurrency),
            UseProxy = false,          // a proxy from the environment could carry traffic somewhere unregistered
            SslOptions = new System.Net.Security.SslClientAuthenticationOptions
            {
                // A bad certificate must not stop the scan: TlsInspector reports it as a finding instead.
                RemoteCertificateValidationCallback = (_, _, _, _) => true,
            },
        };
        _client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _globalRate = new RateGate(Options.GlobalRatePerSecond);
        _globalSlots = new SemaphoreSlim(Math.Max(1, Options.GlobalConcurrency));
    }

    public AuthorizedScope Scope { get; }

    public HttpPipelineOptions Options { get; }

    public CookieContainer Cookies { get; } = new();

    public long RequestsSent => Interlocked.Read(ref _requestsSent);

    /// <summary>Raised after each exchange (progress display).</summary>
    public event Action<HttpExchange>? Exchanged;

    /// <summary>A header sent with every later request, e.g. the bearer token a login recipe obtained.</summary>
    public void SetSessionHeader(string name, string value)
    {
        lock (_sessionLock)
        {
            _sessionHeaders.RemoveAll(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase));
            _sessionHeaders.Add(new(name, value));
        }
    }

    /// <summary>
    /// Values never to appear in evidence (the login recipe's password, a token it obtained): requests still carry them,
    /// the recorded raw request and response show <see cref="CredentialRedaction.Mark"/> instead.
    /// </summary>
    public ScanSecrets Secrets { get; } = new();

    public bool IsHostSkipped(Uri url) => _hosts.TryGetValue(HostKey(url), out var s) && s.Skipped;

    /// <summary>
    /// Why the scan saw less than it was asked to (a host skipped after repeated failures, a request budget used up):
    /// a report that looks complete but is not would tell a hospital it is safe.
    /// </summary>
    public IReadOnlyList<string> Limitations() =>
    [
        .. _hosts.Where(h => h.Value.Skipped).Select(h => $"主机 {h.Key} 连续 {Options.MaxConsecutiveFailures} 次无响应，其后的检测已跳过"),
        .. _hosts.Where(h => h.Value.OverBudget).Select(h => $"主机 {h.Key} 的请求预算（{Options.RequestBudgetPerHost} 个）已用完，其后的检测未进行"),
    ];

    public int RequestsTo(Uri url) => _hosts.TryGetValue(HostKey(url), out var s) ? s.Sent : 0;

    /// <summary>Sends a request; with <paramref name="followRedirects"/>, in-scope redirects are followed (GET).</summary>
    public async Task<HttpExchange> SendAsync(ScanRequest request, bool followRedirects = false, CancellationToken cancellationToken = default)
    {
        var exchange = await SendOneAsync(request, cancellationToken).ConfigureAwait(false);
        var hops = 0;
        while (followRedirects && exchange.Status is 301 or 302 or 303 or 307 or 308 && hops++ < Options.MaxRedirects)
        {
            var location = exchange.Header("Location");
            if (location is null || !Uri.TryCreate(exchange.Request.Url, location, out var next))
            {
                break;
            }

            if (!Scope.Permits(next))
            {
                return CopyWith(exchange, redirectRefused: next);
            }

            var method = exchange.Status is 307 or 308 ? exchange.Request.Method : "GET";
            var nextRequest = method == "GET" ? ScanRequest.Get(next) : new ScanRequest(method, next)
            {
                Body = exchange.Request.Body,
                ContentType = exchange.Request.ContentType,
            };
            exchange = await SendOneAsync(nextRequest, cancellationToken).ConfigureAwait(false);
        }

        return exchange;
    }

    private static HttpExchange CopyWith(HttpExchange e, Uri redirectRefused) => new()
    {
        Request = e.Request,
        RawRequest = e.RawRequest,
        Secrets = e.Secrets,
        Status = e.Status,
        Reason = e.Reason,
        Headers = e.Headers,
        Body = e.Body,
        BodyBytes = e.BodyBytes,
        Truncated = e.Truncated,
        Elapsed = e.Elapsed,
        Error = e.Error,
        FinalUrl = e.FinalUrl,
        RedirectRefused = redirectRefused,
    };

    private async Task<HttpExchange> SendOneAsync(ScanRequest request, CancellationToken cancellationToken)
    {
        if (!Scope.Permits(request.Url))
        {
            throw new OutOfScopeException(request.Url);
        }

        if (Options.SafeMode && !SafeMethods.Contains(request.Method))
        {
            throw new UnsafeMethodException(request.Method);
        }

        var key = HostKey(request.Url);
        var host = _hosts.GetOrAdd(key, _ => new HostState(Options));
        if (host.Skipped)
        {
            throw new HostSkippedException(key);
        }

        if (Interlocked.Increment(ref host.SentField) > Options.RequestBudgetPerHost)
        {
            Interlocked.Decrement(ref host.SentField);
            host.OverBudget = true;
            throw new RequestBudgetExhaustedException(key, Options.RequestBudgetPerHost);
        }

        await _globalSlots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await host.Slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await host.Rate.WaitAsync(cancellationToken).ConfigureAwait(false);
                await _globalRate.WaitAsync(cancellationToken).ConfigureAwait(false);
                var exchange = await TransmitAsync(request, cancellationToken).ConfigureAwait(false);
                Interlocked.Increment(ref _requestsSent);
                if (exchange.Failed)
                {
                    if (Interlocked.Increment(ref host.ConsecutiveFailures) >= Options.MaxConsecutiveFailures)
                    {
                        host.Skipped = true;
                    }
                }
                else
                {
                    Interlocked.Exchange(ref host.ConsecutiveFailures, 0);
                }

                Exchanged?.Invoke(exchange);
                return exchange;
            }
            finally
            {
                host.Slots.Release();
            }
        }
        finally
        {
            _globalSlots.Release();
        }
    }

    private async Task<HttpExchange> TransmitAsync(ScanRequest request, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), request.Url);
        message.Version = HttpVersion.Version11;
        var raw = new StringBuilder()
            .Append(request.Method).Append(' ').Append(request.Url.PathAndQuery).Append(" HTTP/1.1\n")
            .Append("Host: ").Append(request.Url.IsDefaultPort ? request.Url.Host : $"{request.Url.Host}:{request.Url.Port}").Append('\n');

        // Headers a login set for the session carry its token, whatever their name.
        var redactAlways = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

        void AddHeader(string name, string value)
        {
            if (!message.Headers.TryAddWithoutValidation(name, value))
            {
                message.Content ??= new ByteArrayContent([]);
                message.Content.Headers.TryAddWithoutValidation(name, value);
            }

            var shown = redactAlways.Contains(name) ? CredentialRedaction.RequestHeader(name, value) : CredentialRedaction.HeaderValue(name, value);
            raw.Append(name).Append(": ").Append(shown).Append('\n');
        }

        var hasUserAgent = request.Headers.Any(h => h.Key.Equals("User-Agent", StringComparison.OrdinalIgnoreCase));
        if (!hasUserAgent)
        {
            AddHeader("User-Agent", Options.UserAgent);
        }

        List<KeyValuePair<string, string>> session;
        lock (_sessionLock)
        {
            session = [.. _sessionHeaders];
        }

        redactAlways.UnionWith(session.Select(h => h.Key));

        foreach (var (k, v) in session.Where(s => !request.Headers.Any(h => h.Key.Equals(s.Key, StringComparison.OrdinalIgnoreCase))))
        {
            AddHeader(k, v);
        }

        foreach (var (k, v) in request.Headers)
        {
            AddHeader(k, v);
        }

        var cookie = Cookies.GetCookieHeader(request.Url);
        if (cookie.Length > 0)
        {
            AddHeader("Cookie", cookie);
        }

        if (request.Body is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(request.Body);
            message.Content = new ByteArrayContent(bytes);
            if (request.ContentType is not null)
            {
                message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(request.ContentType);
                raw.Append("Content-Type: ").Append(request.ContentType).Append('\n');
            }

            raw.Append("Content-Length: ").Append(bytes.Length).Append('\n');
        }

        raw.Append('\n');
        if (request.Body is not null)
        {
            raw.Append(request.Body);
        }

        var rawRequest = Secrets.RemoveFrom(raw.ToString());
        var watch = Stopwatch.StartNew();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Options.Timeout);
        try
        {
            using var response = await _client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            var headers = new List<KeyValuePair<string, string>>();
            foreach (var h in response.Headers)
            {
                headers.AddRange(h.Value.Select(v => new KeyValuePair<string, string>(h.Key, v)));
            }

            foreach (var h in response.Content.Headers)
            {
                headers.AddRange(h.Value.Select(v => new KeyValuePair<string, string>(h.Key, v)));
            }

            foreach (var setCookie in headers.Where(h => h.Key.Equals("Set-Cookie", StringComparison.OrdinalIgnoreCase)))
            {
                try
                {
                    Cookies.SetCookies(request.Url, setCookie.Value);

                    // A session the site hands us is a credential wherever it shows up again (a TRACE echo, a debug page);
                    // short values (lang=zh-CN, theme=dark) are preferences, and blanking them would garble the evidence.
                    if (CredentialRedaction.CookieValue(setCookie.Value) is { Length: >= CredentialRedaction.MinSessionTokenLength } token)
                    {
                        Secrets.Add(token);
                    }
                }
                catch (CookieException)
                {
                    // A malformed cookie is the server's problem; keep scanning without it.
                }
            }

            var (bytesRead, truncated) = request.Method == "HEAD"
                ? ([], false)
                : await ReadCappedAsync(response, timeout.Token).ConfigureAwait(false);
            var body = ResponseText.Decode(bytesRead, response.Content.Headers.ContentType?.CharSet);
            return new HttpExchange
            {
                Request = request,
                RawRequest = rawRequest,
                Secrets = Secrets,
                Status = (int)response.StatusCode,
                Reason = response.ReasonPhrase ?? "",
                Headers = headers,
                Body = body,
                BodyBytes = bytesRead.Length,
                Truncated = truncated,
                Elapsed = watch.Elapsed,
                FinalUrl = request.Url,
            };
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException
                                       || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return new HttpExchange
            {
                Request = request,
                RawRequest = rawRequest,
                Status = 0,
                Elapsed = watch.Elapsed,
                Error = ex is OperationCanceledException ? $"超时（{Options.Timeout.TotalSeconds:0.#} 秒）" : TransportError.Describe(ex, request.Url),
            };
        }
    }

    private async Task<(byte[] Bytes, bool Truncated)> ReadCappedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var cap = Options.MaxResponseBytes;
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        while (true)
        {
            var n = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                return (buffer.ToArray(), false);
            }

            var room = cap - (int)buffer.Length;
            if (n >= room)
            {
                buffer.Write(chunk, 0, Math.Max(0, room));
                return (buffer.ToArray(), true);
            }

            buffer.Write(chunk, 0, n);
        }
    }

    private static string HostKey(Uri url) => $"{url.Host}:{url.Port}";

    public void Dispose()
    {
        _client.Dispose();
        _globalSlots.Dispose();
        foreach (var h in _hosts.Values)
        {
            h.Slots.Dispose();
        }
    }

    private sealed class HostState(HttpPipelineOptions options)
    {
        public readonly RateGate Rate = new(options.PerHostRatePerSecond);
        public readonly SemaphoreSlim Slots = new(Math.Max(1, options.PerHostConcurrency));
        public int SentField;
        public int ConsecutiveFailures;
        public volatile bool Skipped;
        public volatile bool OverBudget;

        public int Sent => Volatile.Read(ref SentField);
    }
}
