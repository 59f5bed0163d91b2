using System.Net;
using System.Net.Sockets;

namespace MedGuard.Detection.Ports.Scope;

/// <summary>
/// The address space the user is authorized to scan (授权扫描范围). Every target is checked against it before a
/// single packet is sent. Host names in the scope file are resolved once, when the file is loaded, so that a DNS
/// change during a scan cannot widen it.
/// </summary>
/// <remarks>
/// File format (UTF-8 text, one entry a line, <c>#</c> starts a comment):
/// <code>
/// 10.200.1.0/24                 # CIDR block
/// 10.200.2.7                    # one address
/// 10.200.3.10-10.200.3.20       # inclusive range
/// fd00:200:1::/120              # IPv6 works the same
/// pacs.hospital.example         # host name: resolved once, all its addresses are in scope
/// </code>
/// </remarks>
public sealed class AuthorizedScope
{
    /// <summary>Default cap on the number of addresses a scope or a target list may hold without explicit consent.</summary>
    public const long DefaultMaxAddresses = 4096;

    private readonly List<AddressRange> _ranges;
    private readonly HashSet<string> _names;

    private AuthorizedScope(List<AddressRange> ranges, HashSet<string> names)
    {
        _ranges = Merge(ranges);
        _names = names;
    }

    public IReadOnlyList<AddressRange> Ranges => _ranges;

    /// <summary>Host names listed in the file (lower case); their addresses are in <see cref="Ranges"/>.</summary>
    public IReadOnlyCollection<string> HostNames => _names;

    // Plain loops here and in Merge: every scan starts with these, and LINQ over a struct is JIT-compiled at start-up
    // (ReadyToRun cannot precompile framework generics over our value types).
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

    public bool Contains(IPAddress address)
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

    public bool Contains(AddressRange range)
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

    public static AuthorizedScope Load(string path, ScopeLimits? limits = null, Func<string, IPAddress[]>? resolve = null)
    {
        if (!File.Exists(path))
        {
            throw new ScopeException($"授权范围文件不存在: {path}");
        }

        var info = new FileInfo(path);
        if (info.Length > 4 * 1024 * 1024)
        {
            throw new ScopeException($"授权范围文件过大 ({info.Length} 字节，上限 4 MiB): {path}");
        }

        return Parse(File.ReadAllText(path), path, limits, resolve);
    }

    public static AuthorizedScope Parse(string text, string source, ScopeLimits? limits = null, Func<string, IPAddress[]>? resolve = null)
    {
        limits ??= new ScopeLimits();
        resolve ??= Dns.GetHostAddresses;
        var ranges = new List<AddressRange>();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var lineNumber = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            lineNumber++;
            var line = rawLine;
            var hash = line.IndexOf('#');
            if (hash >= 0)
            {
                line = line[..hash];
            }

            line = line.Trim();
            if (line.Length == 0)
            {
                continue;
            }

            if (AddressRange.TryParse(line, out var range))
            {
                ranges.Add(range);
                continue;
            }

            if (!HostName.IsValid(line))
            {
                throw new ScopeException($"{source}:{lineNumber}: 无法识别的授权范围条目 '{line}'（应为 IP、CIDR、地址区间或主机名）");
            }

            IPAddress[] addresses;
            try
            {
                addresses = resolve(line);
            }
            catch (SocketException ex)
            {
                throw new ScopeException($"{source}:{lineNumber}: 无法解析主机名 '{line}': {ex.Message}");
            }

            if (addresses.Length == 0)
            {
                throw new ScopeException($"{source}:{lineNumber}: 主机名 '{line}' 没有解析到任何地址");
            }

            names.Add(line.ToLowerInvariant());
            ranges.AddRange(addresses.Select(AddressRange.Single));
        }

        if (ranges.Count == 0)
        {
            throw new ScopeException($"{source}: 授权范围为空，拒绝扫描");
        }

        var scope = new AuthorizedScope(ranges, names);
        if (scope.AddressCount > (UInt128)limits.MaxAddresses && !limits.AllowLarge)
        {
            throw new ScopeException(
                $"{source}: 授权范围包含 {scope.AddressCount} 个地址，超过上限 {limits.MaxAddresses}；确认授权无误请加 --allow-large-scope");
        }

        return scope;
    }

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

/// <summary>How large a scope or a target list may be before the user must say so explicitly.</summary>
public sealed record ScopeLimits
{
    public long MaxAddresses { get; init; } = AuthorizedScope.DefaultMaxAddresses;

    /// <summary>Set by <c>--allow-large-scope</c>.</summary>
    public bool AllowLarge { get; init; }
}

internal static class HostName
{
    /// <summary>RFC 1123 host name: letters, digits, hyphens and dots, labels of 1–63, total up to 253.</summary>
    public static bool IsValid(string text)
    {
        if (text.Length is 0 or > 253 || text.StartsWith('.') || text.Contains(".."))
        {
            return false;
        }

        foreach (var label in text.TrimEnd('.').Split('.'))
        {
            if (label.Length is 0 or > 63 || label.StartsWith('-') || label.EndsWith('-'))
            {
                return false;
            }

            if (!label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            {
                return false;
            }
        }

        return text.Any(char.IsAsciiLetter);
    }
}
