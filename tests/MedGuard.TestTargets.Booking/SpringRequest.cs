using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MedGuard.TestTargets.Booking;

/// <summary>
/// Binds request values the way Spring MVC and Jackson do: numbers or numeric strings become Long/BigDecimal, anything
/// else throws the Java exception the error page shows (the vulnerable twin) or the global handler hides (the fixed one).
/// </summary>
internal sealed class SpringRequest
{
    private readonly JsonObject body;
    private readonly IQueryCollection query;

    private SpringRequest(JsonObject body, IQueryCollection query)
    {
        this.body = body;
        this.query = query;
    }

    public static async Task<SpringRequest> ReadAsync(HttpRequest request)
    {
        var body = new JsonObject();
        if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            try
            {
                body = await JsonNode.ParseAsync(request.Body).ConfigureAwait(false) as JsonObject
                    ?? throw JavaBindingException.Unreadable("Cannot deserialize instance of `java.util.LinkedHashMap` out of non-object token");
            }
            catch (JsonException e)
            {
                throw JavaBindingException.Unreadable("Unexpected character: " + e.Message.Split('.')[0]);
            }
        }

        return new SpringRequest(body, request.Query);
    }

    public static SpringRequest OfQuery(HttpRequest request) => new([], request.Query);

    /// <summary>A required query parameter of type Long (@RequestParam Long name).</summary>
    public long QueryLong(string name)
    {
        if (!query.TryGetValue(name, out var raw))
        {
            throw JavaBindingException.MissingParameter(name);
        }

        return ParseLong(raw.ToString());
    }

    /// <summary>A Long field of the JSON body; null when absent.</summary>
    public long? BodyLong(string name) => body[name] switch
    {
        null => null,
        JsonValue v when v.TryGetValue<long>(out var n) => n,
        JsonValue v when v.TryGetValue<string>(out var s) => ParseLong(s),
        var other => throw JavaBindingException.NumberFormat(other.ToJsonString()),
    };

    /// <summary>A BigDecimal field of the JSON body; null when absent.</summary>
    public decimal? BodyDecimal(string name) => body[name] switch
    {
        null => null,
        JsonValue v when v.TryGetValue<decimal>(out var n) => n,
        JsonValue v when v.TryGetValue<string>(out var s) => decimal.TryParse(s, NumberStyles.Number, CultureInfo.InvariantCulture, out var d)
            ? d
            : throw JavaBindingException.NumberFormat(s),
        var other => throw JavaBindingException.NumberFormat(other.ToJsonString()),
    };

    public string? BodyString(string name) => body[name] switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        var other => other.ToJsonString(),
    };

    private static long ParseLong(string raw) =>
        long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : throw JavaBindingException.NumberFormat(raw);
}
