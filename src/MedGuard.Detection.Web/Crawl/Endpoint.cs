using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MedGuard.Detection.Web.Http;

namespace MedGuard.Detection.Web.Crawl;

public enum ParameterKind
{
    Query,
    Form,
    Json,
    Path,

    /// <summary>A text field of a <c>multipart/form-data</c> body (forms with <c>enctype="multipart/form-data"</c>).</summary>
    Multipart,

    /// <summary>A request header whose value reaches the application (a custom <c>X-…</c> header a page script sends).</summary>
    Header,

    /// <summary>A cookie the page's script sets and sends back (not the session cookie the site set, which stays intact).</summary>
    Cookie,
}

/// <summary>
/// A parameter an active check can tamper with. Path parameters are named <c>path[i]</c> by segment index; JSON
/// parameters by their path in the body (<c>user.name</c>, <c>items[0].id</c>) when the endpoint keeps the whole body.
/// </summary>
public sealed record EndpointParameter(string Name, ParameterKind Kind, string Value)
{
    /// <summary>For a field of an HTML form, its input type (text, password, hidden…); null for the other kinds.</summary>
    public string? InputType { get; init; }
}

/// <summary>A place the site accepts input: method, URL (without query) and its parameters of every kind.</summary>
public sealed record Endpoint(string Method, Uri Url, IReadOnlyList<EndpointParameter> Parameters)
{
    // Payload characters (quotes, angle brackets) go into the body as they are, the way a browser's JSON.stringify sends
    // them: a \u0027 escape would be decoded by a JSON parser but not by a server that reads the body as text.
    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Where the crawler found it (page URL), for the report.</summary>
    public Uri? FoundOn { get; init; }

    /// <summary>
    /// The JSON body as the page sent it (nested objects, arrays): a probe replaces one leaf and keeps the rest intact,
    /// so the server still finds every key it expects. Null for bodies the crawler only knows as flat keys.
    /// </summary>
    public string? JsonBody { get; init; }

    /// <summary>Headers the page sent with the request that the application reads (an API key, X-Requested-With).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>Identity for de-duplication: same method, path and parameter names and kinds.</summary>
    public string Key => $"{Method} {Url.GetLeftPart(UriPartial.Path)} {string.Join("&", Parameters.Select(p => $"{p.Kind}:{p.Name}").Order(StringComparer.Ordinal))}";

    /// <summary>The endpoint a JSON body names: one <see cref="ParameterKind.Json"/> parameter per leaf (strings, numbers, booleans).</summary>
    public static IReadOnlyList<EndpointParameter> JsonLeaves(string json)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return [];
        }

        var leaves = new List<EndpointParameter>();
        Walk(root, "");
        return leaves;

        void Walk(JsonNode? node, string path)
        {
            if (leaves.Count >= 50)
            {
                return; // a huge body: its first leaves are enough to show the shape
            }

            switch (node)
            {
                case JsonObject o:
                    foreach (var (k, v) in o)
                    {
                        Walk(v, path.Length == 0 ? k : $"{path}.{k}");
                    }

                    break;
                case JsonArray a:
                    for (var i = 0; i < a.Count && i < 5; i++)
                    {
                        Walk(a[i], $"{path}[{i}]");
                    }

                    break;
                case JsonValue v when path.Length > 0:
                    var text = v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : v.ToJsonString();
                    leaves.Add(new EndpointParameter(path, ParameterKind.Json, text));
                    break;
            }
        }
    }

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
        var headers = Headers.Where(h => !Parameters.Any(p => p.Kind == ParameterKind.Header && string.Equals(p.Name, h.Key, StringComparison.OrdinalIgnoreCase)))
            .Concat(Parameters.Where(p => p.Kind == ParameterKind.Header).Select(p => new KeyValuePair<string, string>(p.Name, ValueOf(p))))
            .ToList();
        var cookies = Parameters.Where(p => p.Kind == ParameterKind.Cookie).ToList();
        if (cookies.Count > 0)
        {
            // Cookie values are URL-encoded the way script-set cookies usually are: a raw ';' would end the cookie.
            headers.Add(new("Cookie", string.Join("; ", cookies.Select(c => $"{c.Name}={Uri.EscapeDataString(ValueOf(c))}"))));
        }

        var form = Parameters.Where(p => p.Kind == ParameterKind.Form).ToList();
        var json = Parameters.Where(p => p.Kind == ParameterKind.Json).ToList();
        var multipart = Parameters.Where(p => p.Kind == ParameterKind.Multipart).ToList();
        if (json.Count > 0 || JsonBody is not null)
        {
            var body = JsonBody is not null ? WithLeaf(JsonBody, parameter?.Kind == ParameterKind.Json ? parameter : null, value)
                : JsonSerializer.Serialize(json.ToDictionary(p => p.Name, ValueOf), Compact);
            return new ScanRequest(Method, url) { Body = body, ContentType = "application/json; charset=utf-8", Headers = headers };
        }

        if (multipart.Count > 0)
        {
            // A fixed boundary keeps identical probes identical (the pipeline clusters on the whole request).
            const string boundary = "----MedGuardBoundary7MA4YWxkTrZu0gW";
            var sb = new StringBuilder();
            foreach (var p in multipart)
            {
                sb.Append("--").Append(boundary).Append("\r\n")
                    .Append("Content-Disposition: form-data; name=\"").Append(p.Name.Replace("\"", "%22", StringComparison.Ordinal)).Append("\"\r\n\r\n")
                    .Append(ValueOf(p)).Append("\r\n");
            }

            sb.Append("--").Append(boundary).Append("--\r\n");
            return new ScanRequest(Method, url) { Body = sb.ToString(), ContentType = $"multipart/form-data; boundary={boundary}", Headers = headers };
        }

        if (form.Count > 0 || Method == "POST")
        {
            return new ScanRequest(Method, url)
            {
                Body = Encode(form.Select(p => (p.Name, ValueOf(p)))),
                ContentType = "application/x-www-form-urlencoded; charset=UTF-8",
                Headers = headers,
            };
        }

        return new ScanRequest(Method, url) { Headers = headers };
    }

    /// <summary>The JSON body with the leaf at <paramref name="parameter"/>'s path replaced by the string <paramref name="value"/>.</summary>
    private static string WithLeaf(string json, EndpointParameter? parameter, string? value)
    {
        if (parameter is null)
        {
            return json;
        }

        var root = JsonNode.Parse(json);
        var steps = JsonPath(parameter.Name);
        JsonNode? parent = root;
        for (var i = 0; i < steps.Count - 1 && parent is not null; i++)
        {
            parent = steps[i] is int index ? (parent as JsonArray)?[index] : (parent as JsonObject)?[(string)steps[i]];
        }

        switch (parent, steps[^1])
        {
            case (JsonArray a, int index) when index < a.Count:
                a[index] = JsonValue.Create(value ?? "");
                break;
            case (JsonObject o, string key):
                o[key] = JsonValue.Create(value ?? "");
                break;
        }

        return root?.ToJsonString(Compact) ?? json;
    }

    private static List<object> JsonPath(string name)
    {
        var steps = new List<object>();
        var current = new StringBuilder();
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (c == '.' || c == '[')
            {
                if (current.Length > 0)
                {
                    steps.Add(current.ToString());
                    current.Clear();
                }

                if (c == '[')
                {
                    var close = name.IndexOf(']', i);
                    steps.Add(int.Parse(name.AsSpan(i + 1, close - i - 1), System.Globalization.CultureInfo.InvariantCulture));
                    i = close;
                }
            }
            else
            {
                current.Append(c);
            }
        }

        if (current.Length > 0)
        {
            steps.Add(current.ToString());
        }

        return steps;
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
