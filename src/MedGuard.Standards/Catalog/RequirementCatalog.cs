namespace MedGuard.Standards.Catalog;

/// <summary>The GB/T 22239-2019 requirement catalog: every item at every level, addressable by unit code.</summary>
public sealed class RequirementCatalog
{
    private readonly Dictionary<string, RequirementAtLevel> byCode;

    internal RequirementCatalog(IReadOnlyList<Requirement> requirements, IReadOnlyList<RequirementAtLevel> items)
    {
        Requirements = requirements;
        Items = items;
        byCode = new Dictionary<string, RequirementAtLevel>(StringComparer.OrdinalIgnoreCase);
        foreach (var item in items)
        {
            if (!byCode.TryAdd(item.Code, item))
            {
                throw new InvalidOperationException($"unit code {item.Code} derived twice");
            }
        }
    }

    public IReadOnlyList<Requirement> Requirements { get; }

    /// <summary>Every (item, level) pair, ordered by section, level, category and position.</summary>
    public IReadOnlyList<RequirementAtLevel> Items { get; }

    public RequirementAtLevel? Find(string code) => byCode.GetValueOrDefault(code.Trim());

    /// <summary>The items an object of <paramref name="level"/> is assessed against: general plus chosen extensions.</summary>
    public IReadOnlyList<RequirementAtLevel> ForAssessment(int level, IEnumerable<CatalogSection> extensions)
    {
        var sections = new HashSet<CatalogSection>(extensions) { CatalogSection.General };
        return Items.Where(i => i.Level == level && sections.Contains(i.Section)).ToList();
    }

    public IEnumerable<RequirementAtLevel> At(int level, CatalogSection section) =>
        Items.Where(i => i.Level == level && i.Section == section);

    public CatalogStatistics Statistics(int level)
    {
        ValidateLevel(level);
        var general = At(level, CatalogSection.General).ToList();
        var categories = general
            .GroupBy(i => i.Category)
            .OrderBy(g => g.Key.Order)
            .Select(g => new CategoryStatistics(g.Key.Name, g.Key.Code, g.Key.Kind, g.Count(), g.Select(i => i.ControlPoint).Distinct().Count()))
            .ToList();
        var extensions = CatalogSections.Extensions.ToDictionary(s => s, s => At(level, s).Count());
        return new CatalogStatistics(level, general.Count, categories.Sum(c => c.ControlPoints), categories, extensions);
    }

    public static void ValidateLevel(int level)
    {
        if (level is < 1 or > 4)
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, "GB/T 22239-2019 的要求覆盖第一级至第四级（第五级不公开）");
        }
    }
}

public sealed record CategoryStatistics(string Name, string Code, RequirementKind Kind, int Items, int ControlPoints);

public sealed record CatalogStatistics(
    int Level,
    int Items,
    int ControlPoints,
    IReadOnlyList<CategoryStatistics> Categories,
    IReadOnlyDictionary<CatalogSection, int> Extensions);
