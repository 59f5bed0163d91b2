using System.Globalization;
using System.Net;

namespace MedGuard.Domain.Scope;

/// <summary>
/// One authorized website origin (站点): an exact host name or IP, or <c>*.domain</c> for its sub-domains (not the
/// domain itself), on one port, for one scheme or — when <see cref="Scheme"/> is null — for http and https both, as the
/// web engine's old <c>targets:</c> entries meant.
/// </summary>
public sealed record WebOrigin(string? Scheme, string Host, int Port)
{
    public bool Matches(Uri uri)
    {
        if (!uri.IsAbsoluteUri || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return false;
        }

        if (uri.Port != Port || (Scheme is not null && !string.Equals(Scheme, uri.Scheme, StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }

        var h = uri.Host.Trim('[', ']');
        var pattern = Host.Trim('[', ']');
        return pattern.StartsWith("*.", StringComparison.Ordinal)
            ? h.EndsWith(pattern[1..], StringComparison.OrdinalIgnoreCase)
            : string.Equals(h, pattern, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Reads <c>https://his.hospital.test</c>, <c>http://127.0.0.1:8080</c>, <c>*.hospital.test:443</c> (no scheme:
    /// http and https) or <c>[fd00::1]:8443</c>. A path, query or user name is refused: a scope names origins only.
    /// </summary>
    public static bool TryParse(string text, out WebOrigin? origin, out string? error)
    {
        origin = null;
        error = null;
        text = text.Trim();
        string? scheme = null;
        var rest = text;
        var sep = text.IndexOf("://", StringComparison.Ordinal);
        if (sep >= 0)
        {
            scheme = text[..sep].ToLowerInvariant();
            if (scheme is not ("http" or "https"))
            {
                error = $"只支持 http 和 https，不支持 '{scheme}'";
                return false;
            }

            rest = text[(sep + 3)..];
        }

        if (rest.EndsWith('/'))
        {
            rest = rest[..^1];
        }

        if (rest.Contains('/') || rest.Contains('?') || rest.Contains('#') || rest.Contains('@') || rest.Contains(' '))
        {
            error = "只写 协议://主机:端口，不含路径、参数或用户名";
            return false;
        }

        string host;
        string? portText = null;
        if (rest.StartsWith('['))
        {
            var close = rest.IndexOf(']');
            if (close < 0)
            {
                error = "IPv6 地址缺少 ']'";
                return false;
            }

            host = rest[1..close];
            var after = rest[(close + 1)..];
            if (after.Length > 0)
            {
                if (!after.StartsWith(':'))
                {
                    error = "IPv6 地址后只能跟 :端口";
                    return false;
                }

                portText = after[1..];
            }

            if (!IPAddress.TryParse(host, out _))
            {
                error = $"'{host}' 不是 IPv6 地址";
                return false;
            }
        }
        else
        {
            var colon = rest.LastIndexOf(':');
            host = colon >= 0 ? rest[..colon] : rest;
            portText = colon >= 0 ? rest[(colon + 1)..] : null;
            var bare = host.StartsWith("*.", StringComparison.Ordinal) ? host[2..] : host;
            if (!IPAddress.TryParse(bare, out _) && !HostName.IsValid(bare))
            {
                error = $"主机名 '{host}' 无效";
                return false;
            }
        }

        int port;
        if (portText is null)
        {
            if (scheme is null)
            {
                error = "没有协议时必须写端口（如 his.hospital.test:443）";
                return false;
            }

            port = scheme == "https" ? 443 : 80;
        }
        else if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
        {
            error = $"端口 '{portText}' 超出 1–65535";
            return false;
        }

        origin = new WebOrigin(scheme, host.ToLowerInvariant(), port);
        return true;
    }

    public override string ToString()
    {
        var host = Host.Contains(':') ? $"[{Host}]" : Host;
        return Scheme is null ? $"{host}:{Port}" : $"{Scheme}://{host}:{Port}";
    }
}
