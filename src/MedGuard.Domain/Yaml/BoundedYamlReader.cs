using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace MedGuard.Domain.Yaml;

/// <summary>How much a bounded read accepts, and how its errors name the file kind (e.g. "授权范围文件").</summary>
public sealed record YamlReadLimits(int MaxDepth, int MaxNodes, int MaxChars, string FileKind);

/// <summary>Builds a caller's own node types during the walk, and its own exception for an error at a line.</summary>
public interface IYamlNodeBuilder<TNode, TScalar>
    where TNode : class
    where TScalar : class, TNode
{
    TScalar Scalar(string value, bool plain, int line);

    TNode List(IReadOnlyList<TNode> items, int line);

    TNode Map(IReadOnlyList<KeyValuePair<TScalar, TNode>> entries, int line);

    Exception Error(int line, string message);
}

/// <summary>
/// The one reader for YAML files people hand us (authorization scopes, logic scenarios, profiles, identities): it walks
/// the parser's events into the caller's plain nodes — no object mapper, so it stays free of reflection (the port engine
/// is compiled ahead of time) — keeping each node's line for errors, and refuses what a hostile file could use against
/// us: anchors and aliases (an alias bomb expands to billions of nodes), deep nesting, too many nodes, an oversized
/// text, several documents. Tags and comments are ignored. Every error is the caller's exception with a Chinese message.
/// </summary>
public static class BoundedYamlReader
{
    /// <summary>The document's root node, or null when the file holds no document or an empty one.</summary>
    public static TNode? Read<TNode, TScalar>(string text, YamlReadLimits limits, IYamlNodeBuilder<TNode, TScalar> builder)
        where TNode : class
        where TScalar : class, TNode
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(builder);
        if (text.Length > limits.MaxChars)
        {
            throw builder.Error(1, $"{limits.FileKind}过大（上限 {Size(limits.MaxChars)}）");
        }

        var walk = new Walk<TNode, TScalar>(new Parser(new StringReader(text)), limits, builder);
        try
        {
            return walk.Document();
        }
        catch (YamlException ex)
        {
            throw builder.Error((int)Math.Min(int.MaxValue, ex.Start.Line), YamlErrorText.Describe(ex));
        }
        catch (InvalidOperationException)
        {
            // The scanner gives up on some malformed input (an unclosed flow list) without a YamlException.
            throw builder.Error(walk.CurrentLine, "YAML 语法错误（括号或引号未闭合？）");
        }
    }

    private static string Size(int chars) => chars >= 1024 * 1024 && chars % (1024 * 1024) == 0 ? $"{chars / (1024 * 1024)} MiB" : $"{chars} 个字符";

    private sealed class Walk<TNode, TScalar>(Parser parser, YamlReadLimits limits, IYamlNodeBuilder<TNode, TScalar> builder)
        where TNode : class
        where TScalar : class, TNode
    {
        private int _nodes;

        public int CurrentLine => parser.Current is { } current ? Line(current) : 0;

        public TNode? Document()
        {
            if (Next() is not StreamStart)
            {
                throw Error(parser.Current, "YAML 文档结构错误");
            }

            if (Next() is StreamEnd)
            {
                return null;
            }

            if (parser.Current is not DocumentStart)
            {
                throw Error(parser.Current, "YAML 文档结构错误");
            }

            TNode? root = null;
            if (Next() is not DocumentEnd)
            {
                root = Node(0);
                if (Next() is not DocumentEnd)
                {
                    throw Error(parser.Current, "YAML 文档结构错误");
                }
            }

            if (Next() is not StreamEnd)
            {
                throw Error(parser.Current, $"一个{limits.FileKind}只能有一个 YAML 文档（不要用 --- 分隔多个）");
            }

            return root;
        }

        private TNode Node(int depth)
        {
            var current = parser.Current!;
            if (++_nodes > limits.MaxNodes)
            {
                throw Error(current, $"节点超过 {limits.MaxNodes} 个，拒绝读取");
            }

            if (depth > limits.MaxDepth)
            {
                throw Error(current, $"嵌套超过 {limits.MaxDepth} 层，拒绝读取");
            }

            if (current is AnchorAlias || current is NodeEvent { Anchor.IsEmpty: false })
            {
                throw Error(current, $"{limits.FileKind}不支持 YAML 锚点和别名（& 与 *），请把内容逐一写出");
            }

            var line = Line(current);
            switch (current)
            {
                case Scalar scalar:
                    return builder.Scalar(scalar.Value, scalar.Style == ScalarStyle.Plain, line);
                case SequenceStart:
                    {
                        var items = new List<TNode>();
                        while (Next() is not SequenceEnd)
                        {
                            items.Add(Node(depth + 1));
                        }

                        return builder.List(items, line);
                    }

                case MappingStart:
                    {
                        var entries = new List<KeyValuePair<TScalar, TNode>>();
                        while (Next() is not MappingEnd)
                        {
                            if (Node(depth + 1) is not TScalar key)
                            {
                                throw Error(current, "键必须是简单的名字");
                            }

                            Next();
                            entries.Add(new(key, Node(depth + 1)));
                        }

                        return builder.Map(entries, line);
                    }

                default:
                    throw Error(current, "YAML 文档结构错误");
            }
        }

        private ParsingEvent Next() => parser.MoveNext() ? parser.Current! : throw builder.Error(CurrentLine, "YAML 文件意外结束");

        private Exception Error(ParsingEvent? at, string message) => builder.Error(at is null ? 0 : Line(at), message);

        private static int Line(ParsingEvent e) => (int)Math.Min(int.MaxValue, e.Start.Line);
    }
}
