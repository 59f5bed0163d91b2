using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace MedGuard.Detection.Web.Scope;

/// <summary>
/// The hosts and ports the user registered as authorized (授权检测范围). The pipeline refuses every request outside it,
/// including redirect targets, so a scan can never wander onto a system nobody allowed us to test.
/// </summary>
public sealed class AuthorizedScope
{
    private readonly List<ScopeEntry> _entries;

    public AuthorizedScope(IEnumerable<ScopeEntry> entries)
    {
        _entries = [.. entries];
        if (_entries.Count == 0)
        {
            throw new ArgumentException("授权范围为空：至少需要登记一个主机");
        }
    }

    public IReadOnlyList<ScopeEntry> Entries => _entries;

    /// <summary>A scope of exactly one origin (scheme-default or explicit port), as tests use for their own server.</summary>
    public static AuthorizedScope ForOrigin(Uri origin) =>
        new([new ScopeEntry(origin.Host, [origin.Port])]);

    public bool Allows(Uri uri)
    {
        if (!uri.IsAbsoluteUri || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return false;
        }

        return _entries.Any(e => e.Matches(uri.Host, uri.Port));
    }

    /// <summary>Reads a scope file: <c>targets: [{host: 127.0.0.1, ports: [8080]}]</c>.</summary>
    public static AuthorizedScope Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"找不到授权范围文件 {path}", path);
        }

        var info = new FileInfo(path);
        if (info.Length > 1024 * 1024)
        {
            throw new InvalidDataException($"授权范围文件 {path} 过大（超过 1 MiB）");
        }

        return Parse(File.ReadAllText(path), path);
    }

    public static AuthorizedScope Parse(string yaml, string sourceName)
    {
        ScopeDocument? doc;
        try
        {
            doc = new DeserializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).Build()
                .Deserialize<ScopeDocument>(yaml);
        }
        catch (YamlException ex)
        {
            throw new InvalidDataException($"{sourceName} 第 {ex.Start.Line} 行：授权范围格式错误（{ex.InnerException?.Message ?? ex.Message}）", ex);
        }

        if (doc?.Targets is not { Count: > 0 })
        {
            throw new InvalidDataException($"{sourceName}：缺少 targets，至少需要登记一个主机");
        }

        var entries = new List<ScopeEntry>();
        foreach (var t in doc.Targets)
        {
            if (string.IsNullOrWhiteSpace(t.Host) || t.Host.Contains('/') || t.Host.Contains(' '))
            {
                throw new InvalidDataException($"{sourceName}：主机名 '{t.Host}' 无效（只写主机名或 IP，不含协议和路径）");
            }

            var ports = t.Ports is { Count: > 0 } ? t.Ports : [80, 443];
            if (ports.Any(p => p is < 1 or > 65535))
            {
                throw new InvalidDataException($"{sourceName}：主机 {t.Host} 的端口超出 1–65535");
            }

            entries.Add(new ScopeEntry(t.Host.Trim(), ports));
        }

        return new AuthorizedScope(entries);
    }

    private sealed class ScopeDocument
    {
        public List<ScopeTarget>? Targets { get; set; }
    }

    private sealed class ScopeTarget
    {
        public string? Host { get; set; }
        public List<int>? Ports { get; set; }
    }
}

/// <summary>One registered host (exact name or IP, or <c>*.domain</c> for its sub-domains) and its ports.</summary>
public sealed record ScopeEntry(string Host, IReadOnlyList<int> Ports)
{
    public bool Matches(string host, int port)
    {
        if (!Ports.Contains(port))
        {
            return false;
        }

        var h = host.Trim('[', ']');
        var pattern = Host.Trim('[', ']');
        if (pattern.StartsWith("*.", StringComparison.Ordinal))
        {
            return h.EndsWith(pattern[1..], StringComparison.OrdinalIgnoreCase);
        }

        return string.Equals(h, pattern, StringComparison.OrdinalIgnoreCase);
    }
}
