using System.Net.Sockets;
using System.Security.Authentication;

namespace MedGuard.Detection.Web.Http;

/// <summary>
/// Why a request got no response, in words a hospital's operator acts on: nothing listening, a TLS handshake that failed
/// (most often https:// given for a plain-HTTP port), a name that does not resolve — instead of .NET's English text.
/// </summary>
public static class TransportError
{
    public static string Describe(Exception ex, Uri url)
    {
        var chain = new List<Exception>();
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            chain.Add(e);
        }

        var at = $"{url.Host}:{url.Port}";
        if (chain.OfType<SocketException>().FirstOrDefault() is { } socket)
        {
            return socket.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => $"连接被拒绝：{at} 没有服务在监听",
                SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => $"无法解析主机名 {url.Host}",
                SocketError.HostUnreachable or SocketError.NetworkUnreachable => $"网络不可达：{at}",
                SocketError.TimedOut => $"连接超时：{at}",
                SocketError.ConnectionReset => $"连接被对方重置：{at}",
                _ => $"网络错误（{socket.SocketErrorCode}）：{at}",
            };
        }

        if (url.Scheme == Uri.UriSchemeHttps && (chain.Any(e => e is AuthenticationException) || chain.Any(e => e.Message.Contains("SSL", StringComparison.OrdinalIgnoreCase))))
        {
            return $"TLS 握手失败：{at} 没有按 HTTPS 应答（该端口可能只提供明文 HTTP，请确认应使用 http:// 还是 https://）";
        }

        if (chain.Any(e => e is IOException) || chain.Any(e => e.Message.Contains("ended prematurely", StringComparison.Ordinal)))
        {
            return $"连接中断：{at} 在应答前关闭了连接";
        }

        return url.Scheme == Uri.UriSchemeHttp && chain.Any(e => e.Message.Contains("invalid", StringComparison.OrdinalIgnoreCase))
            ? $"{at} 的应答不是 HTTP（该端口可能只提供 HTTPS，请确认应使用 http:// 还是 https://）"
            : $"请求失败：{at}";
    }
}
