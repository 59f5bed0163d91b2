using System.Net;

namespace MedGuard.Domain.Scope;

/// <summary>
/// What the institution authorized us to detect (授权检测范围), one type for every detector: address ranges (port
/// scans), website origins (web scans), Android app packages, official accounts, and the pace and time window the
/// authorization allows. Every engine checks each target against it before it sends anything. Host names listed for
/// address-based detection are resolved once, when the scope is built, so that a DNS change during a scan cannot
/// widen it. File formats: <see cref="ScopeFile"/> (docs/scope.md).
/// </summary>
public sealed class AuthorizedScope
{
    /// <summary>Default cap on the number of addresses a scope or a target list may hold without explicit consent.</summary>
    public const long DefaultMaxAddresses = ScopeLimits.DefaultMaxAddresses;

    private readonly List<AddressRange> _ranges;
    private readonly List<string> _names;
    private readonly List<WebOrigin> _origins;
    private readonly List<string> _packages;
    private readonly List<OfficialAccount> _accounts;

    public AuthorizedScope(
        IEnumerable<AddressRange>? ranges = null,
        IEnumerable<string>? hostNames = null,
        IEnumerable<WebOrigin>? origins = null,
        IEnumerable<string>? packages = null,
        IEnumerable<OfficialAccount>? accounts = null,
        double? maxRatePerHost = null,
        ScanWindow? window = null)
    {
        _ranges = Merge([.. ranges ?? []]);
        _names = [.. (hostNames ?? []).Select(n => n.ToLowerInvariant()).Distinct().Order(StringComparer.Ordinal)];
        _origins = [.. (origins ?? []).Distinct()];
        _packages = [.. (packages ?? []).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        _accounts = [.. (accounts ?? []).Distinct()];
        if (_ranges.Count == 0 && _origins.Count == 0 && _packages.Count == 0 && _accounts.Count == 0)
        {
            throw new ScopeException("授权范围为空：至少需要登记一个地址、站点、应用或公众号");
        }

        if (maxRatePerHost is <= 0 or double.NaN)
        {
            throw new ScopeException("授权范围的单台主机速率上限必须为正数");
        }

        MaxRatePerHost = maxRatePerHost;
        Window = window;
    }

    /// <summary>Address blocks, merged and sorted (by family, then start).</summary>
    public IReadOnlyList<AddressRange> Ranges => _ranges;

    /// <summary>Host names listed for address-based detection (lower case); their addresses are in <see cref="Ranges"/>.</summary>
    public IReadOnlyCollection<string> HostNames => _names;

    public IReadOnlyList<WebOrigin> Origins => _origins;

    /// <summary>Android application ids (package names) authorized for app analysis.</summary>
    public IReadOnlyList<string> Packages => _packages;

    public IReadOnlyList<OfficialAccount> Accounts => _accounts;

    /// <summary>Most connections or requests per second to one host the authorization allows; null when it sets none.</summary>
    public double? MaxRatePerHost { get; }

    public ScanWindow? Window { get; }

    /// <summary>A scope of exactly one origin on its port, http and https (as tests use for their own server).</summary>
    public static AuthorizedScope ForOrigin(Uri origin) => new(origins: [new WebOrigin(null, origin.Host.Trim('[', ']').ToLowerInvariant(), origin.Port)]);

    public static AuthorizedScope Load(string path, ScopeLimits? limits = null, Func<string, IPAddress[]>? resolve = null) =>
        ScopeFile.Load(path, limits, resolve);

    public static AuthorizedScope Parse(string text, string source, ScopeLimits? limits = null, Func<string, IPAddress[]>? resolve = null) =>
        ScopeFile.Parse(text, source, limits, resolve);

    // Plain loops here and in Merge: every port scan starts with these, and LINQ over a struct is JIT-compiled at
    // start-up (ReadyToRun cannot precompile framework generics over our value types).
    public UInt128 AddressCount
    {
        get
        {
            var sum = UInt128.Zero;
            foreach (var r in _ranges)
            {
                sum += r.Count;
            }

            return sum;
        }
    }

    public bool Permits(IPAddress address)
    {
        foreach (var r in _ranges)
        {
            if (r.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when every address of <paramref name="range"/> is inside one authorized block.</summary>
    public bool Permits(AddressRange range)
    {
        foreach (var r in _ranges)
        {
            if (r.Contains(range))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>An http(s) URL on an authorized origin; any other scheme never is.</summary>
    public bool Permits(Uri uri)
    {
        foreach (var o in _origins)
        {
            if (o.Matches(uri))
            {
                return true;
            }
        }

        return false;
    }

    public bool PermitsPackage(string packageName) => _packages.Contains(packageName, StringComparer.Ordinal);

    public bool PermitsAccount(string nameOrAppId) => _accounts.Any(a => a.Matches(nameOrAppId));

    /// <summary>Why detection may not run at <paramref name="now"/> (outside the window or the validity), or null.</summary>
    public string? TimeRefusal(DateTimeOffset now) => Window?.Refusal(now);

    /// <summary>The per-host rate to use: the one asked for, capped by the authorization's bound (0 = unlimited asked).</summary>
    public double CapRatePerHost(double requested) =>
        MaxRatePerHost is { } cap && (requested <= 0 || requested > cap) ? cap : requested;

    /// <summary>Every entry as the scope file writes it, in a stable order: what a run records and tests compare.</summary>
    public IReadOnlyList<string> Entries()
    {
        var entries = new List<string>();
        entries.AddRange(_ranges.Select(r => r.ToString()));
        entries.AddRange(_names);
        entries.AddRange(_origins.Select(o => o.ToString()).Order(StringComparer.Ordinal));
        entries.AddRange(_packages.Select(p => $"app:{p}"));
        entries.AddRange(_accounts.Select(a => $"公众号:{a}"));
        if (MaxRatePerHost is { } rate)
        {
            entries.Add($"单机速率≤{rate}/s");
        }

        if (Window is { } w)
        {
            entries.Add(w.ToString());
        }

        return entries;
    }

    /// <summary>The scope as a run records it: the file name and the first entries, then a count.</summary>
    public string Describe(string sourceName)
    {
        var entries = Entries();
        var shown = string.Join("、", entries.Take(10)) + (entries.Count > 10 ? $" 等 {entries.Count} 项" : "");
        return $"{sourceName}：{shown}";
    }

    public override string ToString() => string.Join("; ", Entries());

    private static List<AddressRange> Merge(List<AddressRange> ranges)
    {
        // Sorted by family, then start: overlapping or adjacent blocks of one family become one.
        var sorted = ranges.ToArray();
        Array.Sort(sorted, static (a, b) => a.Family != b.Family ? ((int)a.Family).CompareTo((int)b.Family) : a.First.CompareTo(b.First));
        var merged = new List<AddressRange>(sorted.Length);
        foreach (var r in sorted)
        {
            if (merged.Count > 0 && merged[^1] is var c && c.Family == r.Family && (r.First <= c.Last || r.First == c.Last + 1))
            {
                merged[^1] = c with { Last = r.Last > c.Last ? r.Last : c.Last };
            }
            else
            {
                merged.Add(r);
            }
        }

        return merged;
    }
}
