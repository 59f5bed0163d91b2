using System.Net;
using System.Net.Sockets;
using MedGuard.Detection.Ports.Scanning;
using MedGuard.Detection.Ports.Scope;
using MedGuard.Detection.Ports.Services;
using MedGuard.Domain.Scope;

namespace MedGuard.Detection.Ports.Udp;

/// <summary>
/// UDP service probes (UDP 服务探测): SNMP default communities, TFTP, NTP (time, mode 6, monlist), SSDP and open DNS
/// recursion, as Data/udp-probes.json describes them. Same rules as the TCP sweep: every target is checked against
/// the authorized scope before anything is sent; datagrams to a host go one at a time, under its own rate (capped by
/// the authorization's per-host bound) and the global rate. Only a reply is evidence: a silent port is not reported.
/// </summary>
public sealed class UdpServiceScanner
{
    private readonly AuthorizedScope _scope;
    private readonly ScanOptions _options;
    private readonly UdpProbeCatalog _catalog;
    private long _sent;

    public UdpServiceScanner(AuthorizedScope scope, ScanOptions? options = null, UdpProbeCatalog? catalog = null)
    {
        _scope = scope;
        _options = options ?? new ScanOptions();
        _options = _options with { PerHostRate = scope.CapRatePerHost(_options.PerHostRate) };
        _options.Validate();
        _catalog = catalog ?? UdpProbeCatalog.Default;
    }

    /// <summary>Datagrams sent so far (probes, retries and goodbyes).</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>The services that answered, one per target and port (the flags of all its probes together).</summary>
    public async Task<IReadOnlyList<UdpServiceResult>> ScanAsync(IReadOnlyList<ScanTarget> targets, CancellationToken cancellationToken = default)
    {
        foreach (var target in targets)
        {
            if (!_scope.Permits(target.Address))
            {
                throw new ScopeException($"目标 {target} 不在授权范围内，拒绝扫描");
            }
        }

        var globalRate = new RateLimiter(_options.GlobalRate);
        var perTarget = new List<UdpServiceResult>[targets.Count];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.ParallelHosts, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, targets.Count), parallel, async (i, ct) =>
        {
            var target = targets[i];
            var hostRate = new RateLimiter(_options.PerHostRate);
            var answers = new List<(UdpProbe Probe, ServiceInfo Info)>();
            foreach (var probe in _catalog.Probes)
            {
                for (var attempt = 0; attempt <= _options.Retries; attempt++)
                {
                    if (await ProbeAsync(target.Address, probe, globalRate, hostRate, ct).ConfigureAwait(false) is { } info)
                    {
                        answers.Add((probe, info));
                        break;
                    }
                }
            }

            perTarget[i] = [.. answers.GroupBy(a => a.Probe.Port).Select(g => new UdpServiceResult(target, g.Key, Merge(g.Select(a => a.Info))))];
        }).ConfigureAwait(false);
        return [.. perTarget.SelectMany(r => r)];
    }

    private async Task<ServiceInfo?> ProbeAsync(IPAddress address, UdpProbe probe, RateLimiter globalRate, RateLimiter hostRate, CancellationToken cancellationToken)
    {
        using var socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        var any = address.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any;
        socket.Bind(new IPEndPoint(any, 0));
        await PaceAsync(globalRate, hostRate, cancellationToken).ConfigureAwait(false);
        try
        {
            await socket.SendToAsync(probe.Payload, SocketFlags.None, new IPEndPoint(address, probe.Port), cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException)
        {
            return null; // no route, or refused locally: nothing answered
        }

        // Unconnected: a TFTP server answers from a port of its own. Datagrams from any other address are ignored.
        var buffer = new byte[65535];
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(_options.InitialTimeout);
        while (true)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(any, 0), wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return null; // silent: nothing to report
            }
            catch (SocketException)
            {
                return null; // an ICMP error reported on the socket: nothing listens
            }

            var from = (IPEndPoint)received.RemoteEndPoint;
            if (!from.Address.Equals(address))
            {
                continue;
            }

            if (probe.Read(buffer.AsSpan(0, received.ReceivedBytes)) is { } info)
            {
                if (probe.Goodbye is { } goodbye)
                {
                    await PaceAsync(globalRate, hostRate, cancellationToken).ConfigureAwait(false);
                    try
                    {
                        await socket.SendToAsync(goodbye, SocketFlags.None, from, cancellationToken).ConfigureAwait(false);
                    }
                    catch (SocketException)
                    {
                        // The answer stands; the server's transfer times out on its own.
                    }
                }

                return info;
            }
        }
    }

    private async ValueTask PaceAsync(RateLimiter globalRate, RateLimiter hostRate, CancellationToken cancellationToken)
    {
        await globalRate.WaitAsync(cancellationToken).ConfigureAwait(false);
        await hostRate.WaitAsync(cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref _sent);
    }

    /// <summary>Several probes of one port (NTP time, mode 6, monlist) as one service: flags and infos together.</summary>
    private static ServiceInfo Merge(IEnumerable<ServiceInfo> infos)
    {
        var all = infos.ToList();
        return all[0] with
        {
            Info = string.Join("；", all.Select(i => i.Info).Where(i => !string.IsNullOrEmpty(i)).Distinct(StringComparer.Ordinal)),
            Probe = string.Join(',', all.Select(i => i.Probe)),
            Flags = [.. all.SelectMany(i => i.Flags).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
        };
    }
}

/// <summary>A UDP service that answered: where, and what its replies said.</summary>
public sealed record UdpServiceResult(ScanTarget Target, int Port, ServiceInfo Service);
