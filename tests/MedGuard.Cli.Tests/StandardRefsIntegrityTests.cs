using System.Reflection;
using System.Text.RegularExpressions;
using MedGuard.Standards.Catalog;

namespace MedGuard.Cli.Tests;

/// <summary>
/// Detection rules name the GB/T 22239 items they bear on. Those references must exist in the catalog and, where a rule
/// cites both the clause and the unit code, the two must be the same item — unit codes are not plain ordinals
/// (GB/T 28448 skips L3-CES1-16), so a hand-derived code is easily off by one.
/// </summary>
public partial class StandardRefsIntegrityTests
{
    public static TheoryData<string> DetectionAssemblies => new()
    {
        "MedGuard.Detection.Web",
        "MedGuard.Detection.Apk",
        "MedGuard.Detection.Ports",
    };

    [Theory]
    [MemberData(nameof(DetectionAssemblies))]
    public void EveryReferencedItemExistsAndMatchesItsClause(string assemblyName)
    {
        var assembly = Assembly.Load(assemblyName);
        var catalog = CatalogLoader.Default;
        var problems = new List<string>();
        var checkedRefs = 0;
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            var lineNumber = 0;
            while (reader.ReadLine() is { } line)
            {
                lineNumber++;
                var codes = UnitCode().Matches(line).Select(m => m.Value).ToList();
                foreach (var code in codes)
                {
                    checkedRefs++;
                    if (catalog.Find(code) is null)
                    {
                        problems.Add($"{resource}:{lineNumber}: {code} 不在目录中");
                    }
                }

                var citations = Citation().Matches(line).Select(m => m.Value).ToList();
                if (codes.Count == 1 && citations.Count == 1 && catalog.Find(codes[0]) is { } item && item.Citation != citations[0])
                {
                    problems.Add($"{resource}:{lineNumber}: {codes[0]} 是 {item.Citation}，而规则写的是 {citations[0]}");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
        Assert.True(checkedRefs > 0 || assemblyName != "MedGuard.Detection.Web", "the web templates should reference catalog items");
    }

    [GeneratedRegex(@"\bL[1-4]-(PES|CNS|ABS|CES|SMC|PSS|ORS|HRS|CMS|MMS)[1-6]-\d{2}\b")]
    private static partial Regex UnitCode();

    [GeneratedRegex(@"\b[6-9]\.[1-5]\.\d{1,2}\.\d{1,2} [a-z]\)")]
    private static partial Regex Citation();
}
