namespace MedGuard.Detection.Web.Http;

/// <summary>One HTTP request a check wants sent. Immutable, so identical requests from several templates share one send.</summary>
public sealed record ScanRequest
{
    public ScanRequest(string method, Uri url)
    {
        Method = method.ToUpperInvariant();
        Url = url;
    }

    public string Method { get; }

    public Uri Url { get; }

    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    public string? Body { get; init; }

    /// <summary>Content-Type of <see cref="Body"/>, e.g. <c>application/x-www-form-urlencoded</c>.</summary>
    public string? ContentType { get; init; }

    public static ScanRequest Get(Uri url) => new("GET", url);

    public static ScanRequest PostForm(Uri url, string body) =>
        new("POST", url) { Body = body, ContentType = "application/x-www-form-urlencoded; charset=UTF-8" };

    public static ScanRequest PostJson(Uri url, string json) =>
        new("POST", url) { Body = json, ContentType = "application/json; charset=utf-8" };

    /// <summary>Key identifying identical requests across templates (nuclei-style clustering).</summary>
    public string ClusterKey =>
        $"{Method} {Url.AbsoluteUri}\n{string.Join("\n", Headers.Select(h => $"{h.Key.ToLowerInvariant()}:{h.Value}"))}\n{ContentType}\n{Body}";
}
