using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace MedGuard.Detection.Logic.Yaml;

/// <summary>
/// Reads a scenario, profile or identities file from the YAML parser's events (marks kept for file:line errors), and
/// refuses what a hostile file could use: anchors and aliases (an alias bomb expands to billions of nodes), deep
/// nesting, too many nodes, several documents, an oversized file. Tags and comments are ignored.
/// </summary>
public static class SafeYamlReader
{
    public const int MaxDepth = 24;
    public const int MaxNodes = 50_000;
    public const int MaxChars = 1024 * 1024;

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

    public static YamlNode Read(string text, string source)
    {
        if (text.Length > MaxChars)
        {
            throw LogicFormatException.At(source, 1, "文件过大（上限 1 MiB）");
        }

        var parser = new Parser(new StringReader(text));
        var nodes = 0;
        try
        {
            Next(parser, source);
            if (Next(parser, source) is StreamEnd)
            {
                throw LogicFormatException.At(source, 1, "文件为空");
            }

            if (Next(parser, source) is DocumentEnd)
            {
                throw LogicFormatException.At(source, 1, "文件为空");
            }

            var root = ReadNode(parser, source, 0, ref nodes);
            if (Next(parser, source) is not DocumentEnd || Next(parser, source) is not StreamEnd)
            {
                throw At(source, parser.Current, "一个文件只能有一个 YAML 文档（不要用 --- 分隔多个）");
            }

            return root;
        }
        catch (YamlException ex)
        {
            throw LogicFormatException.At(source, (int)Math.Min(int.MaxValue, ex.Start.Line), MedGuard.Domain.Yaml.YamlErrorText.Describe(ex));
        }
        catch (InvalidOperationException)
        {
            // The scanner gives up on some malformed input (an unclosed flow list) without a YamlException.
            throw At(source, parser.Current, "YAML 语法错误（括号或引号未闭合？）");
        }
    }

    private static YamlNode ReadNode(Parser parser, string source, int depth, ref int nodes)
    {
        var current = parser.Current!;
        if (++nodes > MaxNodes)
        {
            throw At(source, current, $"节点超过 {MaxNodes} 个，拒绝读取");
        }

        if (depth > MaxDepth)
        {
            throw At(source, current, $"嵌套超过 {MaxDepth} 层，拒绝读取");
        }

        if (current is AnchorAlias || current is NodeEvent { Anchor.IsEmpty: false })
        {
            throw At(source, current, "不支持 YAML 锚点和别名（& 与 *），请把内容逐一写出");
        }

        var line = Line(current);
        switch (current)
        {
            case Scalar scalar:
                return new YamlScalar(scalar.Value, scalar.Style == ScalarStyle.Plain, source, line);
            case SequenceStart:
                {
                    var items = new List<YamlNode>();
                    while (Next(parser, source) is not SequenceEnd)
                    {
                        items.Add(ReadNode(parser, source, depth + 1, ref nodes));
                    }

                    return new YamlList(items, source, line);
                }

            case MappingStart:
                {
                    var entries = new List<KeyValuePair<YamlScalar, YamlNode>>();
                    while (Next(parser, source) is not MappingEnd)
                    {
                        if (ReadNode(parser, source, depth + 1, ref nodes) is not YamlScalar key)
                        {
                            throw At(source, current, "键必须是简单的名字");
                        }

                        Next(parser, source);
                        entries.Add(new(key, ReadNode(parser, source, depth + 1, ref nodes)));
                    }

                    return new YamlMap(entries, source, line);
                }

            default:
                throw At(source, current, "YAML 文档结构错误");
        }
    }

    private static ParsingEvent Next(Parser parser, string source) =>
        parser.MoveNext() ? parser.Current! : throw LogicFormatException.At(source, 0, "YAML 文件意外结束");

    private static int Line(ParsingEvent e) => (int)Math.Min(int.MaxValue, e.Start.Line);

    private static LogicFormatException At(string source, ParsingEvent? e, string message) =>
        LogicFormatException.At(source, e is null ? 0 : Line(e), message);
}
