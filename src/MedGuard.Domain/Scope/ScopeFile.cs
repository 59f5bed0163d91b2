using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace MedGuard.Domain.Scope;

/// <summary>
/// The CLI's scope file (授权范围文件, docs/scope.md): YAML with <c>addresses</c>, <c>hosts</c>, <c>origins</c>,
/// <c>apps</c>, <c>accounts</c>, <c>maxRatePerHost</c> and <c>window</c>. The two formats that came before still load:
/// the port engine's plain list (<see cref="LegacyPortScopeText"/>) and the web engine's <c>targets:</c> YAML
/// (<see cref="LegacyWebScope"/>).
/// </summary>
public static class ScopeFile
{
    public const long MaxFileBytes = 4 * 1024 * 1024;

    private static readonly string[] Keys = ["addresses", "hosts", "origins", "apps", "accounts", "maxRatePerHost", "window"];

    public static AuthorizedScope Load(string path, ScopeLimits? limits = null, Func<string, IPAddress[]>? resolve = null)
    {
        if (!File.Exists(path))
        {
            throw new ScopeException($"找不到授权范围文件: {path}");
        }

        var info = new FileInfo(path);
        if (info.Length > MaxFileBytes)
        {
            throw new ScopeException($"授权范围文件过大 ({info.Length} 字节，上限 4 MiB): {path}");
        }

        return Parse(File.ReadAllText(path), path, limits, resolve);
    }

    public static AuthorizedScope Parse(string text, string source, ScopeLimits? limits = null, Func<string, IPAddress[]>? resolve = null)
    {
        if (text.Length > MaxFileBytes)
        {
            throw new ScopeException($"{source}: 授权范围过大（超过 4 MiB）");
        }

        limits ??= new ScopeLimits();
        resolve ??= Dns.GetHostAddresses;
        var scope = LooksLikeYaml(text) ? FromYaml(text, source, resolve) : LegacyPortScopeText.Parse(text, source, resolve);
        if (scope.AddressCount > (UInt128)limits.MaxAddresses && !limits.AllowLarge)
        {
            throw new ScopeException(
                $"{source}: 授权范围包含 {scope.AddressCount} 个地址，超过上限 {limits.MaxAddresses}；确认授权无误请加 --allow-large-scope");
        }

        return scope;
    }

    /// <summary>
    /// A YAML scope has a <c>key:</c> or a <c>- item</c> line; the old plain list never has (an IPv6 entry's colons
    /// are never followed by a space or the line's end).
    /// </summary>
    internal static bool LooksLikeYaml(string text)
    {
        foreach (var raw in text.Split('\n'))
        {
            var line = raw;
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

            if (line.StartsWith("- ", StringComparison.Ordinal) || line == "-" || line.StartsWith('{') || line.StartsWith('[')
                || line.Contains(": ", StringComparison.Ordinal) || (line.EndsWith(':') && !line.EndsWith("::", StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }

    private static AuthorizedScope FromYaml(string text, string source, Func<string, IPAddress[]> resolve)
    {
        var root = ScopeYaml.Read(text, source) ?? throw new ScopeException($"{source}: 授权范围文件为空");
        if (root is not ScopeYamlMap map)
        {
            throw new ScopeException($"{source}:{root.Line}: 授权范围文件应以 addresses:、origins: 等键开头（见 docs/scope.md）");
        }

        if (map.Entries.Any(e => e.Key.Value == "targets"))
        {
            return LegacyWebScope.FromYaml(map, source);
        }

        var ranges = new List<AddressRange>();
        var names = new List<string>();
        var origins = new List<WebOrigin>();
        var apps = new List<string>();
        var accounts = new List<OfficialAccount>();
        double? rate = null;
        ScanWindow? window = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in map.Entries)
        {
            if (!seen.Add(key.Value))
            {
                // A second list under the same key would silently replace or extend the first: say so instead.
                throw new ScopeException($"{source}:{key.Line}: 键 '{key.Value}' 重复；同类条目请写在同一个列表里");
            }

            switch (key.Value)
            {
                case "addresses":
                    foreach (var item in Scalars(value, source, "addresses"))
                    {
                        ranges.Add(AddressRange.TryParse(item.Value, out var range)
                            ? range
                            : throw new ScopeException($"{source}:{item.Line}: '{item.Value}' 不是 IP、CIDR 或地址区间"));
                    }

                    break;
                case "hosts":
                    foreach (var item in Scalars(value, source, "hosts"))
                    {
                        var name = item.Value.Trim();
                        if (!HostName.IsValid(name))
                        {
                            throw new ScopeException($"{source}:{item.Line}: 主机名 '{name}' 无效（只写主机名；站点写在 origins 下）");
                        }

                        ranges.AddRange(Resolve(name, source, item.Line, resolve).Select(AddressRange.Single));
                        names.Add(name);
                    }

                    break;
                case "origins":
                    foreach (var item in Scalars(value, source, "origins"))
                    {
                        origins.Add(WebOrigin.TryParse(item.Value, out var origin, out var error)
                            ? origin!
                            : throw new ScopeException($"{source}:{item.Line}: 站点 '{item.Value}' 无效：{error}"));
                    }

                    break;
                case "apps":
                    foreach (var item in Scalars(value, source, "apps"))
                    {
                        apps.Add(IsPackageName(item.Value.Trim())
                            ? item.Value.Trim()
                            : throw new ScopeException($"{source}:{item.Line}: '{item.Value}' 不是 Android 应用包名（如 com.example.hospital）"));
                    }

                    break;
                case "accounts":
                    accounts.AddRange(Accounts(value, source));
                    break;
                case "maxRatePerHost":
                    rate = value is ScopeYamlScalar s && double.TryParse(s.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var r) && r > 0 && double.IsFinite(r)
                        ? r
                        : throw new ScopeException($"{source}:{value.Line}: maxRatePerHost 应为正数（每秒连接或请求数）");
                    break;
                case "window":
                    window = Window(value, source);
                    break;
                default:
                    throw new ScopeException($"{source}:{key.Line}: 未知的键 '{key.Value}'（可用：{string.Join("、", Keys)}）");
            }
        }

        try
        {
            return new AuthorizedScope(ranges, names, origins, apps, accounts, rate, window);
        }
        catch (ScopeException ex)
        {
            throw new ScopeException($"{source}: {ex.Message}");
        }
    }

    internal static IPAddress[] Resolve(string name, string source, int line, Func<string, IPAddress[]> resolve)
    {
        IPAddress[] addresses;
        try
        {
            addresses = resolve(name);
        }
        catch (SocketException ex)
        {
            throw new ScopeException($"{source}:{line}: 无法解析主机名 '{name}': {ex.Message}");
        }

        return addresses.Length > 0 ? addresses : throw new ScopeException($"{source}:{line}: 主机名 '{name}' 没有解析到任何地址");
    }

    internal static IEnumerable<ScopeYamlScalar> Scalars(ScopeYamlNode node, string source, string key)
    {
        if (node is ScopeYamlScalar { Value: "" })
        {
            return [];
        }

        if (node is not ScopeYamlList list)
        {
            throw new ScopeException($"{source}:{node.Line}: {key} 应为列表（- 条目 或 [条目, …]）");
        }

        return list.Items.Select(i => i as ScopeYamlScalar ?? throw new ScopeException($"{source}:{i.Line}: {key} 的条目应为一行文字"));
    }

    private static IEnumerable<OfficialAccount> Accounts(ScopeYamlNode node, string source)
    {
        if (node is not ScopeYamlList list)
        {
            throw new ScopeException($"{source}:{node.Line}: accounts 应为列表（- name: … appId: …）");
        }

        foreach (var item in list.Items)
        {
            if (item is ScopeYamlScalar plain)
            {
                yield return plain.Value.StartsWith("wx", StringComparison.OrdinalIgnoreCase) && plain.Value.All(char.IsAsciiLetterOrDigit)
                    ? new OfficialAccount(null, plain.Value)
                    : new OfficialAccount(plain.Value, null);
                continue;
            }

            if (item is not ScopeYamlMap map)
            {
                throw new ScopeException($"{source}:{item.Line}: accounts 的条目应为名称、AppID 或 {{name, appId}}");
            }

            string? name = null, appId = null;
            foreach (var (k, v) in map.Entries)
            {
                var text = (v as ScopeYamlScalar)?.Value ?? throw new ScopeException($"{source}:{v.Line}: {k.Value} 应为一行文字");
                switch (k.Value)
                {
                    case "name": name = text; break;
                    case "appId": appId = text; break;
                    default: throw new ScopeException($"{source}:{k.Line}: 未知的键 '{k.Value}'（公众号条目可用 name、appId）");
                }
            }

            yield return string.IsNullOrWhiteSpace(name) && string.IsNullOrWhiteSpace(appId)
                ? throw new ScopeException($"{source}:{item.Line}: 公众号条目至少需要 name 或 appId")
                : new OfficialAccount(name, appId);
        }
    }

    private static ScanWindow Window(ScopeYamlNode node, string source)
    {
        if (node is not ScopeYamlMap map)
        {
            throw new ScopeException($"{source}:{node.Line}: window 应包含 daily、validFrom、validUntil");
        }

        TimeOnly? from = null, to = null;
        DateOnly? validFrom = null, validUntil = null;
        foreach (var (k, v) in map.Entries)
        {
            var text = (v as ScopeYamlScalar)?.Value.Trim() ?? throw new ScopeException($"{source}:{v.Line}: {k.Value} 应为一行文字");
            switch (k.Value)
            {
                case "daily":
                    if (!ScanWindow.TryParseDaily(text, out var f, out var t))
                    {
                        throw new ScopeException($"{source}:{v.Line}: daily 应写成 \"22:00-06:00\"（北京时间，起止不同）");
                    }

                    (from, to) = (f, t);
                    break;
                case "validFrom":
                case "validUntil":
                    if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
                    {
                        throw new ScopeException($"{source}:{v.Line}: {k.Value} 应写成 2026-12-31");
                    }

                    if (k.Value == "validFrom")
                    {
                        validFrom = d;
                    }
                    else
                    {
                        validUntil = d;
                    }

                    break;
                default:
                    throw new ScopeException($"{source}:{k.Line}: 未知的键 '{k.Value}'（window 可用 daily、validFrom、validUntil）");
            }
        }

        if (validFrom > validUntil)
        {
            throw new ScopeException($"{source}:{node.Line}: validFrom 晚于 validUntil");
        }

        return new ScanWindow(from, to, validFrom, validUntil);
    }

    /// <summary>An Android application id: two or more dot-separated Java identifiers (com.example.app).</summary>
    private static bool IsPackageName(string text)
    {
        var parts = text.Split('.');
        return text.Length <= 255 && parts.Length >= 2
            && parts.All(p => p.Length > 0 && (char.IsAsciiLetter(p[0]) || p[0] == '_') && p.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'));
    }
}
