using MedGuard.Detection.Ports.PortSets;
using MedGuard.Detection.Ports.Scope;
using MedGuard.Detection.Ports.Services;
using MedGuard.Domain.Scope;

namespace MedGuard.Detection.Ports.Scanning;

/// <summary>
/// TCP connect scanner (全连接扫描). Every target is checked against the authorized scope before anything is sent;
/// then hosts are swept in parallel, each paced by its own window, rate and round-trip estimate (see
/// <see cref="HostScan"/>), all of them under a global adaptive concurrency limit and a global rate.
/// </summary>
public sealed class ConnectScanner
{
    private readonly AuthorizedScope _scope;
    private readonly ScanOptions _options;
    private readonly ServiceIdentifier? _identifier;

    public ConnectScanner(AuthorizedScope scope, ScanOptions? options = null, ServiceIdentifier? identifier = null)
    {
        _scope = scope;
        // The authorization's per-host bound (授权的单机速率上限) caps whatever pace was asked for.
        _options = options ?? new ScanOptions();
        _options = _options with { PerHostRate = scope.CapRatePerHost(_options.PerHostRate) };
        _options.Validate();
        _identifier = _options.IdentifyServices ? identifier ?? new ServiceIdentifier(ProbeCatalog.Default, scope) : null;
    }

    public ScanProgress Progress { get; } = new();

    public async Task<IReadOnlyList<HostResult>> ScanAsync(
        IReadOnlyList<ScanTarget> targets, PortSet ports, CancellationToken cancellationToken = default)
    {
        // Scope is checked here again, whoever built the target list: nothing leaves the machine for an address
        // the user is not authorized to scan.
        foreach (var target in targets)
        {
            if (!_scope.Permits(target.Address))
            {
                throw new ScopeException($"目标 {target} 不在授权范围内，拒绝扫描");
            }
        }

        Progress.TotalProbes = (long)targets.Count * ports.Count;
        var global = new ConcurrencyLimiter(_options.GlobalConcurrency, floor: Math.Min(16, _options.GlobalConcurrency));
        var globalRate = new RateLimiter(_options.GlobalRate);
        await using var deadlines = new ConnectDeadlines();
        using var epoll = _options.Engine == ConnectEngine.Sockets ? null : EpollConnector.TryCreate();
        var results = new HostResult[targets.Count];
        var next = -1;

        async Task Worker()
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < targets.Count)
            {
                var hostRate = new RateLimiter(_options.PerHostRate);
                var scan = new HostScan(targets[i], ports.Ports, _options, global, globalRate, hostRate, Progress, deadlines, epoll);
                var result = await scan.RunAsync(cancellationToken).ConfigureAwait(false);
                if (_identifier is not null && result.OpenPorts.Count > 0)
                {
                    await IdentifyAsync(result, global, globalRate, hostRate, cancellationToken).ConfigureAwait(false);
                }

                results[i] = result;
            }
        }

        var workers = Enumerable.Range(0, Math.Min(_options.ParallelHosts, targets.Count)).Select(_ => Task.Run(Worker, cancellationToken));
        await Task.WhenAll(workers).ConfigureAwait(false);
        return results;
    }

    private async Task IdentifyAsync(
        HostResult host, ConcurrencyLimiter global, RateLimiter globalRate, RateLimiter hostRate, CancellationToken cancellationToken)
    {
        // The per-host cap bounds every connection to the host, probes included: a fragile server set to 1 gets 1.
        var perHost = Math.Min(_options.PerHostProbeConcurrency, _options.PerHostConcurrency);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = perHost, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(host.OpenPorts, parallel, async (port, ct) =>
        {
            await global.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                async ValueTask Pace(CancellationToken token)
                {
                    await globalRate.WaitAsync(token).ConfigureAwait(false);
                    await hostRate.WaitAsync(token).ConfigureAwait(false);
                }

                port.Service = await _identifier!.IdentifyAsync(host.Target, port.Port, Pace, ct).ConfigureAwait(false);
                Progress.AddIdentified();
            }
            finally
            {
                global.Release();
            }
        }).ConfigureAwait(false);
    }
}
