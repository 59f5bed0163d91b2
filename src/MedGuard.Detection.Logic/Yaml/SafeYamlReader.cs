using MedGuard.Domain.Yaml;

namespace MedGuard.Detection.Logic.Yaml;

/// <summary>
/// Reads a scenario, profile or identities file through the bounded reader every hand-written YAML file shares
/// (no anchors or aliases, bounded depth, nodes and size, one document), into nodes that keep their file and line.
/// </summary>
public static class SafeYamlReader
{
    public const int MaxDepth = 24;
    public const int MaxNodes = 50_000;
    public const int MaxChars = 1024 * 1024;

    private static readonly YamlReadLimits Limits = new(MaxDepth, MaxNodes, MaxChars, "文件");

    public static YamlNode Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new LogicFormatException($"找不到文件：{path}");
        }

        if (new FileInfo(path).Length > MaxChars)
        {
            throw new LogicFormatException($"{path}:1: 文件过大（上限 1 MiB）");
        }

        return Read(File.ReadAllText(path), path);
    }

    public static YamlNode Read(string text, string source) =>
        BoundedYamlReader.Read(text, Limits, new Builder(source)) ?? throw LogicFormatException.At(source, 1, "文件为空");

    private sealed class Builder(string source) : IYamlNodeBuilder<YamlNode, YamlScalar>
    {
        public YamlScalar Scalar(string value, bool plain, int line) => new(value, plain, source, line);

        public YamlNode List(IReadOnlyList<YamlNode> items, int line) => new YamlList(items, source, line);

        public YamlNode Map(IReadOnlyList<KeyValuePair<YamlScalar, YamlNode>> entries, int line) => new YamlMap(entries, source, line);

        public Exception Error(int line, string message) => LogicFormatException.At(source, line, message);
    }
}
