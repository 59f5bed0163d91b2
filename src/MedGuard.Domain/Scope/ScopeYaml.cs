using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace MedGuard.Domain.Scope;

/// <summary>A node of a scope file read as YAML, with the line it starts on (for errors that name it).</summary>
public abstract record ScopeYamlNode(int Line);

public sealed record ScopeYamlScalar(string Value, int Line) : ScopeYamlNode(Line);

public sealed record ScopeYamlList(IReadOnlyList<ScopeYamlNode> Items, int Line) : ScopeYamlNode(Line);

public sealed record ScopeYamlMap(IReadOnlyList<KeyValuePair<ScopeYamlScalar, ScopeYamlNode>> Entries, int Line) : ScopeYamlNode(Line);

/// <summary>
/// Reads a scope file's YAML from the parser's events into plain nodes — no object mapper, so it stays free of
/// reflection (the port engine is compiled ahead of time) — and refuses what a hostile file could use against us:
/// anchors and aliases (an alias bomb expands to billions of nodes), deep nesting, too many nodes, several documents.
/// </summary>
public static class ScopeYaml
{
    public const int MaxDepth = 16;
    public const int MaxNodes = 200_000;

    public static ScopeYamlNode? Read(string text, string source)
    {
        var parser = new Parser(new StringReader(text));
        var nodes = 0;
        try
        {
            Expect<StreamStart>(parser, source);
            if (Next(parser, source) is StreamEnd)
            {
                return null;
            }

            if (parser.Current is not DocumentStart)
            {
                throw Error(source, parser.Current, "YAML 文档结构错误");
            }

            ScopeYamlNode? root = null;
            if (Next(parser, source) is not DocumentEnd)
            {
                root = ReadNode(parser, source, 0, ref nodes);
                if (Next(parser, source) is not DocumentEnd)
                {
                    throw Error(source, parser.Current, "YAML 文档结构错误");
                }
            }

            if (Next(parser, source) is not StreamEnd)
            {
                throw Error(source, parser.Current, "一个授权范围文件只能有一个 YAML 文档（不要用 ---  分隔多个）");
            }

            return root;
        }
        catch (YamlException ex)
        {
            throw new ScopeException($"{source} 第 {ex.Start.Line} 行：{MedGuard.Domain.Yaml.YamlErrorText.Describe(ex)}");
        }
    }

    private static ScopeYamlNode ReadNode(Parser parser, string source, int depth, ref int nodes)
    {
        var current = parser.Current!;
        if (++nodes > MaxNodes)
        {
            throw Error(source, current, $"节点超过 {MaxNodes} 个，拒绝读取");
        }

        if (depth > MaxDepth)
        {
            throw Error(source, current, $"嵌套超过 {MaxDepth} 层，拒绝读取");
        }

        if (current is AnchorAlias || (current is NodeEvent { Anchor.IsEmpty: false }))
        {
            throw Error(source, current, "授权范围文件不支持 YAML 锚点和别名（& 与 *），请把条目逐一写出");
        }

        var line = Line(current);
        switch (current)
        {
            case Scalar scalar:
                return new ScopeYamlScalar(scalar.Value, line);
            case SequenceStart:
                {
                    var items = new List<ScopeYamlNode>();
                    while (Next(parser, source) is not SequenceEnd)
                    {
                        items.Add(ReadNode(parser, source, depth + 1, ref nodes));
                    }

                    return new ScopeYamlList(items, line);
                }

            case MappingStart:
                {
                    var entries = new List<KeyValuePair<ScopeYamlScalar, ScopeYamlNode>>();
                    while (Next(parser, source) is not MappingEnd)
                    {
                        if (ReadNode(parser, source, depth + 1, ref nodes) is not ScopeYamlScalar key)
                        {
                            throw Error(source, current, "键必须是简单的名字");
                        }

                        Next(parser, source);
                        entries.Add(new(key, ReadNode(parser, source, depth + 1, ref nodes)));
                    }

                    return new ScopeYamlMap(entries, line);
                }

            default:
                throw Error(source, current, "YAML 文档结构错误");
        }
    }

    private static ParsingEvent Next(Parser parser, string source) =>
        parser.MoveNext() ? parser.Current! : throw new ScopeException($"{source}: YAML 文件意外结束");

    private static void Expect<T>(Parser parser, string source)
        where T : ParsingEvent
    {
        if (Next(parser, source) is not T)
        {
            throw Error(source, parser.Current, "YAML 文档结构错误");
        }
    }

    private static int Line(ParsingEvent e) => (int)Math.Min(int.MaxValue, e.Start.Line);

    private static ScopeException Error(string source, ParsingEvent? at, string message) =>
        new($"{source}:{(at is null ? 0 : Line(at))}: {message}");
}
