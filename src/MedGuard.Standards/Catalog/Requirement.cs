namespace MedGuard.Standards.Catalog;

/// <summary>
/// One requirement item (要求项) of GB/T 22239-2019 across the levels it applies to. Its clause, letter and GB/T 28448
/// unit code differ per level, so they live on <see cref="RequirementAtLevel"/>.
/// </summary>
public sealed class Requirement
{
    internal Requirement(
        CatalogSection section,
        Category category,
        string controlPoint,
        IReadOnlyList<int> levels,
        string sourceFile,
        int line,
        IReadOnlyDictionary<int, string> controlPointByLevel)
    {
        this.controlPointByLevel = controlPointByLevel;
        Section = section;
        Category = category;
        ControlPoint = controlPoint;
        Levels = levels;
        SourceFile = sourceFile;
        Line = line;
    }

    public CatalogSection Section { get; }

    public Category Category { get; }

    /// <summary>控制点, e.g. 身份鉴别 (its name at level 3; some points are named differently at other levels).</summary>
    public string ControlPoint { get; }

    /// <summary>The control point's name at <paramref name="level"/>.</summary>
    public string ControlPointAt(int level) => controlPointByLevel.GetValueOrDefault(level, ControlPoint);

    private readonly IReadOnlyDictionary<int, string> controlPointByLevel;

    public IReadOnlyList<int> Levels { get; }

    public IReadOnlyDictionary<int, RequirementAtLevel> ByLevel => byLevel;

    public string SourceFile { get; }

    public int Line { get; }

    internal readonly Dictionary<int, RequirementAtLevel> byLevel = [];
}

/// <summary>A requirement item as it stands at one level: what an assessor checks and a workbook row carries.</summary>
public sealed record RequirementAtLevel(
    Requirement Requirement,
    int Level,
    string Code,        // GB/T 28448 unit code: L3-CES1-01
    string Clause,      // 8.1.4.1
    char Letter,        // a
    string Text,
    Confidence Confidence,
    string? Note)
{
    public CatalogSection Section => Requirement.Section;

    public Category Category => Requirement.Category;

    public string ControlPoint => Requirement.ControlPointAt(Level);

    /// <summary>The clause with the item letter as the standard cites it: 8.1.4.1 a).</summary>
    public string Citation => $"{Clause} {Letter})";
}
