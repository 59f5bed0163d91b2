using MedGuard.Domain.Findings;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace MedGuard.Detection.Web.Scanning;

/// <summary>The standard references of one kind of engine-built finding.</summary>
public sealed record RefSet(IReadOnlyList<string> StandardRefs, IReadOnlyList<string> HighRiskCases);

/// <summary>
/// What the engine's own findings (active checks, personal data, TLS) cite in GB/T 22239 and the high-risk guide —
/// data in Data/finding-refs.yaml, like the templates' refs, so that they are corrected without code changes and
/// checked against the catalog by the same test.
/// </summary>
public static class FindingRefs
{
    private const string Resource = "MedGuard.Web.finding-refs.yaml";

    private static readonly Lazy<Dictionary<string, RefSet>> Sets = new(Load);

    public static RefSet InputValidation => Get("inputValidation");

    public static RefSet PersonalData => Get("personalData");

    public static RefSet Transport => Get("transport");

    public static RefSet KnownVulnerabilities => Get("knownVulnerabilities");

    /// <summary>This file's GB/T 22239 citations with their lines, for the catalog check in MedGuard.Standards.</summary>
    public static IEnumerable<StandardRefSite> StandardRefs() => StandardRefText.Scan("src/MedGuard.Detection.Web/Data/finding-refs.yaml", Text());

    private static string Text()
    {
        using var stream = typeof(FindingRefs).Assembly.GetManifestResourceStream(Resource)
            ?? throw new InvalidOperationException($"embedded data '{Resource}' is missing from the build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static RefSet Get(string kind) =>
        Sets.Value.TryGetValue(kind, out var set) ? set : throw new InvalidDataException($"{Resource}：缺少 '{kind}'");

    private sealed class Dto
    {
        public List<string>? StandardRefs { get; set; }

        public List<string>? HighRiskCases { get; set; }
    }

    private static Dictionary<string, RefSet> Load()
    {
        var text = Text();
        foreach (var site in StandardRefs().Where(s => !StandardRefText.IsUnitCode(s.Code)))
        {
            throw new InvalidDataException($"{site.File} 第 {site.Line} 行：standardRefs 中的 '{site.Code}' 不是 GB/T 28448 单元编号");
        }

        var dtos = new DeserializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).Build()
            .Deserialize<Dictionary<string, Dto>>(text) ?? [];
        return dtos.ToDictionary(
            kv => kv.Key,
            kv => new RefSet(
                kv.Value.StandardRefs is { Count: > 0 } refs ? refs : throw new InvalidDataException($"{Resource}：'{kv.Key}' 没有 standardRefs"),
                kv.Value.HighRiskCases ?? []));
    }
}
