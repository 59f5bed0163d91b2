using MedGuard.Standards.Yaml;

namespace MedGuard.Standards.Grading;

/// <summary>One object harmed (受侵害的客体) as a row of a matrix.</summary>
public sealed record HarmedObject(string Id, string Name, IReadOnlyList<string> Aliases, IReadOnlyDictionary<HarmDegree, int> Levels)
{
    public bool Matches(string text)
    {
        var t = text.Trim();
        return t.Equals(Id, StringComparison.OrdinalIgnoreCase) || t == Name || Aliases.Contains(t);
    }
}

/// <summary>A grading matrix of one edition (GB/T 22240-2020, or the 2025 filing forms').</summary>
public sealed record GradingMatrix(string Edition, bool IsDefault, string Source, IReadOnlyList<HarmedObject> Objects, IReadOnlyList<string> Notes)
{
    public HarmedObject Object(string text) =>
        Objects.FirstOrDefault(o => o.Matches(text))
        ?? throw new FormatException($"未知的受侵害客体 '{text}'（{Edition} 中为: {string.Join(" / ", Objects.Select(o => $"{o.Id}（{o.Name}）"))}）");

    public int LevelOf(HarmedObject harmed, HarmDegree degree) => harmed.Levels[degree];
}

/// <summary>The matrices shipped as data (Grading/Data/matrices.yaml).</summary>
public static class GradingMatrices
{
    private static readonly Lazy<IReadOnlyList<GradingMatrix>> Embedded =
        new(() => Parse(EmbeddedData.Read("grading/matrices.yaml"), "grading/matrices.yaml"));

    public static IReadOnlyList<GradingMatrix> All => Embedded.Value;

    public static GradingMatrix Default => All.Single(m => m.IsDefault);

    /// <summary>Finds a matrix by edition; "2020" and "2025" are accepted as short names.</summary>
    public static GradingMatrix Get(string? edition)
    {
        if (string.IsNullOrWhiteSpace(edition))
        {
            return Default;
        }

        return All.FirstOrDefault(m => m.Edition == edition || m.Edition.Contains(edition.Trim(), StringComparison.Ordinal))
            ?? throw new FormatException($"未知的定级矩阵版本 '{edition}'（可选: {string.Join(" / ", All.Select(m => m.Edition))}）");
    }

    internal static IReadOnlyList<GradingMatrix> Parse(string text, string file)
    {
        var root = YamlDocumentReader.LoadMapping(text, file);
        root.OnlyKeys(file, "matrices");
        var result = new List<GradingMatrix>();
        foreach (var node in root.Get("matrices")!.Sequence(file, "matrices").Children)
        {
            var m = node.Mapping(file, "矩阵");
            m.OnlyKeys(file, "edition", "default", "source", "confidence", "objects", "notes");
            var objects = new List<HarmedObject>();
            foreach (var o in m.Get("objects")!.Sequence(file, "objects").Children)
            {
                var om = o.Mapping(file, "客体");
                om.OnlyKeys(file, "id", "name", "aliases", "levels");
                var levels = new Dictionary<HarmDegree, int>();
                var lm = om.Get("levels")!.Mapping(file, "levels");
                foreach (var degree in Enum.GetValues<HarmDegree>())
                {
                    var cell = lm.Get(degree.Key()) ?? throw new DataFileException(file, lm.Line(), $"缺少 {degree.Key()} 列");
                    var level = cell.Int(file, "等级");
                    levels[degree] = level is >= 1 and <= 5 ? level : throw new DataFileException(file, cell.Line(), "等级应为 1–5");
                }

                var aliases = om.Get("aliases") is { } a ? a.Sequence(file, "aliases").Children.Select(x => x.Scalar(file, "别名")).ToList() : [];
                objects.Add(new HarmedObject(om.RequiredString("id", file), om.RequiredString("name", file), aliases, levels));
            }

            if (objects.Count != 3)
            {
                throw new DataFileException(file, m.Line(), "矩阵应有三类受侵害客体");
            }

            var notes = m.Get("notes") is { } n ? n.Sequence(file, "notes").Children.Select(x => x.Scalar(file, "说明")).ToList() : [];
            result.Add(new GradingMatrix(
                m.RequiredString("edition", file),
                m.Get("default") is { } d && d.Bool(file, "default"),
                m.RequiredString("source", file),
                objects,
                notes));
        }

        if (result.Count(m => m.IsDefault) != 1)
        {
            throw new DataFileException(file, 1, "应恰有一个默认矩阵");
        }

        return result;
    }
}
