using MedGuard.Domain.Yaml;

namespace MedGuard.Domain.Scope;

/// <summary>A node of a scope file read as YAML, with the line it starts on (for errors that name it).</summary>
public abstract record ScopeYamlNode(int Line);

public sealed record ScopeYamlScalar(string Value, int Line) : ScopeYamlNode(Line);

public sealed record ScopeYamlList(IReadOnlyList<ScopeYamlNode> Items, int Line) : ScopeYamlNode(Line);

public sealed record ScopeYamlMap(IReadOnlyList<KeyValuePair<ScopeYamlScalar, ScopeYamlNode>> Entries, int Line) : ScopeYamlNode(Line);

/// <summary>Reads a scope file's YAML into plain nodes through the bounded reader every hand-written YAML file shares.</summary>
public static class ScopeYaml
{
    public const int MaxDepth = 16;
    public const int MaxNodes = 200_000;

    // Files are refused above 4 MiB before they are read (ScopeFile); the text bound matches.
    private static readonly YamlReadLimits Limits = new(MaxDepth, MaxNodes, 4 * 1024 * 1024, "授权范围文件");

    public static ScopeYamlNode? Read(string text, string source) => BoundedYamlReader.Read(text, Limits, new Builder(source));

    private sealed class Builder(string source) : IYamlNodeBuilder<ScopeYamlNode, ScopeYamlScalar>
    {
        public ScopeYamlScalar Scalar(string value, bool plain, int line) => new(value, line);

        public ScopeYamlNode List(IReadOnlyList<ScopeYamlNode> items, int line) => new ScopeYamlList(items, line);

        public ScopeYamlNode Map(IReadOnlyList<KeyValuePair<ScopeYamlScalar, ScopeYamlNode>> entries, int line) => new ScopeYamlMap(entries, line);

        public Exception Error(int line, string message) => new ScopeException($"{source}:{line}: {message}");
    }
}
