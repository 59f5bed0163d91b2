using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace MedGuard.Detection.Apk.Rules;

/// <summary>A node of a catalog file (Rules/Data/*.yaml) with the line it starts on.</summary>
internal abstract class CatalogNode(int line)
{
    public int Line { get; } = line;
}

internal sealed class CatalogScalar(string value, bool plain, int line) : CatalogNode(line)
{
    public string Value { get; } = value;

    /// <summary>Written without quotes: only then do <c>null</c>, <c>~</c> and nothing mean no value, as in YAML.</summary>
    public bool Plain { get; } = plain;

    public bool IsNull => Plain && Value is "" or "~" or "null" or "Null" or "NULL";
}

internal sealed class CatalogList(List<CatalogNode> items, int line) : CatalogNode(line)
{
    public List<CatalogNode> Items { get; } = items;
}

internal sealed class CatalogMap(List<KeyValuePair<CatalogScalar, CatalogNode>> entries, int line) : CatalogNode(line)
{
    public List<KeyValuePair<CatalogScalar, CatalogNode>> Entries { get; } = entries;
}

/// <summary>An error in a catalog file at a line; <see cref="RuleCatalog.Load"/> names the file.</summary>
internal sealed class CatalogYamlException(int line, string message) : Exception(message)
{
    public int Line { get; } = line;
}

/// <summary>
/// Reads a catalog file through YamlDotNet's parser events into plain nodes — no object mapper, so no reflection: the
/// native-AOT front runs the APK analyzer, and mapping the files by reflection was a seventh of a one-app run. The
/// files are this repository's own data, so anchors are allowed, but only on text (a shared example manifest): an
/// alias of a list or map could multiply the nodes without bound.
/// </summary>
internal static class CatalogYaml
{
    public static CatalogNode? Read(string text)
    {
        var parser = new Parser(new StringReader(text));
        var anchors = new Dictionary<string, CatalogScalar>(StringComparer.Ordinal);
        try
        {
            Expect<StreamStart>(parser);
            if (Next(parser) is StreamEnd)
            {
                return null;
            }

            if (parser.Current is not DocumentStart)
            {
                throw Error(parser.Current, "YAML 文档结构错误");
            }

            CatalogNode? root = null;
            if (Next(parser) is not DocumentEnd)
            {
                root = Node(parser, anchors, 0);
                if (Next(parser) is not DocumentEnd)
                {
                    throw Error(parser.Current, "YAML 文档结构错误");
                }
            }

            if (Next(parser) is not StreamEnd)
            {
                throw Error(parser.Current, "一个规则文件只能有一个 YAML 文档");
            }

            return root;
        }
        catch (YamlException ex)
        {
            throw new CatalogYamlException(Line(ex.Start), ex.InnerException?.Message ?? ex.Message);
        }
        catch (InvalidOperationException)
        {
            // The scanner gives up on some malformed input (an unclosed flow list) without a YamlException.
            throw new CatalogYamlException(parser.Current is { } at ? Line(at.Start) : 0, "YAML 语法错误（括号或引号未闭合？）");
        }
    }

    private static CatalogNode Node(Parser parser, Dictionary<string, CatalogScalar> anchors, int depth)
    {
        var current = parser.Current!;
        if (depth > 64)
        {
            throw Error(current, "嵌套超过 64 层");
        }

        if (current is NodeEvent { Anchor.IsEmpty: false } and not Scalar)
        {
            throw Error(current, "锚点（&）只能用在文字上，不能用在列表或键值对上");
        }

        switch (current)
        {
            case AnchorAlias alias:
                return anchors.TryGetValue(alias.Value.Value, out var anchored)
                    ? anchored
                    : throw Error(current, $"别名 *{alias.Value.Value} 没有对应的文字锚点（锚点只能用在文字上）");
            case Scalar scalar:
                {
                    var node = new CatalogScalar(scalar.Value, scalar.Style == ScalarStyle.Plain, Line(scalar.Start));
                    if (!scalar.Anchor.IsEmpty)
                    {
                        anchors[scalar.Anchor.Value] = node;
                    }

                    return node;
                }

            case SequenceStart:
                {
                    var items = new List<CatalogNode>();
                    while (Next(parser) is not SequenceEnd)
                    {
                        items.Add(Node(parser, anchors, depth + 1));
                    }

                    return new CatalogList(items, Line(current.Start));
                }

            case MappingStart:
                {
                    var entries = new List<KeyValuePair<CatalogScalar, CatalogNode>>();
                    while (Next(parser) is not MappingEnd)
                    {
                        if (Node(parser, anchors, depth + 1) is not CatalogScalar key)
                        {
                            throw Error(current, "键必须是简单的名字");
                        }

                        Next(parser);
                        entries.Add(new(key, Node(parser, anchors, depth + 1)));
                    }

                    return new CatalogMap(entries, Line(current.Start));
                }

            default:
                throw Error(current, "YAML 文档结构错误");
        }
    }

    private static void Expect<T>(Parser parser)
        where T : ParsingEvent
    {
        if (Next(parser) is not T)
        {
            throw Error(parser.Current, "YAML 文档结构错误");
        }
    }

    private static ParsingEvent Next(Parser parser) =>
        parser.MoveNext() ? parser.Current! : throw new CatalogYamlException(parser.Current is { } c ? Line(c.End) : 0, "YAML 文件意外结束");

    private static CatalogYamlException Error(ParsingEvent? at, string message) => new(at is null ? 0 : Line(at.Start), message);

    private static int Line(Mark mark) => (int)Math.Min(int.MaxValue, mark.Line);
}
