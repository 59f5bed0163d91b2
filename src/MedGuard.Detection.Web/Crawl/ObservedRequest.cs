using System.Text.RegularExpressions;

namespace MedGuard.Detection.Web.Crawl;

/// <summary>
/// A request a rendered page made (navigation, XHR, fetch, form post), turned into an <see cref="Endpoint"/> with every
/// parameter it carried: query, id-like path segments, a form-encoded, multipart or JSON body (each leaf), the custom
/// headers page scripts add, and the cookies page scripts set.
/// </summary>
public static partial class ObservedRequest
{
    /// <summary>Headers kept on every probe of the endpoint because the application may require them.</summary>
    private static readonly HashSet<string> KeptHeaders = new(StringComparer.OrdinalIgnoreCase) { "X-Requested-With", "Accept" };

    public static Endpoint? ToEndpoint(string method, Uri url, string? body, string? contentType,
        IReadOnlyList<KeyValuePair<string, string>> headers, IReadOnlyList<KeyValuePair<string, string>> scriptCookies, Uri? foundOn)
    {
        var parameters = new List<EndpointParameter>();
        parameters.AddRange(Crawler.EndpointsOfUrl(url).SelectMany(e => e.Parameters));
        string? jsonBody = null;
        var type = contentType ?? "";
        if (!string.IsNullOrEmpty(body))
        {
            if (type.Contains("json", StringComparison.OrdinalIgnoreCase) || (type.Length == 0 && body.TrimStart().StartsWith('{')))
            {
                var leaves = Endpoint.JsonLeaves(body);
                if (leaves.Count > 0)
                {
                    jsonBody = body;
                    parameters.AddRange(leaves);
                }
            }
            else if (type.Contains("multipart", StringComparison.OrdinalIgnoreCase))
            {
                foreach (Match m in MultipartField().Matches(body.Length > 65536 ? body[..65536] : body).Take(50))
                {
                    parameters.Add(new EndpointParameter(m.Groups["n"].Value, ParameterKind.Multipart, m.Groups["v"].Value.TrimEnd('\r', '\n')));
                }
            }
            else if (type.Contains("x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) || type.Length == 0)
            {
                var form = Crawler.QueryParameters(new UriBuilder("http://form.invalid/") { Query = body }.Uri);
                parameters.AddRange(form.Select(p => p with { Kind = ParameterKind.Form }));
            }
        }

        var kept = headers.Where(h => KeptHeaders.Contains(h.Key) || Token().IsMatch(h.Key)).ToList();
        foreach (var (name, value) in headers)
        {
            // A custom header a script adds (X-Hospital-Code, X-Patient-Id) is read by the application; tokens stay intact.
            if (name.StartsWith("x-", StringComparison.OrdinalIgnoreCase) && !KeptHeaders.Contains(name) && !Token().IsMatch(name))
            {
                parameters.Add(new EndpointParameter(name, ParameterKind.Header, value));
            }
        }

        parameters.AddRange(scriptCookies.Where(c => !Token().IsMatch(c.Key)).Select(c => new EndpointParameter(c.Key, ParameterKind.Cookie, Uri.UnescapeDataString(c.Value))));
        if (parameters.Count == 0)
        {
            return null;
        }

        var bare = new UriBuilder(url) { Query = "", Fragment = "" }.Uri;
        return new Endpoint(method.ToUpperInvariant(), bare, parameters) { JsonBody = jsonBody, Headers = kept, FoundOn = foundOn };
    }

    [GeneratedRegex("name=\"(?<n>[^\"]+)\"(?:; filename=\"[^\"]*\")?\\r?\\n(?:[^\\r\\n]+\\r?\\n)*\\r?\\n(?<v>[^\\r\\n]*)", RegexOptions.None, 1000)]
    private static partial Regex MultipartField();

    [GeneratedRegex("(?i)(csrf|xsrf|token|auth|session|sid$|^jsessionid$|verification)", RegexOptions.None, 1000)]
    private static partial Regex Token();
}
