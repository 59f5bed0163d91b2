using MedGuard.Domain.Findings;

namespace MedGuard.Standards.Catalog;

/// <summary>
/// Resolves the GB/T 22239 citations of detector rule data (<c>standardRefs</c>, GB/T 28448 unit codes) against the
/// catalog this library owns. The engines cannot do it themselves — an engine never references the standards
/// library — so each exposes its citations with file and line (<c>HighRiskPortPolicy.StandardRefs()</c>,
/// <c>WebScanner.StandardRefs()</c>, <c>RuleCatalog.StandardRefs()</c>) and the CLI and the tests check them here.
/// Unit codes are not plain ordinals (GB/T 28448 has no L3-CES1-16), so a hand-derived code is easily off by one.
/// </summary>
public static class StandardRefIntegrity
{
    /// <summary>One line per citation that is not a unit code of the catalog: <c>FILE:LINE: CODE …</c>.</summary>
    public static IReadOnlyList<string> Problems(IEnumerable<StandardRefSite> sites, RequirementCatalog? catalog = null)
    {
        catalog ??= CatalogLoader.Default;
        var problems = new List<string>();
        foreach (var site in sites)
        {
            if (!StandardRefText.IsUnitCode(site.Code))
            {
                problems.Add($"{site.File}:{site.Line}: '{site.Code}' 不是 GB/T 28448 单元编号（应写成 L3-CES1-18）");
            }
            else if (catalog.Find(site.Code) is null)
            {
                problems.Add($"{site.File}:{site.Line}: {site.Code} 不在 GB/T 22239 要求项目录中（./medguard catalog show 可查）");
            }
        }

        return problems;
    }

    /// <summary>Throws, naming every bad citation's file and line, unless all resolve.</summary>
    public static void Ensure(IEnumerable<StandardRefSite> sites, RequirementCatalog? catalog = null)
    {
        var problems = Problems(sites, catalog);
        if (problems.Count > 0)
        {
            throw new InvalidDataException("GB/T 22239 引用无法在目录中找到：" + Environment.NewLine + string.Join(Environment.NewLine, problems));
        }
    }
}
