using System.Globalization;

namespace MedGuard.Detection.Logic.Yaml;

/// <summary>A node of a scenario/profile file with the file and line it starts on, so every error can name both.</summary>
public abstract record YamlNode(string Source, int Line)
{
    public LogicFormatException Error(string message) => LogicFormatException.At(Source, Line, message);
}

/// <summary>A scalar; <see cref="Plain"/> is true when it was written unquoted (then 12 is a number, ~ is null).</summary>
public sealed record YamlScalar(string Value, bool Plain, string Source, int Line) : YamlNode(Source, Line)
{
    public bool IsNull => Plain && Value is "" or "~" or "null" or "Null" or "NULL";

    public int AsInt(string what, int min, int max) =>
        int.TryParse(Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw Error($"{what} 应为 {min} 到 {max} 之间的整数，而不是 '{Value}'");

    public double AsDouble(string what) =>
        double.TryParse(Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d > 0 && double.IsFinite(d)
            ? d
            : throw Error($"{what} 应为正数，而不是 '{Value}'");

    public bool AsBool(string what) => Value.ToLowerInvariant() switch
    {
        "true" or "yes" or "是" => true,
        "false" or "no" or "否" => false,
        _ => throw Error($"{what} 应为 true 或 false"),
    };
}

public sealed record YamlList(IReadOnlyList<YamlNode> Items, string Source, int Line) : YamlNode(Source, Line);

public sealed record YamlMap(IReadOnlyList<KeyValuePair<YamlScalar, YamlNode>> Entries, string Source, int Line) : YamlNode(Source, Line)
{
    public YamlNode? Get(string key) => Entries.FirstOrDefault(e => e.Key.Value == key).Value;

    /// <summary>Refuses keys this map may not have, naming the allowed ones (a typo must not silently drop a check).</summary>
    public YamlMap Allow(string what, params string[] keys)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (k, _) in Entries)
        {
            if (!seen.Add(k.Value))
            {
                throw k.Error($"{what}中的键 '{k.Value}' 重复");
            }

            if (!keys.Contains(k.Value))
            {
                throw k.Error($"{what}中有未知的键 '{k.Value}'（可用：{string.Join("、", keys)}）");
            }
        }

        return this;
    }

    public string? Text(string key) => Get(key) switch
    {
        null => null,
        YamlScalar s when s.IsNull => null,
        YamlScalar s => s.Value,
        var other => throw other.Error($"{key} 应为一行文字"),
    };

    public string RequiredText(string key, string what) =>
        Text(key) is { Length: > 0 } text ? text : throw Error($"{what}缺少 {key}");

    public YamlMap? MapAt(string key) => Get(key) switch
    {
        null => null,
        YamlScalar s when s.IsNull => null,
        YamlMap m => m,
        var other => throw other.Error($"{key} 应为键值表（key: value）"),
    };

    public IReadOnlyList<YamlNode> ListAt(string key) => Get(key) switch
    {
        null => [],
        YamlScalar s when s.IsNull => [],
        YamlList l => l.Items,
        var other => throw other.Error($"{key} 应为列表（- 条目）"),
    };

    /// <summary>A list of one-line texts; a single scalar counts as a list of one.</summary>
    public IReadOnlyList<string> Texts(string key) => Get(key) switch
    {
        null => [],
        YamlScalar s when s.IsNull => [],
        YamlScalar s => [s.Value],
        YamlList l => [.. l.Items.Select(i => i is YamlScalar s ? s.Value : throw i.Error($"{key} 的条目应为一行文字"))],
        var other => throw other.Error($"{key} 应为列表"),
    };

    /// <summary>A flat map of name → text (headers, extractions).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Pairs(string key)
    {
        if (MapAt(key) is not { } map)
        {
            return [];
        }

        return [.. map.Entries.Select(e => new KeyValuePair<string, string>(
            e.Key.Value,
            e.Value is YamlScalar s ? s.Value : throw e.Value.Error($"{key}.{e.Key.Value} 应为一行文字")))];
    }
}
