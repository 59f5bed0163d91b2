namespace MedGuard.Domain.Scope;

/// <summary>
/// The web engine's first scope format, still accepted: <c>targets: [{host: 127.0.0.1, ports: [8080]}]</c>, a host
/// being an exact name or IP or <c>*.domain</c>, ports defaulting to 80 and 443, each for http and https. The same
/// scope in the YAML format is one <c>origins:</c> entry per host and port without a scheme: <c>127.0.0.1:8080</c>.
/// </summary>
public static class LegacyWebScope
{
    public static AuthorizedScope FromYaml(ScopeYamlMap map, string source)
    {
        var origins = new List<WebOrigin>();
        foreach (var (key, value) in map.Entries)
        {
            if (key.Value != "targets")
            {
                throw new ScopeException(
                    $"{source}:{key.Line}: 旧格式（targets:）不能与 '{key.Value}' 混用；请把每个 host 与端口改写为 origins: 下的 \"主机:端口\"（见 docs/scope.md）");
            }

            if (value is not ScopeYamlList { Items.Count: > 0 } list)
            {
                throw new ScopeException($"{source}:{value.Line}: 缺少 targets，至少需要登记一个主机");
            }

            foreach (var item in list.Items)
            {
                origins.AddRange(Target(item, source));
            }
        }

        return new AuthorizedScope(origins: origins);
    }

    private static IEnumerable<WebOrigin> Target(ScopeYamlNode item, string source)
    {
        if (item is not ScopeYamlMap target)
        {
            throw new ScopeException($"{source}:{item.Line}: targets 的条目应为 {{host, ports}}");
        }

        string? host = null;
        var ports = new List<int>();
        foreach (var (k, v) in target.Entries)
        {
            switch (k.Value)
            {
                case "host":
                    host = (v as ScopeYamlScalar)?.Value ?? throw new ScopeException($"{source}:{v.Line}: host 应为一行文字");
                    break;
                case "ports":
                    foreach (var p in ScopeFile.Scalars(v, source, "ports"))
                    {
                        ports.Add(int.TryParse(p.Value, out var port) && port is >= 1 and <= 65535
                            ? port
                            : throw new ScopeException($"{source}:{p.Line}: 主机 {host} 的端口超出 1–65535"));
                    }

                    break;
                default:
                    throw new ScopeException($"{source}:{k.Line}: 未知的键 '{k.Value}'（targets 条目可用 host、ports）");
            }
        }

        if (string.IsNullOrWhiteSpace(host) || host.Contains('/') || host.Contains(' '))
        {
            throw new ScopeException($"{source}:{target.Line}: 主机名 '{host}' 无效（只写主机名或 IP，不含协议和路径）");
        }

        host = host.Trim().Trim('[', ']').ToLowerInvariant();
        return (ports.Count > 0 ? ports : [80, 443]).Select(p => new WebOrigin(null, host, p));
    }
}
