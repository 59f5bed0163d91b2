using System.Text.RegularExpressions;
using YamlDotNet.Core;

namespace MedGuard.Domain.Yaml;

/// <summary>
/// What went wrong in a YAML file people write (scope, login recipe, templates), in Chinese and in the file's terms:
/// an unknown key and the keys allowed, a value of the wrong kind, or a syntax slip — never the .NET type the reader
/// maps to. The caller adds the file and line (<see cref="YamlException.Start"/>).
/// </summary>
public static partial class YamlErrorText
{
    /// <param name="allowedKeys">The keys that may appear, for the unknown-key message (e.g. "steps、success").</param>
    public static string Describe(YamlException ex, string? allowedKeys = null)
    {
        var messages = Chain(ex).Select(e => e.Message).ToList();
        if (messages.Select(m => UnknownProperty().Match(m)).FirstOrDefault(m => m.Success) is { } unknown)
        {
            return $"未知的键 '{unknown.Groups[1].Value}'" + (allowedKeys is null ? "" : $"（可用：{allowedKeys}）");
        }

        if (ex is SyntaxErrorException or SemanticErrorException)
        {
            return $"YAML 语法错误：{Syntax(ex.Message)}";
        }

        if (messages.Any(m => m.Contains("was not in a correct format", StringComparison.Ordinal) || m.Contains("Input string", StringComparison.Ordinal)))
        {
            return "此处的值应为数字";
        }

        if (messages.Any(m => m.Contains("Expected 'SequenceStart'", StringComparison.Ordinal)))
        {
            return "此处应为列表（- 条目 或 [条目, …]）";
        }

        if (messages.Any(m => m.Contains("Expected 'MappingStart'", StringComparison.Ordinal)))
        {
            return "此处应为键值对（名称: 值）";
        }

        if (messages.Any(m => m.Contains("Expected 'Scalar'", StringComparison.Ordinal)))
        {
            return "此处应为一个值（一行文字或数字），而不是列表或键值对";
        }

        return "此处的值不符合要求（检查缩进，以及应为文字、数字、列表还是键值对）";
    }

    private static IEnumerable<Exception> Chain(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }

    /// <summary>The parser's syntax messages name YAML constructs, not types; the common ones get a Chinese hint.</summary>
    private static string Syntax(string message) => message switch
    {
        _ when message.Contains("found invalid mapping", StringComparison.Ordinal) || message.Contains("Mapping values are not allowed", StringComparison.Ordinal)
            => "值中含有“: ”时请给整个值加引号，或检查缩进",
        _ when message.Contains("did not find expected key", StringComparison.Ordinal) || message.Contains("did not find expected '-'", StringComparison.Ordinal)
            => "缩进不一致，同一层的键或条目请对齐",
        _ when message.Contains("expected ',' or ']'", StringComparison.Ordinal) || message.Contains("expected ',' or '}'", StringComparison.Ordinal)
            => "方括号或花括号没有闭合（[…]、{…}）",
        _ when message.Contains("found unexpected end of stream", StringComparison.Ordinal) || message.Contains("found unexpected end", StringComparison.Ordinal)
            => "引号或括号没有闭合",
        _ when message.Contains("tab", StringComparison.OrdinalIgnoreCase)
            => "缩进不能用 Tab，请用空格",
        _ => "格式不正确（检查引号、冒号和缩进）",
    };

    [GeneratedRegex(@"Property '([^']+)' not found on type")]
    private static partial Regex UnknownProperty();
}
