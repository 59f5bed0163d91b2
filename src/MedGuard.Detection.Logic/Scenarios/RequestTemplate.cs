using MedGuard.Detection.Logic.Yaml;

namespace MedGuard.Detection.Logic.Scenarios;

/// <summary>
/// A request with placeholders: <c>POST /api/reg/confirm</c>, a JSON body (YAML map rendered with typed variables), or a
/// form, and headers. The path is relative to the service's base URL, so a scenario can never leave the site.
/// </summary>
public sealed record RequestTemplate(string Method, string Path)
{
    public YamlNode? Json { get; init; }

    public IReadOnlyList<KeyValuePair<string, string>> Form { get; init; } = [];

    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    public string Line => $"{Method} {Path}";

    public static RequestTemplate Parse(YamlScalar node)
    {
        var parts = node.Value.Trim().Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length != 2 || parts[0].Any(c => !char.IsAsciiLetterUpper(c)) || !parts[1].StartsWith('/'))
        {
            throw node.Error($"request 应写成 \"方法 /站内路径\"（如 POST /api/reg/cancel），而不是 '{node.Value}'");
        }

        if (parts[1].StartsWith("//", StringComparison.Ordinal))
        {
            throw node.Error("request 的路径不能以 // 开头（那会指向另一台主机）");
        }

        return new RequestTemplate(parts[0], parts[1]);
    }
}
