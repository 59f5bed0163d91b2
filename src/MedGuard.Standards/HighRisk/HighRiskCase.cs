using MedGuard.Standards.Catalog;
using MedGuard.Standards.Yaml;

namespace MedGuard.Standards.HighRisk;

/// <summary>
/// One case of the high-risk guide (高风险判定指引): the condition that makes a shortfall 高风险 from a given level,
/// and whether compensating factors may lower it.
/// </summary>
public sealed record HighRiskCase(string Id, Category Category, string ControlPoint, int FromLevel, string Condition, string Compensable)
{
    public bool AppliesAt(int level) => level >= FromLevel;
}

/// <summary>The case list as data (HighRisk/Data/cases.yaml), keyed by id.</summary>
public sealed class HighRiskCatalog
{
    private static readonly Lazy<HighRiskCatalog> Embedded =
        new(() => Parse(EmbeddedData.Read("highrisk/cases.yaml"), "highrisk/cases.yaml"));

    private readonly Dictionary<string, HighRiskCase> byId;

    private HighRiskCatalog(string sourceVersion, IReadOnlyList<HighRiskCase> cases)
    {
        SourceVersion = sourceVersion;
        Cases = cases;
        byId = cases.ToDictionary(c => c.Id, StringComparer.Ordinal);
    }

    public static HighRiskCatalog Default => Embedded.Value;

    public string SourceVersion { get; }

    public IReadOnlyList<HighRiskCase> Cases { get; }

    public HighRiskCase? Find(string id) => byId.GetValueOrDefault(id.Trim());

    internal static HighRiskCatalog Parse(string text, string file)
    {
        var root = YamlDocumentReader.LoadMapping(text, file);
        root.OnlyKeys(file, "sourceVersion", "cases");
        var cases = new List<HighRiskCase>();
        var seen = new HashSet<string>();
        foreach (var node in root.Get("cases")!.Sequence(file, "cases").Children)
        {
            var m = node.Mapping(file, "案例");
            m.OnlyKeys(file, "id", "controlPoint", "fromLevel", "condition", "compensable");
            var id = m.RequiredString("id", file);
            var parts = id.Split('.');
            // 6.<category>.<control point>.<n>: the second number is the category's order in GB/T 22239.
            if (parts.Length != 4 || parts[0] != "6" || !int.TryParse(parts[1], out var order) || Category.All.FirstOrDefault(c => c.Order == order) is not { } category)
            {
                throw new DataFileException(file, m.Line(), $"案例编号 '{id}' 应形如 6.<安全类序号>.<控制点>.<序号>");
            }

            if (!seen.Add(id))
            {
                throw new DataFileException(file, m.Line(), $"案例编号 '{id}' 重复");
            }

            var level = m.Get("fromLevel")!.Int(file, "fromLevel");
            cases.Add(new HighRiskCase(
                id,
                category,
                m.RequiredString("controlPoint", file),
                level is >= 1 and <= 4 ? level : throw new DataFileException(file, m.Line(), "fromLevel 应为 1–4"),
                m.RequiredString("condition", file),
                m.RequiredString("compensable", file)));
        }

        return new HighRiskCatalog(root.RequiredString("sourceVersion", file), cases);
    }
}
