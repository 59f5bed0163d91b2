using System.Text.Json.Nodes;

namespace MedGuard.Detection.Logic.Recording;

/// <summary>One API call of a recorded session (HAR entry), reduced to what a scenario needs.</summary>
internal sealed record HarEntry(int Index, string Method, Uri Url, IReadOnlyList<KeyValuePair<string, string>> Headers, string? Body, string? BodyType, int Status, JsonNode? Response)
{
    public JsonObject? JsonBody { get; init; }

    public string Path => Url.AbsolutePath;

    public IEnumerable<KeyValuePair<string, string>> Query =>
        Url.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Select(p => new KeyValuePair<string, string>(Uri.UnescapeDataString(p[0]), p.Length > 1 ? Uri.UnescapeDataString(p[1].Replace('+', ' ')) : ""));
}
