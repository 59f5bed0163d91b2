using MedGuard.Domain.Institutions;
using MedGuard.Domain.Systems;
using MedGuard.Standards.Yaml;
using YamlDotNet.RepresentationModel;

namespace MedGuard.Standards.Grading;

/// <summary>The level the rules suggest for a system, and the rules that suggest it (empty when none applies).</summary>
public sealed record UnderGradingVerdict(ProtectionLevel? Suggested, IReadOnlyList<UnderGradingRule> Rules)
{
    /// <summary>Graded below what the rules suggest (an ungraded system is not "graded too low": 定级率 counts it).</summary>
    public bool IsUnderGraded(ProtectionLevel? graded) => graded is { } g && Suggested is { } s && g < s;
}

/// <summary>
/// 定级偏低 (report section 二): the ordinary 三级 hospitals' core systems graded too low for the personal data they hold
/// and their users. The rules are data (Grading/Data/under-grading.yaml), each with its source, confidence and examples;
/// this engine only evaluates them — it reads no storage.
/// </summary>
public static class UnderGrading
{
    private const string File = "grading/under-grading.yaml";

    private static readonly Lazy<IReadOnlyList<UnderGradingRule>> Embedded = new(() => Parse(EmbeddedData.Read(File), File));

    public static IReadOnlyList<UnderGradingRule> Rules => Embedded.Value;

    /// <summary>The highest level any matching rule suggests.</summary>
    public static UnderGradingVerdict Evaluate(UnderGradingInput input)
    {
        var matching = Rules.Where(r => r.Matches(input)).OrderByDescending(r => r.Suggests).ToList();
        return new UnderGradingVerdict(matching.Count == 0 ? null : matching[0].Suggests, matching);
    }

    internal static IReadOnlyList<UnderGradingRule> Parse(string text, string file)
    {
        var root = YamlDocumentReader.LoadMapping(text, file);
        root.OnlyKeys(file, "rules");
        var rules = new List<UnderGradingRule>();
        foreach (var node in root.Get("rules")!.Sequence(file, "rules").Children)
        {
            var m = node.Mapping(file, "规则");
            m.OnlyKeys(file, "id", "name", "suggests", "when", "source", "confidence", "examples");
            var suggests = m.Get("suggests") is { } s ? s.Int(file, "suggests") : throw new DataFileException(file, m.Line(), "缺少 suggests");
            if (suggests is < 1 or > 5)
            {
                throw new DataFileException(file, m.Line(), "suggests 应为 1–5");
            }

            var when = (m.Get("when") ?? throw new DataFileException(file, m.Line(), "缺少 when")).Mapping(file, "when");
            when.OnlyKeys(file, "business", "tier", "minRecords", "minUsers", "internetFacing", "criticalInfrastructure");
            var confidence = m.RequiredString("confidence", file);
            if (confidence is not ("verified" or "secondary" or "unsure"))
            {
                throw new DataFileException(file, m.Line(), "confidence 应为 verified / secondary / unsure");
            }

            var examples = (m.Get("examples") ?? throw new DataFileException(file, m.Line(), "每条规则至少要有一个正例和一个反例"))
                .Sequence(file, "examples").Children.Select(e => Example(e, file)).ToList();
            if (!examples.Any(e => e.Matches) || examples.All(e => e.Matches))
            {
                throw new DataFileException(file, m.Line(), "每条规则至少要有一个正例和一个反例");
            }

            rules.Add(new UnderGradingRule(
                m.RequiredString("id", file),
                m.RequiredString("name", file),
                (ProtectionLevel)suggests,
                when.Get("business") is { } b ? [.. b.Sequence(file, "business").Children.Select(x => Enum<BusinessKind>(x, file))] : [],
                when.Get("tier") is { } t ? [.. t.Sequence(file, "tier").Children.Select(x => Enum<HospitalTier>(x, file))] : [],
                when.Get("minRecords") is { } r ? (long)r.Number(file, "minRecords") : null,
                when.Get("minUsers") is { } u ? (long)u.Number(file, "minUsers") : null,
                when.Get("internetFacing") is { } i ? i.Bool(file, "internetFacing") : null,
                when.Get("criticalInfrastructure") is { } c ? c.Bool(file, "criticalInfrastructure") : null,
                m.RequiredString("source", file),
                confidence,
                examples));
        }

        if (rules.Select(r => r.Id).Distinct(StringComparer.Ordinal).Count() != rules.Count)
        {
            throw new DataFileException(file, root.Line(), "规则 id 重复");
        }

        return rules;
    }

    private static UnderGradingExample Example(YamlNode node, string file)
    {
        var e = node.Mapping(file, "示例");
        e.OnlyKeys(file, "business", "tier", "records", "users", "core", "internetFacing", "criticalInfrastructure", "expect");
        var expect = e.RequiredString("expect", file);
        var input = new UnderGradingInput
        {
            Business = Enum<BusinessKind>(e.Get("business") ?? throw new DataFileException(file, e.Line(), "示例缺少 business"), file),
            Tier = Enum<HospitalTier>(e.Get("tier") ?? throw new DataFileException(file, e.Line(), "示例缺少 tier"), file),
            PersonalDataRecords = e.Get("records") is { } r ? (long)r.Number(file, "records") : null,
            Users = e.Get("users") is { } u ? (long)u.Number(file, "users") : null,
            IsCore = e.Get("core") is { } c && c.Bool(file, "core"),
            InternetFacing = e.Get("internetFacing") is { } i && i.Bool(file, "internetFacing"),
            CriticalInfrastructure = e.Get("criticalInfrastructure") is { } k && k.Bool(file, "criticalInfrastructure"),
        };
        return expect switch
        {
            "match" => new UnderGradingExample(input, true, e.Line()),
            "no-match" => new UnderGradingExample(input, false, e.Line()),
            _ => throw new DataFileException(file, e.Line(), "expect 应为 match 或 no-match"),
        };
    }

    private static T Enum<T>(YamlNode node, string file)
        where T : struct, Enum =>
        System.Enum.TryParse<T>(node.Scalar(file, typeof(T).Name), ignoreCase: false, out var value) && System.Enum.IsDefined(value)
            ? value
            : throw new DataFileException(file, node.Line(), $"未知的 {typeof(T).Name} 值 '{node.Scalar(file, typeof(T).Name)}'");
}
