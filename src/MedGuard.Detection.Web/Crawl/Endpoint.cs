using System.Text;
using System.Text.Json;
using MedGuard.Detection.Web.Http;

namespace MedGuard.Detection.Web.Crawl;

public enum ParameterKind
{
    Query,
    Form,
    Json,
    Path,
}

/// <summary>A parameter an active check can tamper with. Path parameters are named <c>path[i]</c> by segment index.</summary>
public sealed record EndpointParameter(string Name, ParameterKind Kind, string Value)
{
    /// <summary>For a field of an HTML form, its input type (text, password, hidden…); null for the other kinds.</summary>
    public string? InputType { get; init; }
}

/// <summary>A place the site accepts input: method, URL (without query) and its parameters of every kind.</summary>
public sealed record Endpoint(string Method, Uri Url, IReadOnlyList<EndpointParameter> Parameters)
{
    /// <summary>Where the crawler found it (page URL), for the report.</summary>
    public Uri? FoundOn { get; init; }

    /// <summary>Identity for de-duplication: same method, path and parameter names and kinds.</summary>
    public string Key => $"{Method} {Url.GetLeftPart(UriPartial.Path)} {string.Join("&", Parameters.Select(p => $"{p.Kind}:{p.Name}").Order(StringComparer.Ordinal))}";

    /// <summary>The request with <paramref name="parameter"/> set to <paramref name="value"/> and the others at their defaults.</summary>
    public ScanRequest BuildRequest(EndpointParameter? parameter = null, string? value = null)
    {
        string ValueOf(EndpointParameter p) => parameter is not null && p == parameter ? value ?? "" : p.Value;

        var path = Url.AbsolutePath;
        var pathParams = Parameters.Where(p => p.Kind == ParameterKind.Path).ToList();
        if (pathParams.Count > 0)
        {
            var segments = path.Split('/');
            foreach (var p in pathParams)
            {
                var index = int.Parse(p.Name.AsSpan(5, p.Name.Length - 6), System.Globalization.CultureInfo.InvariantCulture);
                if (index < segments.Length)
                {
                    segments[index] = Uri.EscapeDataString(ValueOf(p));
                }
            }

            path = string.Join('/', segments);
        }

        var query = Encode(Parameters.Where(p => p.Kind == ParameterKind.Query).Select(p => (p.Name, ValueOf(p))));
        var url = new UriBuilder(Url) { Path = path, Query = query }.Uri;
        var form = Parameters.Where(p => p.Kind == ParameterKind.Form).ToList();
        var json = Parameters.Where(p => p.Kind == ParameterKind.Json).ToList();
        if (json.Count > 0)
        {
            var body = JsonSerializer.Serialize(json.ToDictionary(p => p.Name, ValueOf));
            return new ScanRequest(Method, url) { Body = body, ContentType = "application/json; charset=utf-8" };
        }

        if (form.Count > 0 || Method == "POST")
        {
            return new ScanRequest(Method, url)
            {
                Body = Encode(form.Select(p => (p.Name, ValueOf(p)))),
                ContentType = "application/x-www-form-urlencoded; charset=UTF-8",
            };
        }

        return new ScanRequest(Method, url);
    }

    private static string Encode(IEnumerable<(string Name, string Value)> pairs)
    {
        var sb = new StringBuilder();
        foreach (var (name, value) in pairs)
        {
            if (sb.Length > 0)
            {
                sb.Append('&');
            }

            sb.Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
        }

        return sb.ToString();
    }
}
