using MedGuard.Standards.Yaml;
using YamlDotNet.RepresentationModel;

namespace MedGuard.Standards.Catalog;

/// <summary>
/// Loads the GB/T 22239-2019 catalog from the YAML files under Catalog/Data (embedded), validates them, and derives
/// every level's clause numbers, item letters and GB/T 28448 unit codes from the order of the data.
/// </summary>
public static class CatalogLoader
{
    private static readonly Lazy<RequirementCatalog> Embedded = new(() => Load(
        EmbeddedData.Names("catalog").Select(name => (name["catalog/".Length..], EmbeddedData.Read(name)))));

    /// <summary>The catalog shipped with MedGuard, loaded once.</summary>
    public static RequirementCatalog Default => Embedded.Value;

    /// <summary>Loads a catalog from (relative path, YAML text) pairs such as <c>("general/CES.yaml", "…")</c>.</summary>
    public static RequirementCatalog Load(IEnumerable<(string Path, string Text)> files)
    {
        var requirements = new List<(Requirement Requirement, Dictionary<int, (string Text, Confidence Confidence, string? Note)> Texts, int ControlPointIndex)>();
        var seenCategories = new HashSet<(CatalogSection, string)>();
        var codeGaps = new Dictionary<(CatalogSection, string), Dictionary<int, HashSet<int>>>();
        foreach (var (path, text) in files.OrderBy(f => f.Path, StringComparer.Ordinal))
        {
            ReadFile(path, text, seenCategories, codeGaps, requirements);
        }

        if (requirements.Count == 0)
        {
            throw new DataFileException("catalog", 0, "目录为空：没有找到任何要求项");
        }

        var all = new List<RequirementAtLevel>();
        foreach (var section in Enum.GetValues<CatalogSection>())
        {
            for (var level = 1; level <= 4; level++)
            {
                Derive(section, level, requirements, codeGaps, all);
            }
        }

        return new RequirementCatalog(requirements.Select(r => r.Requirement).ToList(), all);
    }

    private static void ReadFile(
        string path,
        string text,
        HashSet<(CatalogSection, string)> seenCategories,
        Dictionary<(CatalogSection, string), Dictionary<int, HashSet<int>>> codeGaps,
        List<(Requirement, Dictionary<int, (string, Confidence, string?)>, int)> requirements)
    {
        var root = YamlDocumentReader.LoadMapping(text, path);
        root.OnlyKeys(path, "section", "categoryCode", "category", "source", "confidence", "codeGaps", "controlPoints");

        var sectionName = root.RequiredString("section", path);
        if (!CatalogSections.TryParseFolder(sectionName, out var section))
        {
            throw new DataFileException(path, root.Get("section")!.Line(), $"未知的 section '{sectionName}'");
        }

        var folder = path.Contains('/') ? path[..path.IndexOf('/')] : "";
        if (folder != section.FolderName())
        {
            throw new DataFileException(path, root.Get("section")!.Line(), $"section '{sectionName}' 与所在目录 '{folder}' 不一致");
        }

        var code = root.RequiredString("categoryCode", path);
        var category = Category.FindByCode(code)
            ?? throw new DataFileException(path, root.Get("categoryCode")!.Line(), $"未知的安全类代码 '{code}'");
        var name = root.RequiredString("category", path);
        if (name != category.Name)
        {
            throw new DataFileException(path, root.Get("category")!.Line(), $"安全类名称 '{name}' 与代码 {code}（{category.Name}）不一致");
        }

        if (!seenCategories.Add((section, code)))
        {
            throw new DataFileException(path, 1, $"{section.FolderName()}/{code} 重复定义");
        }

        var defaults = ReadConfidenceMap(root.Get("confidence"), path, required: true);
        codeGaps[(section, code)] = ReadCodeGaps(root.Get("codeGaps"), path);
        var controlPoints = (root.Get("controlPoints") ?? throw new DataFileException(path, root.Line(), "缺少 controlPoints"))
            .Sequence(path, "controlPoints");
        if (controlPoints.Children.Count == 0)
        {
            throw new DataFileException(path, controlPoints.Line(), "controlPoints 为空");
        }

        var pointNames = new HashSet<string>();
        var pointIndex = 0;
        foreach (var pointNode in controlPoints.Children)
        {
            var point = pointNode.Mapping(path, "控制点");
            point.OnlyKeys(path, "name", "nameByLevel", "items");
            var pointName = point.RequiredString("name", path);
            var namesByLevel = new Dictionary<int, string>();
            if (point.Get("nameByLevel") is { } nbl)
            {
                foreach (var (k, v) in nbl.Mapping(path, "nameByLevel").Children)
                {
                    namesByLevel[LevelKey(k, path)] = v.Scalar(path, "控制点名称");
                }
            }

            if (!pointNames.Add(pointName))
            {
                throw new DataFileException(path, point.Line(), $"控制点 '{pointName}' 重复");
            }

            var items = (point.Get("items") ?? throw new DataFileException(path, point.Line(), $"控制点 '{pointName}' 缺少 items"))
                .Sequence(path, "items");
            if (items.Children.Count == 0)
            {
                throw new DataFileException(path, items.Line(), $"控制点 '{pointName}' 没有要求项");
            }

            foreach (var itemNode in items.Children)
            {
                requirements.Add(ReadItem(itemNode, path, section, category, pointName, namesByLevel, defaults, pointIndex));
            }

            pointIndex++;
        }
    }

    private static (Requirement, Dictionary<int, (string, Confidence, string?)>, int) ReadItem(
        YamlNode itemNode,
        string path,
        CatalogSection section,
        Category category,
        string pointName,
        IReadOnlyDictionary<int, string> pointNamesByLevel,
        IReadOnlyDictionary<int, Confidence> defaults,
        int pointIndex)
    {
        var item = itemNode.Mapping(path, "要求项");
        item.OnlyKeys(path, "levels", "text", "textByLevel", "confidence", "note");
        var levelsNode = (item.Get("levels") ?? throw new DataFileException(path, item.Line(), "要求项缺少 levels")).Sequence(path, "levels");
        var levels = new List<int>();
        foreach (var l in levelsNode.Children)
        {
            var level = l.Int(path, "级别");
            if (level is < 1 or > 4)
            {
                throw new DataFileException(path, l.Line(), $"级别 {level} 超出 1–4");
            }

            if (levels.Contains(level))
            {
                throw new DataFileException(path, l.Line(), $"级别 {level} 重复");
            }

            levels.Add(level);
        }

        if (levels.Count == 0)
        {
            throw new DataFileException(path, levelsNode.Line(), "levels 为空");
        }

        levels.Sort();
        var text = item.RequiredString("text", path);
        var note = item.OptionalString("note", path);
        var byLevel = new Dictionary<int, string>();
        if (item.Get("textByLevel") is { } tbl)
        {
            foreach (var (k, v) in tbl.Mapping(path, "textByLevel").Children)
            {
                var level = k.Int(path, "textByLevel 的级别");
                if (!levels.Contains(level))
                {
                    throw new DataFileException(path, k.Line(), $"textByLevel 的级别 {level} 不在 levels 中");
                }

                byLevel[level] = v.Scalar(path, $"第{level}级的文本");
            }
        }

        IReadOnlyDictionary<int, Confidence>? itemConfidence = null;
        if (item.Get("confidence") is { } c)
        {
            itemConfidence = c is YamlScalarNode
                ? Enumerable.Range(1, 4).ToDictionary(l => l, _ => ParseConfidence(c, path))
                : ReadConfidenceMap(c, path, required: false);
        }

        var requirement = new Requirement(section, category, pointName, levels, path, item.Line(), pointNamesByLevel);
        var texts = new Dictionary<int, (string, Confidence, string?)>();
        foreach (var level in levels)
        {
            var confidence = itemConfidence is not null && itemConfidence.TryGetValue(level, out var ic) ? ic
                : defaults.TryGetValue(level, out var dc) ? dc
                : throw new DataFileException(path, item.Line(), $"第{level}级没有可信度（文件的 confidence 未给出该级）");
            texts[level] = (byLevel.GetValueOrDefault(level, text), confidence, note);
        }

        return (requirement, texts, pointIndex);
    }

    private static Dictionary<int, HashSet<int>> ReadCodeGaps(YamlNode? node, string path)
    {
        var gaps = new Dictionary<int, HashSet<int>>();
        if (node is null)
        {
            return gaps;
        }

        foreach (var (k, v) in node.Mapping(path, "codeGaps").Children)
        {
            gaps[LevelKey(k, path)] = v.Sequence(path, "codeGaps").Children.Select(n => n.Int(path, "编号")).ToHashSet();
        }

        return gaps;
    }

    private static int LevelKey(YamlNode node, string path)
    {
        var level = node.Int(path, "级别");
        return level is >= 1 and <= 4 ? level : throw new DataFileException(path, node.Line(), $"级别 {level} 超出 1–4");
    }

    private static Dictionary<int, Confidence> ReadConfidenceMap(YamlNode? node, string path, bool required)
    {
        if (node is null)
        {
            return required ? throw new DataFileException(path, 1, "缺少 confidence（每个级别的默认可信度）") : [];
        }

        var map = new Dictionary<int, Confidence>();
        foreach (var (k, v) in node.Mapping(path, "confidence").Children)
        {
            var level = k.Int(path, "confidence 的级别");
            if (level is < 1 or > 4)
            {
                throw new DataFileException(path, k.Line(), $"confidence 的级别 {level} 超出 1–4");
            }

            map[level] = ParseConfidence(v, path);
        }

        return map;
    }

    private static Confidence ParseConfidence(YamlNode node, string path)
    {
        var text = node.Scalar(path, "confidence");
        return ConfidenceNames.TryParse(text, out var c)
            ? c
            : throw new DataFileException(path, node.Line(), $"可信度 '{text}' 应为 verified / secondary / unsure");
    }

    /// <summary>
    /// Numbers one section at one level: categories and control points by their ordinal among those present at the
    /// level, items by their ordinal within the control point (letter) and within the category (unit code).
    /// </summary>
    private static void Derive(
        CatalogSection section,
        int level,
        List<(Requirement Requirement, Dictionary<int, (string Text, Confidence Confidence, string? Note)> Texts, int ControlPointIndex)> requirements,
        Dictionary<(CatalogSection, string), Dictionary<int, HashSet<int>>> codeGaps,
        List<RequirementAtLevel> output)
    {
        var present = requirements.Where(r => r.Requirement.Section == section && r.Requirement.Levels.Contains(level)).ToList();
        var categoryNumber = 0;
        foreach (var categoryGroup in present.GroupBy(r => r.Requirement.Category).OrderBy(g => g.Key.Order))
        {
            categoryNumber++;
            var itemInCategory = 0;
            var pointNumber = 0;
            var gaps = codeGaps.TryGetValue((section, categoryGroup.Key.Code), out var g) && g.TryGetValue(level, out var l) ? l : [];
            foreach (var pointGroup in categoryGroup.GroupBy(r => r.ControlPointIndex).OrderBy(g => g.Key))
            {
                pointNumber++;
                var letter = 'a';
                foreach (var (requirement, texts, _) in pointGroup)
                {
                    itemInCategory++;
                    while (gaps.Contains(itemInCategory))
                    {
                        itemInCategory++; // a number GB/T 28448 leaves unused (codeGaps in the data)
                    }

                    var (text, confidence, note) = texts[level];
                    var clause = section == CatalogSection.BigData
                        ? $"H.{level}.{categoryNumber}.{pointNumber}"
                        : $"{5 + level}.{(int)section}.{categoryNumber}.{pointNumber}";
                    var code = $"L{level}-{requirement.Category.Code}{(int)section}-{itemInCategory:00}";
                    var atLevel = new RequirementAtLevel(requirement, level, code, clause, letter, text, confidence, note);
                    requirement.byLevel[level] = atLevel;
                    output.Add(atLevel);
                    letter++;
                }
            }
        }
    }
}
