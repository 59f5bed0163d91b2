using MedGuard.Domain.Yaml;

namespace MedGuard.Storage.Inventory;

/// <summary>One well-known SDK's servers (<c>Inventory/Data/third-party-hosts.yaml</c>) and the hosts that must be recognised as its.</summary>
public sealed record ThirdPartySdk(string Name, IReadOnlyList<string> Hosts, IReadOnlyList<string> Examples);

/// <summary>
/// The servers of well-known third-party SDKs (微信、支付宝、银联、友盟、极光、个推、地图、Firebase…) that hospital apps
/// carry, as data: a candidate asset on one of them is marked with the SDK's name — it is the vendor's server, which the
/// institution cannot authorize anyone to scan. A pattern <c>*.example.com</c> matches every subdomain (not the domain
/// itself); a plain host matches itself only; when several match, the most specific (longest) wins.
/// </summary>
public sealed class ThirdPartyHosts
{
    private const string ResourceName = "MedGuard.Storage.Inventory.Data.third-party-hosts.yaml";

    private static readonly YamlReadLimits Limits = new(8, 20_000, 1024 * 1024, "第三方 SDK 主机清单");

    private static readonly Lazy<ThirdPartyHosts> BuiltIn = new(() =>
    {
        using var stream = typeof(ThirdPartyHosts).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"缺少内置资源 {ResourceName}");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd(), "third-party-hosts.yaml");
    });

    private readonly Dictionary<string, string> _exact = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _suffix = new(StringComparer.OrdinalIgnoreCase);

    private ThirdPartyHosts(IReadOnlyList<ThirdPartySdk> sdks)
    {
        Sdks = sdks;
        foreach (var sdk in sdks)
        {
            foreach (var host in sdk.Hosts)
            {
                if (host.StartsWith("*.", StringComparison.Ordinal))
                {
                    _suffix[host[1..]] = sdk.Name; // ".example.com"
                }
                else
                {
                    _exact[host] = sdk.Name;
                }
            }
        }
    }

    /// <summary>The list this build carries.</summary>
    public static ThirdPartyHosts Default => BuiltIn.Value;

    public IReadOnlyList<ThirdPartySdk> Sdks { get; }

    /// <summary>The SDK whose server <paramref name="host"/> is, or null when it is none of the listed ones.</summary>
    public string? SdkOf(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var name = host.Trim().TrimEnd('.');
        if (_exact.TryGetValue(name, out var exact))
        {
            return exact;
        }

        // Walk the dots from the left: the first suffix found is the longest, so the most specific entry wins.
        for (var dot = name.IndexOf('.', StringComparison.Ordinal); dot >= 0; dot = name.IndexOf('.', dot + 1))
        {
            if (_suffix.TryGetValue(name[dot..], out var sdk))
            {
                return sdk;
            }
        }

        return null;
    }

    /// <summary>Reads a list in the built-in file's shape; errors name the file and line, in Chinese.</summary>
    public static ThirdPartyHosts Parse(string yaml, string source)
    {
        var root = BoundedYamlReader.Read(yaml, Limits, new Builder(source)) ?? throw new FormatException($"{source}: 文件为空");
        if (root is not Sequence list)
        {
            throw new FormatException($"{source}:{root.Line}: 应为 SDK 列表");
        }

        var sdks = new List<ThirdPartySdk>();
        foreach (var item in list.Items)
        {
            if (item is not Mapping map)
            {
                throw new FormatException($"{source}:{item.Line}: 每项应为含 name、hosts、examples 的映射");
            }

            var name = map.Scalar("name") ?? throw new FormatException($"{source}:{map.Line}: 缺少 name");
            var hosts = map.Strings("hosts");
            if (hosts.Count == 0)
            {
                throw new FormatException($"{source}:{map.Line}: {name} 缺少 hosts");
            }

            foreach (var host in hosts)
            {
                var bare = host.StartsWith("*.", StringComparison.Ordinal) ? host[2..] : host;
                if (Uri.CheckHostName(bare) != UriHostNameType.Dns || !bare.Contains('.', StringComparison.Ordinal))
                {
                    throw new FormatException($"{source}:{map.Line}: {name} 的主机 '{host}' 不是域名（可写 *.域名）");
                }
            }

            sdks.Add(new ThirdPartySdk(name, hosts, map.Strings("examples")));
        }

        return new ThirdPartyHosts(sdks);
    }

    private abstract record Node(int Line);

    private sealed record Scalar(string Value, int Line) : Node(Line);

    private sealed record Sequence(IReadOnlyList<Node> Items, int Line) : Node(Line);

    private sealed record Mapping(IReadOnlyList<KeyValuePair<Scalar, Node>> Entries, int Line) : Node(Line)
    {
        public string? Scalar(string key) => Entries.FirstOrDefault(e => e.Key.Value == key).Value is Scalar s ? s.Value.Trim() : null;

        public IReadOnlyList<string> Strings(string key) => Entries.FirstOrDefault(e => e.Key.Value == key).Value switch
        {
            Sequence items => [.. items.Items.OfType<Scalar>().Select(s => s.Value.Trim().ToLowerInvariant()).Where(s => s.Length > 0)],
            Scalar one => [one.Value.Trim().ToLowerInvariant()],
            _ => [],
        };
    }

    private sealed class Builder(string source) : IYamlNodeBuilder<Node, Scalar>
    {
        public Scalar Scalar(string value, bool plain, int line) => new(value, line);

        public Node List(IReadOnlyList<Node> items, int line) => new Sequence(items, line);

        public Node Map(IReadOnlyList<KeyValuePair<Scalar, Node>> entries, int line) => new Mapping(entries, line);

        public Exception Error(int line, string message) => new FormatException($"{source}:{line}: {message}");
    }
}
