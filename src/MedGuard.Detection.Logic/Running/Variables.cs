using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MedGuard.Detection.Logic.Yaml;
using MedGuard.Domain.PersonalData;

namespace MedGuard.Detection.Logic.Running;

/// <summary>
/// A scenario's variables (ids, tokens, amounts) as JSON values, so an id taken from one response goes into the next
/// request with its type (a number stays a number). <c>{{name}}</c> in a template; built-ins: <c>{{$i}}</c> (repeat
/// index), <c>{{$item}}</c> (forEach element), <c>{{$idCard}}</c> (a synthetic 身份证号 with a valid check digit),
/// <c>{{$phone}}</c>, <c>{{$today}}</c>, and integer offsets <c>{{orderId-1}}</c>, <c>{{$today+7}}</c>.
/// </summary>
public sealed partial class Variables
{
    private readonly Dictionary<string, JsonNode?> _values = new(StringComparer.Ordinal);

    public DateOnly Today { get; init; } = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8));

    /// <summary>Repeat index (1-based) and forEach element of the step being rendered.</summary>
    public int Index { get; set; }

    public JsonNode? Element { get; set; }

    public bool Has(string name) => _values.ContainsKey(name);

    public JsonNode? this[string name]
    {
        get => _values.TryGetValue(name, out var v) ? v : null;
        set => _values[name] = value?.DeepClone();
    }

    public void Append(string name, JsonNode? value)
    {
        if (_values.GetValueOrDefault(name) is not JsonArray array)
        {
            array = [];
            _values[name] = array;
        }

        array.Add(value?.DeepClone());
    }

    public Variables Copy()
    {
        var copy = new Variables { Today = Today, Index = Index, Element = Element?.DeepClone() };
        foreach (var (k, v) in _values)
        {
            copy._values[k] = v?.DeepClone();
        }

        return copy;
    }

    /// <summary>Renders text with every <c>{{…}}</c> replaced; an undefined variable is an error (the step cannot run).</summary>
    public string Render(string template) =>
        Placeholder().Replace(template, m => JsonPath.Text(Resolve(m.Groups[1].Value.Trim(), out var found) is var v && found
            ? v
            : throw new UndefinedVariableException(m.Groups[1].Value.Trim())));

    /// <summary>
    /// A JSON body value from YAML: a scalar that is exactly one <c>{{x}}</c> becomes x's JSON value (or is left out
    /// when x is null or undefined — an optional field such as captchaTicket); plain 12, true, ~ keep their type.
    /// </summary>
    public bool TryRenderJson(YamlNode node, out JsonNode? value)
    {
        switch (node)
        {
            case YamlScalar s when s.IsNull:
                value = null;
                return true;
            case YamlScalar s when Placeholder().Match(s.Value) is { Success: true } m && m.Value == s.Value.Trim():
                value = Resolve(m.Groups[1].Value.Trim(), out var found)?.DeepClone();
                return found && value is not null;
            case YamlScalar { Plain: true } s when decimal.TryParse(s.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d):
                value = JsonValue.Create(d);
                return true;
            case YamlScalar { Plain: true, Value: "true" or "false" } s:
                value = JsonValue.Create(s.Value == "true");
                return true;
            case YamlScalar s:
                value = JsonValue.Create(Render(s.Value));
                return true;
            case YamlList l:
                var array = new JsonArray();
                foreach (var item in l.Items)
                {
                    if (TryRenderJson(item, out var v))
                    {
                        array.Add(v);
                    }
                }

                value = array;
                return true;
            case YamlMap map:
                var obj = new JsonObject();
                foreach (var (k, v) in map.Entries)
                {
                    if (TryRenderJson(v, out var rendered))
                    {
                        obj[k.Value] = rendered;
                    }
                }

                value = obj;
                return true;
            default:
                value = null;
                return false;
        }
    }

    private JsonNode? Resolve(string expression, out bool found)
    {
        found = true;
        var offset = 0;
        var m = Offset().Match(expression);
        if (m.Success)
        {
            expression = m.Groups["name"].Value;
            offset = int.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture) * (m.Groups["sign"].Value == "-" ? -1 : 1);
        }

        JsonNode? value;
        switch (expression)
        {
            case "$i":
                value = JsonValue.Create(Index);
                break;
            case "$item":
                value = Element?.DeepClone();
                break;
            case "$today":
                return JsonValue.Create(Today.AddDays(offset).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            case "$idCard":
                return JsonValue.Create(SyntheticIdCard(Index));
            case "$phone":
                return JsonValue.Create($"1390000{Index:0000}");
            default:
                if (!_values.TryGetValue(expression, out value))
                {
                    found = false;
                    return null;
                }

                break;
        }

        if (offset != 0)
        {
            return JsonPath.Number(value) is { } n ? JsonValue.Create((long)n + offset) : throw new UndefinedVariableException($"{expression}（不是整数，不能加减）");
        }

        return value;
    }

    /// <summary>A synthetic resident ID (虚构身份证号): region 110101, birth 1990-01-01, sequence, valid check digit.</summary>
    public static string SyntheticIdCard(int sequence)
    {
        var first17 = $"11010119900101{(sequence % 1000):000}";
        return first17 + ResidentIdNumber.CheckDigit(first17);
    }

    public static bool HasPlaceholder(string text) => Placeholder().IsMatch(text);

    [GeneratedRegex(@"\{\{([^{}]+)\}\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"^(?<name>\$?[A-Za-z_][A-Za-z0-9_]*)\s*(?<sign>[+-])\s*(?<n>\d{1,6})$")]
    private static partial Regex Offset();
}

/// <summary>A template used a variable no earlier step set.</summary>
public sealed class UndefinedVariableException(string name) : Exception($"变量 {{{{{name}}}}} 未定义（前面的步骤没有提取到它）")
{
    public string Name { get; } = name;
}
