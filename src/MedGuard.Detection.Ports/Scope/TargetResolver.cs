using System.Net;
using System.Net.Sockets;
using MedGuard.Domain.Scope;

namespace MedGuard.Detection.Ports.Scope;

/// <summary>
/// Turns the user's target list (addresses, CIDR blocks, ranges, host names) into addresses, refusing the whole list
/// if any part of it falls outside the authorized scope — nothing is sent before every target has been checked.
/// </summary>
public static class TargetResolver
{
    /// <summary>Upper bound even with consent: the scanner keeps one state per address in memory.</summary>
    public const long HardMaxTargets = 1 << 20;

    public static IReadOnlyList<ScanTarget> Resolve(
        IEnumerable<string> specs, AuthorizedScope scope, ScopeLimits? limits = null, Func<string, IPAddress[]>? resolve = null)
    {
        limits ??= new ScopeLimits();
        resolve ??= Dns.GetHostAddresses;
        var ranges = new List<(AddressRange Range, string? Name)>();
        foreach (var raw in specs)
        {
            var spec = raw.Trim();
            if (spec.Length == 0)
            {
                continue;
            }

            if (AddressRange.TryParse(spec, out var range))
            {
                if (!scope.Permits(range))
                {
                    var outside = FirstOutside(range, scope);
                    throw new ScopeException($"目标 {spec} 不在授权范围内（{outside} 未授权），拒绝扫描");
                }

                ranges.Add((range, null));
                continue;
            }

            if (!HostName.IsValid(spec))
            {
                throw new ScopeException($"无法识别的目标 '{spec}'（应为 IP、CIDR、地址区间或主机名）");
            }

            IPAddress[] addresses;
            try
            {
                addresses = resolve(spec);
            }
            catch (SocketException ex)
            {
                throw new ScopeException($"无法解析目标主机名 '{spec}': {ex.Message}");
            }

            if (addresses.Length == 0)
            {
                throw new ScopeException($"目标主机名 '{spec}' 没有解析到任何地址");
            }

            foreach (var address in addresses.Select(AddressRange.Normalize).Distinct())
            {
                if (!scope.Permits(address))
                {
                    throw new ScopeException($"目标 {spec} 解析到的地址 {address} 不在授权范围内，拒绝扫描");
                }

                ranges.Add((AddressRange.Single(address), spec.ToLowerInvariant()));
            }
        }

        if (ranges.Count == 0)
        {
            throw new ScopeException("没有给出扫描目标");
        }

        var total = UInt128.Zero;
        foreach (var (range, _) in ranges)
        {
            total += range.Count;
        }

        if (total > (UInt128)HardMaxTargets)
        {
            throw new ScopeException($"目标共 {total} 个地址，超过单次扫描的硬上限 {HardMaxTargets}");
        }

        if (total > (UInt128)limits.MaxAddresses && !limits.AllowLarge)
        {
            throw new ScopeException($"目标共 {total} 个地址，超过上限 {limits.MaxAddresses}；确认无误请加 --allow-large-scope");
        }

        var seen = new HashSet<IPAddress>();
        var targets = new List<ScanTarget>();
        foreach (var (range, name) in ranges)
        {
            for (UInt128 i = 0; i < range.Count; i++)
            {
                var address = range.AddressAt(i);
                if (seen.Add(address))
                {
                    targets.Add(new ScanTarget(address, name));
                }
            }
        }

        return targets;
    }

    private static string FirstOutside(AddressRange range, AuthorizedScope scope)
    {
        if (!scope.Permits(range.AddressAt(0)))
        {
            return range.AddressAt(0).ToString();
        }

        // Walk the scope's blocks in order; the first address past the block that holds range.First is outside.
        var holder = scope.Ranges.First(r => r.Contains(range.AddressAt(0)));
        return AddressRange.FromNumber(range.Family, holder.Last + 1).ToString();
    }
}
