using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace MedGuard.Standards.Yaml;

/// <summary>
/// Reads our data files through YamlDotNet's representation model so that every validation error can name the file
/// and the line — a catalog or a policy edited by hand must say exactly where it is wrong.
/// </summary>
internal static class YamlDocumentReader
{
    public static YamlMappingNode LoadMapping(string text, string file)
    {
        var stream = new YamlStream();
        try
        {
            using var reader = new StringReader(text);
            stream.Load(reader);
        }
        catch (YamlException ex)
        {
            throw new DataFileException(file, (int)ex.Start.Line, ex.Message);
        }

        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new DataFileException(file, 1, "文件应包含一个映射（mapping）文档");
        }

        return root;
    }

    public static int Line(this YamlNode node) => (int)node.Start.Line;

    public static YamlNode? Get(this YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    /// <summary>Rejects keys not in <paramref name="allowed"/>: a misspelt key must not be silently ignored.</summary>
    public static void OnlyKeys(this YamlMappingNode map, string file, params string[] allowed)
    {
        foreach (var key in map.Children.Keys)
        {
            var name = (key as YamlScalarNode)?.Value ?? "";
            if (Array.IndexOf(allowed, name) < 0)
            {
                throw new DataFileException(file, key.Line(), $"未知的键 '{name}'（允许: {string.Join(", ", allowed)}）");
            }
        }
    }

    private static readonly string[] ConfidenceMarks = ["[unsure]", "[secondary]", "[verified]", "[seed]"];

    /// <summary>
    /// Data texts reach users' pages; a confidence mark (DOMAIN.md's [unsure] …) belongs in a YAML comment beside the
    /// value, so a mark inside a value is refused where the file is loaded rather than shown to a hospital.
    /// </summary>
    private static string ShownText(string value, string file, YamlNode node)
    {
        foreach (var mark in ConfidenceMarks)
        {
            if (value.Contains(mark, StringComparison.OrdinalIgnoreCase))
            {
                throw new DataFileException(file, node.Line(), $"可信度标记 {mark} 应写在注释中（值后加 \"  # {mark}\"），不能出现在显示给用户的文字里");
            }
        }

        return value;
    }

    public static string RequiredString(this YamlMappingNode map, string key, string file)
    {
        var node = map.Get(key) ?? throw new DataFileException(file, map.Line(), $"缺少键 '{key}'");
        if (node is not YamlScalarNode { Value: { } value } || string.IsNullOrWhiteSpace(value))
        {
            throw new DataFileException(file, node.Line(), $"'{key}' 应为非空字符串");
        }

        return ShownText(value.Trim(), file, node);
    }

    public static string? OptionalString(this YamlMappingNode map, string key, string file)
    {
        var node = map.Get(key);
        if (node is null)
        {
            return null;
        }

        if (node is not YamlScalarNode scalar)
        {
            throw new DataFileException(file, node.Line(), $"'{key}' 应为字符串");
        }

        return string.IsNullOrWhiteSpace(scalar.Value) ? null : ShownText(scalar.Value.Trim(), file, node);
    }

    public static int Int(this YamlNode node, string file, string what)
    {
        if (node is YamlScalarNode { Value: { } v } && int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i))
        {
            return i;
        }

        throw new DataFileException(file, node.Line(), $"{what} 应为整数");
    }

    public static double Number(this YamlNode node, string file, string what)
    {
        if (node is YamlScalarNode { Value: { } v } && double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
        {
            return d;
        }

        throw new DataFileException(file, node.Line(), $"{what} 应为数字");
    }

    public static bool Bool(this YamlNode node, string file, string what) =>
        node is YamlScalarNode { Value: "true" or "false" } s
            ? s.Value == "true"
            : throw new DataFileException(file, node.Line(), $"{what} 应为 true 或 false");

    public static YamlSequenceNode Sequence(this YamlNode node, string file, string what) =>
        node as YamlSequenceNode ?? throw new DataFileException(file, node.Line(), $"{what} 应为列表");

    public static YamlMappingNode Mapping(this YamlNode node, string file, string what) =>
        node as YamlMappingNode ?? throw new DataFileException(file, node.Line(), $"{what} 应为映射");

    public static string Scalar(this YamlNode node, string file, string what) =>
        node is YamlScalarNode { Value: { } v } && !string.IsNullOrWhiteSpace(v)
            ? v.Trim()
            : throw new DataFileException(file, node.Line(), $"{what} 应为非空字符串");
}
