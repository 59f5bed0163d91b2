using System.Text.Json;
using System.Text.Json.Nodes;

namespace MedGuard.Detection.Web.Crawl;

/// <summary>
/// An OpenAPI 3 or Swagger 2 document the site publishes (Swashbuckle, springfox, FastAPI…): every operation becomes an
/// endpoint with its query, path, header, form and JSON body parameters, each with an example value of its type.
/// </summary>
public static class OpenApiDocument
{
    /// <summary>Where the common frameworks publish their document.</summary>
    public static readonly IReadOnlyList<string> WellKnownPaths =
        ["/swagger/v1/swagger.json", "/v2/api-docs", "/v3/api-docs", "/openapi.json", "/swagger.json", "/api-docs", "/api/swagger.json"];

    public static IReadOnlyList<Endpoint> Endpoints(string json, Uri documentUrl)
    {
        JsonObject? root;
        try
        {
            root = JsonNode.Parse(json) as JsonObject;
        }
        catch (JsonException)
        {
            return [];
        }

        if (root?["paths"] is not JsonObject paths || (root["openapi"] is null && root["swagger"] is null))
        {
            return [];
        }

        var basePath = BasePath(root, documentUrl);
        var list = new List<Endpoint>();
        foreach (var (path, item) in paths.Take(500))
        {
            if (item is not JsonObject operations)
            {
                continue;
            }

            foreach (var (verb, op) in operations)
            {
                var method = verb.ToUpperInvariant();
                if (method is not ("GET" or "POST" or "PUT" or "PATCH" or "DELETE") || op is not JsonObject operation)
                {
                    continue;
                }

                var shared = operations["parameters"] as JsonArray;
                if (EndpointOf(root, basePath, path, method, operation, shared) is { } e)
                {
                    list.Add(e);
                }
            }
        }

        return list;
    }

    private static Uri BasePath(JsonObject root, Uri documentUrl)
    {
        var origin = new Uri(documentUrl.GetLeftPart(UriPartial.Authority) + "/");
        if (root["servers"] is JsonArray { Count: > 0 } servers && servers[0]?["url"]?.GetValue<string>() is { } server
            && Uri.TryCreate(origin, server, out var s) && s.GetLeftPart(UriPartial.Authority) == documentUrl.GetLeftPart(UriPartial.Authority))
        {
            return s; // a server on another origin is not ours to test; its path is still taken only on this one
        }

        return root["basePath"]?.GetValue<string>() is { } bp && Uri.TryCreate(origin, bp, out var b) ? b : origin;
    }

    private static Endpoint? EndpointOf(JsonObject root, Uri basePath, string path, string method, JsonObject operation, JsonArray? shared)
    {
        var parameters = new List<EndpointParameter>();
        var concretePath = path;
        string? jsonBody = null;
        var formKind = ParameterKind.Form;
        foreach (var p in (operation["parameters"] as JsonArray ?? []).Concat(shared ?? []).Select(p => Resolve(root, p)).OfType<JsonObject>())
        {
            var name = p["name"]?.GetValue<string>();
            var place = p["in"]?.GetValue<string>();
            if (name is null)
            {
                continue;
            }

            var example = Example(root, p["schema"] ?? p, 0);
            switch (place)
            {
                case "query":
                    parameters.Add(new EndpointParameter(name, ParameterKind.Query, Text(example)));
                    break;
                case "header" when !name.Equals("Authorization", StringComparison.OrdinalIgnoreCase):
                    parameters.Add(new EndpointParameter(name, ParameterKind.Header, Text(example)));
                    break;
                case "path":
                    concretePath = concretePath.Replace("{" + name + "}", Uri.EscapeDataString(Text(example)), StringComparison.Ordinal);
                    break;
                case "formData":
                    parameters.Add(new EndpointParameter(name, ParameterKind.Form, Text(example)));
                    break;
                case "body":
                    jsonBody = Example(root, p["schema"], 0)?.ToJsonString();
                    break;
            }
        }

        if (operation["requestBody"] is { } rb && Resolve(root, rb)?["content"] is JsonObject content)
        {
            if (content.FirstOrDefault(c => c.Key.Contains("json", StringComparison.OrdinalIgnoreCase)).Value is { } j)
            {
                jsonBody = Example(root, j["schema"], 0)?.ToJsonString();
            }
            else if (content.FirstOrDefault(c => c.Key.Contains("form", StringComparison.OrdinalIgnoreCase)) is { Value: { } f } form)
            {
                formKind = form.Key.Contains("multipart", StringComparison.OrdinalIgnoreCase) ? ParameterKind.Multipart : ParameterKind.Form;
                if (Example(root, f["schema"], 0) is JsonObject fields)
                {
                    parameters.AddRange(fields.Select(x => new EndpointParameter(x.Key, formKind, Text(x.Value))));
                }
            }
        }

        if (!Uri.TryCreate(basePath, basePath.AbsolutePath.TrimEnd('/') + "/" + concretePath.TrimStart('/'), out var url))
        {
            return null;
        }

        var withPath = Crawler.EndpointsOfUrl(url).SelectMany(e => e.Parameters).Where(p => p.Kind == ParameterKind.Path);
        parameters.InsertRange(0, withPath);
        if (jsonBody is not null)
        {
            parameters.AddRange(Endpoint.JsonLeaves(jsonBody));
        }

        return parameters.Count == 0 ? null : new Endpoint(method, url, parameters) { JsonBody = jsonBody, FoundOn = basePath };
    }

    private static JsonNode? Resolve(JsonObject root, JsonNode? node)
    {
        for (var i = 0; i < 8 && node?["$ref"]?.GetValue<string>() is { } reference && reference.StartsWith("#/", StringComparison.Ordinal); i++)
        {
            node = reference[2..].Split('/').Aggregate((JsonNode?)root, (n, step) => n?[step.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)]);
        }

        return node;
    }

    /// <summary>An example value of a schema: its example or default, else a plain value of its type (depth-bounded).</summary>
    private static JsonNode? Example(JsonObject root, JsonNode? schema, int depth)
    {
        schema = Resolve(root, schema);
        if (schema is not JsonObject s || depth > 4)
        {
            return JsonValue.Create("1");
        }

        if ((s["example"] ?? s["default"]) is { } given && given is JsonValue)
        {
            return given.DeepClone();
        }

        if (s["enum"] is JsonArray { Count: > 0 } values)
        {
            return values[0]?.DeepClone();
        }

        switch (s["type"]?.ToString())
        {
            case "integer" or "number":
                return JsonValue.Create(1);
            case "boolean":
                return JsonValue.Create(true);
            case "array":
                return new JsonArray(Example(root, s["items"], depth + 1));
            case "object" or null when s["properties"] is JsonObject props:
                var o = new JsonObject();
                foreach (var (k, v) in props.Take(30))
                {
                    o[k] = Example(root, v, depth + 1);
                }

                return o;
            default:
                return JsonValue.Create("test");
        }
    }

    private static string Text(JsonNode? node) => node switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        null => "",
        _ => node.ToJsonString(),
    };
}
