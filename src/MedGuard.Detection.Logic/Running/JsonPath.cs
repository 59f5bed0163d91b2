using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MedGuard.Detection.Logic.Running;

/// <summary>
/// The small JSON path scenarios use to pick values from responses: <c>data.orderId</c>, <c>data[0].doctorId</c>,
/// <c>data[-1]</c> (last), <c>data[*].scheduleId</c>, <c>data[?isTestDept==true &amp;&amp; leftNum&gt;0].deptId</c>, and an
/// optional aggregate suffix <c>|max</c>, <c>|min</c>, <c>|count</c>. A leading <c>$.</c> is allowed.
/// </summary>
public static class JsonPath
{
    public static bool IsValid(string path, out string? error)
    {
        try
        {
            _ = Parse(path);
            error = null;
            return true;
        }
        catch (FormatException ex)
        {
            error = ex.Message;
            return false;
        }
    }

    /// <summary>Every node the path reaches (a filter or [*] may reach several); aggregates give one value.</summary>
    public static IReadOnlyList<JsonNode?> Select(JsonNode? root, string path)
    {
        var (segments, aggregate) = Parse(path);
        IEnumerable<JsonNode?> current = [root];
        foreach (var seg in segments)
        {
            current = current.SelectMany(n => Apply(n, seg)).ToList();
        }

        var list = current.ToList();
        return aggregate switch
        {
            "count" => [JsonValue.Create(list.Count)],
            "max" => list.Select(Number).Where(d => d is not null).Max() is { } max ? [JsonValue.Create(max)] : [],
            "min" => list.Select(Number).Where(d => d is not null).Min() is { } min ? [JsonValue.Create(min)] : [],
            _ => list,
        };
    }

    /// <summary>The first node the path reaches, or null (also when it reaches JSON null).</summary>
    public static JsonNode? First(JsonNode? root, string path) => Select(root, path).FirstOrDefault(n => n is not null);

    /// <summary>A node as text: strings without quotes, numbers and booleans as written, others as JSON.</summary>
    public static string Text(JsonNode? node) => node switch
    {
        null => "",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => node.ToJsonString(),
    };

    internal static double? Number(JsonNode? node) =>
        double.TryParse(Text(node), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;

    private abstract record Segment;

    private sealed record Field(string Name) : Segment;

    private sealed record Index(int At) : Segment;

    private sealed record All : Segment;

    private sealed record Filter(IReadOnlyList<(string Key, string Op, string Value)> Terms) : Segment;

    private static readonly string[] Ops = ["==", "!=", ">=", "<=", ">", "<"];

    private static (List<Segment> Segments, string? Aggregate) Parse(string path)
    {
        string? aggregate = null;
        var bar = path.LastIndexOf('|');
        if (bar >= 0 && !path[bar..].Contains(']', StringComparison.Ordinal))
        {
            aggregate = path[(bar + 1)..].Trim();
            if (aggregate is not ("max" or "min" or "count"))
            {
                throw new FormatException($"JSON 路径 '{path}' 的聚合 '{aggregate}' 未知（可用 max、min、count）");
            }

            path = path[..bar];
        }

        path = path.Trim();
        if (path.StartsWith("$", StringComparison.Ordinal))
        {
            path = path.TrimStart('$').TrimStart('.');
        }

        var segments = new List<Segment>();
        var i = 0;
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                i++;
                continue;
            }

            if (path[i] == '[')
            {
                var end = path.IndexOf(']', i);
                if (end < 0)
                {
                    throw new FormatException($"JSON 路径 '{path}' 缺少 ]");
                }

                var inner = path[(i + 1)..end].Trim();
                segments.Add(inner switch
                {
                    "*" => new All(),
                    _ when inner.StartsWith('?') => new Filter(ParseFilter(inner[1..], path)),
                    _ when int.TryParse(inner, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) => new Index(n),
                    _ => throw new FormatException($"JSON 路径 '{path}' 的 [{inner}] 无效（可用 [0]、[-1]、[*]、[?键==值]）"),
                });
                i = end + 1;
                continue;
            }

            var start = i;
            while (i < path.Length && path[i] is not ('.' or '['))
            {
                i++;
            }

            segments.Add(new Field(path[start..i]));
        }

        return (segments, aggregate);
    }

    private static List<(string, string, string)> ParseFilter(string text, string path)
    {
        var terms = new List<(string, string, string)>();
        foreach (var part in text.Split("&&", StringSplitOptions.TrimEntries))
        {
            var op = Ops.FirstOrDefault(o => part.Contains(o, StringComparison.Ordinal))
                ?? throw new FormatException($"JSON 路径 '{path}' 的条件 '{part}' 缺少比较符（==、!=、>、<、>=、<=）");
            var at = part.IndexOf(op, StringComparison.Ordinal);
            terms.Add((part[..at].Trim(), op, part[(at + op.Length)..].Trim().Trim('\'', '"')));
        }

        return terms;
    }

    private static IEnumerable<JsonNode?> Apply(JsonNode? node, Segment seg)
    {
        switch (seg)
        {
            case Field f when node is JsonObject o && o.TryGetPropertyValue(f.Name, out var v):
                return [v];
            case Index ix when node is JsonArray a && (ix.At >= 0 ? ix.At : a.Count + ix.At) is var k && k >= 0 && k < a.Count:
                return [a[k]];
            case All when node is JsonArray a:
                return a;
            case Filter flt when node is JsonArray a:
                return a.Where(item => flt.Terms.All(t => Holds(item is JsonObject o && o.TryGetPropertyValue(t.Key, out var x) ? x : null, t.Op, t.Value)));
            default:
                return [];
        }
    }

    private static bool Holds(JsonNode? value, string op, string literal)
    {
        var text = Text(value);
        if (op is "==" or "!=")
        {
            var equal = value is not null && (text == literal || (Number(value) is { } a && double.TryParse(literal, NumberStyles.Float, CultureInfo.InvariantCulture, out var b) && a == b));
            return op == "==" ? equal : !equal;
        }

        if (Number(value) is not { } x || !double.TryParse(literal, NumberStyles.Float, CultureInfo.InvariantCulture, out var y))
        {
            // Dates (yyyy-MM-dd) compare as text, in order.
            var c = string.CompareOrdinal(text, literal);
            return value is not null && op switch { ">" => c > 0, "<" => c < 0, ">=" => c >= 0, _ => c <= 0 };
        }

        return op switch { ">" => x > y, "<" => x < y, ">=" => x >= y, _ => x <= y };
    }
}
