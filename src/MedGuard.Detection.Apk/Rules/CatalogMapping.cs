using System.Globalization;
using MedGuard.Detection.Apk.Libraries;
using MedGuard.Detection.Apk.Protection;

namespace MedGuard.Detection.Apk.Rules;

/// <summary>
/// The catalog files' nodes into their definitions, key by key as the files spell them (camelCase). Written out by
/// hand instead of an object mapper so that it needs no reflection; like the mapper it replaced it refuses an unknown
/// key (a misspelt <c>notInTry</c> must not silently widen a rule) and a value of the wrong kind, with the line.
/// </summary>
internal static class CatalogMapping
{
    public static RuleDefinition Rule(CatalogNode node)
    {
        var r = new RuleDefinition();
        foreach (var (key, value) in Map(node))
        {
            switch (key.Value)
            {
                case "id": r.Id = Text(value); break;
                case "title": r.Title = Text(value); break;
                case "order": r.Order = Int(value); break;
                case "severity": r.Severity = Text(value); break;
                case "severityByMinSdk": r.SeverityByMinSdk = SeverityByMinSdk(value); break;
                case "cwe": r.Cwe = Text(value); break;
                case "standardRefs": r.StandardRefs = Texts(value); break;
                case "description": r.Description = Text(value); break;
                case "remediation": r.Remediation = Text(value); break;
                case "detector": r.Detector = Text(value); break;
                case "attribute": r.Attribute = OptionalText(value); break;
                case "when": r.When = OptionalText(value); break;
                case "mask": r.Mask = Bool(value); break;
                case "metaData": r.MetaData = Texts(value); break;
                case "component": r.Component = OptionalText(value); break;
                case "excludeLauncher": r.ExcludeLauncher = Bool(value); break;
                case "match": r.Match = List(value, Pattern); break;
                case "unlessMethodCalls": r.UnlessMethodCalls = List(value, Pattern); break;
                case "unlessMethodStrings": r.UnlessMethodStrings = Texts(value); break;
                case "requireMethodCalls": r.RequireMethodCalls = List(value, Pattern); break;
                case "unlessAppCallsAll": r.UnlessAppCallsAll = List(value, Pattern); break;
                case "minSdkBelow": r.MinSdkBelow = OptionalInt(value); break;
                case "examples": r.Examples = RuleExamples(value); break;
                default: throw Unknown(key);
            }
        }

        return r;
    }

    private static SeverityByMinSdk SeverityByMinSdk(CatalogNode node)
    {
        var s = new SeverityByMinSdk();
        foreach (var (key, value) in Map(node))
        {
            switch (key.Value)
            {
                case "below": s.Below = Int(value); break;
                case "severity": s.Severity = Text(value); break;
                default: throw Unknown(key);
            }
        }

        return s;
    }

    private static CodePattern Pattern(CatalogNode node)
    {
        var p = new CodePattern();
        foreach (var (key, value) in Map(node))
        {
            switch (key.Value)
            {
                case "call": p.Call = OptionalText(value); break;
                case "field": p.Field = OptionalText(value); break;
                case "newInstance": p.NewInstance = OptionalText(value); break;
                case "override": p.Override = Override(value); break;
                case "string": p.String = OptionalText(value); break;
                case "stringPrefix": p.StringPrefix = OptionalText(value); break;
                case "where": p.Where = List(value, Argument); break;
                case "notInTry": p.NotInTry = Bool(value); break;
                case "inMethod": p.InMethod = OptionalText(value); break;
                case "inClass": p.InClass = OptionalText(value); break;
                case "inExportedComponent": p.InExportedComponent = Bool(value); break;
                case "exposes": p.Exposes = OptionalInt(value); break;
                default: throw Unknown(key);
            }
        }

        return p;
    }

    private static OverridePattern Override(CatalogNode node)
    {
        var o = new OverridePattern();
        foreach (var (key, value) in Map(node))
        {
            switch (key.Value)
            {
                case "implements": o.Implements = Text(value); break;
                case "method": o.Method = Text(value); break;
                case "body": o.Body = Text(value); break;
                default: throw Unknown(key);
            }
        }

        return o;
    }

    private static ArgCondition Argument(CatalogNode node)
    {
        var a = new ArgCondition();
        foreach (var (key, value) in Map(node))
        {
            switch (key.Value)
            {
                case "arg": a.Arg = Int(value); break;
                case "equalTo": a.EqualTo = OptionalText(value); break;
                case "matches": a.Matches = OptionalText(value); break;
                case "is": a.Is = OptionalText(value); break;
                case "lacksFlag": a.LacksFlag = OptionalLong(value); break;
                default: throw Unknown(key);
            }
        }

        return a;
    }

    private static RuleExamples RuleExamples(CatalogNode node)
    {
        var e = new RuleExamples();
        foreach (var (key, value) in Map(node))
        {
            switch (key.Value)
            {
                case "positive": e.Positive = List(value, RuleExample); break;
                case "negative": e.Negative = List(value, RuleExample); break;
                default: throw Unknown(key);
            }
        }

        return e;
    }

    private static RuleExample RuleExample(CatalogNode node)
    {
        var e = new RuleExample();
        foreach (var (key, value) in Map(node))
        {
            switch (key.Value)
            {
                case "manifest": e.Manifest = OptionalText(value); break;
                case "networkSecurityConfig": e.NetworkSecurityConfig = OptionalText(value); break;
                case "smali": e.Smali = OptionalText(value); break;
                case "count": e.Count = Int(value); break;
                case "locations": e.Locations = Texts(value); break;
                default: throw Unknown(key);
            }
        }

        return e;
    }

    /// <summary><c>libraries.yaml</c> (<c>prefixes</c>) and <c>dangerous-permissions.yaml</c> (<c>permissions</c>).</summary>
    public static (List<string> Prefixes, List<string> Permissions) NameLists(CatalogNode? node)
    {
        List<string> prefixes = [], permissions = [];
        foreach (var (key, value) in Map(node))
        {
            switch (key.Value)
            {
                case "prefixes": prefixes = Texts(value); break;
                case "permissions": permissions = Texts(value); break;
                default: throw Unknown(key);
            }
        }

        return (prefixes, permissions);
    }

    /// <summary><c>framework.yaml</c>: type → its super and interfaces.</summary>
    public static IEnumerable<(string Type, string? Super, List<string> Interfaces)> Framework(CatalogNode? node)
    {
        foreach (var (type, entry) in Map(node))
        {
            string? super = null;
            List<string> interfaces = [];
            foreach (var (key, value) in Map(entry))
            {
                switch (key.Value)
                {
                    case "super": super = OptionalText(value); break;
                    case "interfaces": interfaces = Texts(value); break;
                    default: throw Unknown(key);
                }
            }

            yield return (type.Value, super, interfaces);
        }
    }

    /// <summary><c>packers.yaml</c>: <c>packers:</c> and its list.</summary>
    public static List<PackerDefinition> Packers(CatalogNode? node) => Single(node, "packers", Packer);

    private static PackerDefinition Packer(CatalogNode node)
    {
        var p = new PackerDefinition();
        foreach (var (key, value) in Map(node))
        {
            switch (key.Value)
            {
                case "id": p.Id = Text(value); break;
                case "name": p.Name = Text(value); break;
                case "libs": p.Libs = Texts(value); break;
                case "files": p.Files = Texts(value); break;
                case "classes": p.Classes = Texts(value); break;
                case "weak": p.Weak = Texts(value); break;
                case "examples":
                    foreach (var (which, list) in Map(value))
                    {
                        switch (which.Value)
                        {
                            case "positive": p.Examples.Positive = List(list, PackerExample); break;
                            case "negative": p.Examples.Negative = List(list, PackerExample); break;
                            default: throw Unknown(which);
                        }
                    }

                    break;
                default: throw Unknown(key);
            }
        }

        return p;
    }

    private static PackerExample PackerExample(CatalogNode node)
    {
        var e = new PackerExample();
        foreach (var (key, value) in Map(node))
        {
            switch (key.Value)
            {
                case "files": e.Files = Texts(value); break;
                case "application": e.Application = OptionalText(value); break;
                case "classes": e.Classes = Texts(value); break;
                default: throw Unknown(key);
            }
        }

        return e;
    }

    /// <summary><c>library-profiles.yaml</c>: <c>libraries:</c> and its list.</summary>
    public static List<LibraryProfile> LibraryProfiles(CatalogNode? node) => Single(node, "libraries", Profile);

    private static LibraryProfile Profile(CatalogNode node)
    {
        var p = new LibraryProfile();
        foreach (var (key, value) in Map(node))
        {
            switch (key.Value)
            {
                case "id": p.Id = Text(value); break;
                case "name": p.Name = Text(value); break;
                case "prefixes": p.Prefixes = Texts(value); break;
                case "markers": p.Markers = Texts(value); break;
                case "shapes": p.Shapes = List(value, Shape); break;
                case "resources": p.Resources = Texts(value); break;
                case "examples":
                    foreach (var (which, list) in Map(value))
                    {
                        switch (which.Value)
                        {
                            case "positive": p.Examples.Positive = Texts(list); break;
                            case "negative": p.Examples.Negative = Texts(list); break;
                            default: throw Unknown(which);
                        }
                    }

                    break;
                default: throw Unknown(key);
            }
        }

        return p;
    }

    private static ClassShape Shape(CatalogNode node)
    {
        var s = new ClassShape();
        foreach (var (key, value) in Map(node))
        {
            switch (key.Value)
            {
                case "extends": s.Extends = Text(value); break;
                case "methods": s.Methods = Texts(value); break;
                default: throw Unknown(key);
            }
        }

        return s;
    }

    private static List<T> Single<T>(CatalogNode? node, string name, Func<CatalogNode, T> item)
    {
        var result = new List<T>();
        foreach (var (key, value) in Map(node))
        {
            result = key.Value == name ? List(value, item) : throw Unknown(key);
        }

        return result;
    }

    // An empty file or value is an empty map, as the object mapper took it.
    private static List<KeyValuePair<CatalogScalar, CatalogNode>> Map(CatalogNode? node) => node switch
    {
        null or CatalogScalar { IsNull: true } => [],
        CatalogMap map => map.Entries,
        _ => throw new CatalogYamlException(node.Line, "此处应为键值对（名称: 值）"),
    };

    private static List<T> List<T>(CatalogNode node, Func<CatalogNode, T> item) => node switch
    {
        CatalogScalar { IsNull: true } => [],
        CatalogList list => list.Items.ConvertAll(i => item(i)),
        _ => throw new CatalogYamlException(node.Line, "此处应为列表（- 条目 或 [条目, …]）"),
    };

    private static List<string> Texts(CatalogNode node) => List(node, Text);

    private static string Text(CatalogNode node) => node is CatalogScalar s
        ? s.Value
        : throw new CatalogYamlException(node.Line, "此处应为一个值（一行文字或数字），而不是列表或键值对");

    private static string? OptionalText(CatalogNode node) => node is CatalogScalar { IsNull: true } ? null : Text(node);

    private static int Int(CatalogNode node) => int.TryParse(Text(node), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)
        ? n
        : throw new CatalogYamlException(node.Line, "此处的值应为整数");

    private static int? OptionalInt(CatalogNode node) => node is CatalogScalar { IsNull: true } ? null : Int(node);

    private static long? OptionalLong(CatalogNode node) => node is CatalogScalar { IsNull: true }
        ? null
        : long.TryParse(Text(node), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new CatalogYamlException(node.Line, "此处的值应为整数");

    private static bool Bool(CatalogNode node) => Text(node).ToLowerInvariant() switch
    {
        "true" => true,
        "false" => false,
        _ => throw new CatalogYamlException(node.Line, "此处的值应为 true 或 false"),
    };

    private static CatalogYamlException Unknown(CatalogScalar key) => new(key.Line, $"未知的键 '{key.Value}'");
}
