using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using MedGuard.Detection.Web.Active;
using MedGuard.Detection.Web.Crawl;
using MedGuard.Detection.Web.Http;

namespace MedGuard.Detection.Web.Scanning;

/// <summary>
/// The active checks (主动检测) of a scan, started on each endpoint as soon as a crawl records it — the link crawl's
/// all at once, the browser crawl's while it goes on — so the probes overlap the rendering instead of following it.
/// An endpoint is checked once (by its key: method, path and parameter shape); in safe mode a likely write is not
/// probed but listed. The pipeline's scope, rate, concurrency and budget bound the probes as they bound everything.
/// </summary>
internal sealed partial class ActiveCheckQueue(SafeHttpPipeline pipeline, WebScanOptions options, Action<WebFinding> add, CancellationToken cancellationToken) : IDisposable
{
    private readonly IActiveCheck[] _checks =
    [
        new SqlInjectionCheck(options.TimeBasedDelay),
        new ReflectedXssCheck(),
        new CommandInjectionCheck(),
        new PathTraversalCheck(),
        new OpenRedirectCheck(),
        new ErrorProvocationCheck(),
    ];

    private readonly SemaphoreSlim _slots = new(Math.Max(1, options.Http.PerHostConcurrency));
    private readonly ConcurrentDictionary<string, bool> _seen = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _spared = new();
    private readonly ConcurrentQueue<Task> _running = new();
    private int _parameters;

    /// <summary>Parameters probed (each with every check that applies).</summary>
    public int Parameters => Volatile.Read(ref _parameters);

    /// <summary>Writes safe mode did not probe, as "METHOD /path", each once.</summary>
    public IReadOnlyList<string> WritesSpared => [.. _spared.Distinct(StringComparer.Ordinal)];

    /// <summary>Starts the checks on an endpoint not seen before; returns at once.</summary>
    public void Add(Endpoint endpoint)
    {
        if (!_seen.TryAdd(endpoint.Key, true))
        {
            return;
        }

        if (options.Http.SafeMode && StateChangingEndpoint.IsLikely(endpoint))
        {
            _spared.Enqueue($"{endpoint.Method} {endpoint.Url.AbsolutePath}");
            return;
        }

        var probed = options.Http.SafeMode ? LoginForm.WithoutAccountNames(endpoint) : endpoint;
        foreach (var parameter in probed.Parameters.Where(p => !IsSessionToken(p.Name)))
        {
            Interlocked.Increment(ref _parameters);
            _running.Enqueue(ProbeAsync(probed, parameter));
        }
    }

    /// <summary>Waits for every check started so far (and those started while waiting).</summary>
    public async Task CompleteAsync()
    {
        while (_running.TryDequeue(out var task))
        {
            await task.ConfigureAwait(false);
        }
    }

    public void Dispose() => _slots.Dispose();

    private async Task ProbeAsync(Endpoint endpoint, EndpointParameter parameter)
    {
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var probe = new ActiveProbe(pipeline, endpoint, parameter, null);
            foreach (var check in _checks.Where(c => c.Applies(probe)))
            {
                if (pipeline.IsHostSkipped(endpoint.Url))
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
            _slots.Release();
        }
    }

    /// <summary>Anti-forgery tokens and view state: tampering with them only gets the request rejected.</summary>
    private static bool IsSessionToken(string name) => SessionToken().IsMatch(name);

    [GeneratedRegex(@"(?i)(csrf|xsrf|requestverificationtoken|__viewstate|__eventvalidation|authenticity_token|nonce)")]
    private static partial Regex SessionToken();
}
