using System.Text;

namespace MedGuard.Detection.Web.Http;

/// <summary>A request as it went on the wire and the response that came back (or the transport error).</summary>
public sealed class HttpExchange
{
    /// <summary>Largest body kept in evidence text; the full capped body stays available to matchers.</summary>
    public const int EvidenceBodyChars = 16 * 1024;

    public required ScanRequest Request { get; init; }

    /// <summary>
    /// The request as sent, with the Host and Cookie headers the pipeline added — credentials shown as
    /// <see cref="CredentialRedaction.Mark"/> (cookie values, Authorization, the login's secrets).
    /// </summary>
    public required string RawRequest { get; init; }

    /// <summary>The scan's secrets, kept out of <see cref="RawResponse"/> (also those learnt after this exchange).</summary>
    internal ScanSecrets? Secrets { get; init; }

    /// <summary>HTTP status, or 0 when the request failed (timeout, refused, reset).</summary>
    public int Status { get; init; }

    public string Reason { get; init; } = "";

    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    public string Body { get; init; } = "";

    public int BodyBytes { get; init; }

    /// <summary>True when the body was cut at the response size cap.</summary>
    public bool Truncated { get; init; }

    public TimeSpan Elapsed { get; init; }

    public string? Error { get; init; }

    /// <summary>Set when the response redirected outside the authorized scope and the pipeline did not follow.</summary>
    public Uri? RedirectRefused { get; init; }

    /// <summary>The final URL after in-scope redirects were followed.</summary>
    public Uri? FinalUrl { get; init; }

    public bool Failed => Status == 0;

    public string? Header(string name) =>
        Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    public IEnumerable<string> HeaderValues(string name) =>
        Headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value);

    public string ContentType => Header("Content-Type") ?? "";

    public bool IsHtml => ContentType.Contains("html", StringComparison.OrdinalIgnoreCase)
        || (ContentType.Length == 0 && Body.TrimStart().StartsWith('<'));

    public bool IsText => ContentType.Length == 0 || ContentType.StartsWith("text/", StringComparison.OrdinalIgnoreCase)
        || ContentType.Contains("json", StringComparison.OrdinalIgnoreCase)
        || ContentType.Contains("xml", StringComparison.OrdinalIgnoreCase)
        || ContentType.Contains("javascript", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The response as the seed shows it: status line, headers, blank line, body (cut for evidence); cookie values the
    /// server set and the scan's secrets are shown as <see cref="CredentialRedaction.Mark"/>.
    /// </summary>
    public string RawResponse
    {
        get
        {
            if (Failed)
            {
                return $"（无响应：{Error}）";
            }

            var sb = new StringBuilder().Append("HTTP/1.1 ").Append(Status).Append(' ').Append(Reason).Append('\n');
            foreach (var (k, v) in Headers)
            {
                sb.Append(k).Append(": ").Append(CredentialRedaction.HeaderValue(k, v)).Append('\n');
            }

            sb.Append('\n');
            if (Body.Length > EvidenceBodyChars)
            {
                sb.Append(Body.AsSpan(0, EvidenceBodyChars)).Append("\n…（响应体已截断，共 ").Append(BodyBytes).Append(" 字节）");
            }
            else
            {
                sb.Append(Body);
                if (Truncated)
                {
                    sb.Append("\n…（响应体超过大小上限，已截断）");
                }
            }

            return Secrets?.RemoveFrom(sb.ToString()) ?? sb.ToString();
        }
    }
}
