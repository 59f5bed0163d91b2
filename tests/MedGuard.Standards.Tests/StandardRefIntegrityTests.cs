using MedGuard.Detection.Apk.Rules;
using MedGuard.Detection.Ports.Policy;
using MedGuard.Detection.Web.Scanning;
using MedGuard.Domain.Findings;
using MedGuard.Standards.Catalog;

namespace MedGuard.Standards.Tests;

/// <summary>
/// Every detector's rule data cites GB/T 22239 as GB/T 28448 unit codes (standardRefs), and every code exists in the
/// catalog (moved here from the CLI tests: this library owns the mapping).
/// </summary>
public sealed class StandardRefIntegrityTests
{
    public static TheoryData<string> Engines => ["ports", "web", "apk"];

    private static IReadOnlyList<StandardRefSite> SitesOf(string engine) => engine switch
    {
        "ports" => [.. HighRiskPortPolicy.StandardRefs()],
        "web" => [.. WebScanner.StandardRefs()],
        "apk" => [.. RuleCatalog.StandardRefs()],
        _ => throw new ArgumentOutOfRangeException(nameof(engine)),
    };

    [Theory]
    [MemberData(nameof(Engines))]
    public void EveryCitedUnitCodeExistsInTheCatalog(string engine)
    {
        var sites = SitesOf(engine);
        Assert.True(sites.Count >= 10, $"{engine}: only {sites.Count} citations found — the scan of its data missed them");
        var problems = StandardRefIntegrity.Problems(sites);
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void TheCitationsAreWhatTheEngineLoads(string engine)
    {
        // The line scan must see exactly the codes the engine's loader puts on its findings.
        IEnumerable<string> loaded = engine switch
        {
            "ports" => HighRiskPortPolicy.Default.Rules.SelectMany(r => r.StandardRefs),
            "apk" => RuleCatalog.Default.Rules.SelectMany(r => r.StandardRefs),
            _ => MedGuard.Detection.Web.Templates.TemplateLoader.LoadBundled().SelectMany(t => t.StandardRefs)
                .Concat(FindingRefs.InputValidation.StandardRefs).Concat(FindingRefs.PersonalData.StandardRefs).Concat(FindingRefs.Transport.StandardRefs)
                .Concat(FindingRefs.KnownVulnerabilities.StandardRefs),
        };
        Assert.Equal(loaded.Order(StringComparer.Ordinal), SitesOf(engine).Select(s => s.Code).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void AnUnknownUnitCodeFailsNamingFileAndLine()
    {
        // L3-CES1-16 has the shape of a unit code but GB/T 28448 skips it.
        var rule = "id: demo\ntitle: 演示\nseverity: 中\nstandardRefs: [\"L3-CES1-17\", \"L3-CES1-16\"]\nremediation: 修复\n";
        var ex = Assert.Throws<InvalidDataException>(() => StandardRefIntegrity.Ensure(StandardRefText.Scan("rules/demo.yaml", rule)));
        Assert.Contains("rules/demo.yaml:4: L3-CES1-16", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("L3-CES1-17", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AClauseNumberOrABlockListEntryIsNamedByItsLine()
    {
        var json = "{\n  \"rules\": [{\n    \"standardRefs\": [\"L3-CES1-18\",\n                     \"8.1.4.4 b)\"]\n  }]\n}";
        var problems = StandardRefIntegrity.Problems(StandardRefText.Scan("policy.json", json));
        Assert.Equal(["policy.json:4: '8.1.4.4 b)' 不是 GB/T 28448 单元编号（应写成 L3-CES1-18）"], problems);

        var yaml = "standardRefs:\n  - L3-CES1-20   # 入侵防范\n  - L3-XYZ1-01\ntitle: x\n";
        var sites = StandardRefText.Scan("t.yaml", yaml).ToList();
        Assert.Equal([2, 3], sites.Select(s => s.Line));
        Assert.Single(StandardRefIntegrity.Problems(sites), p => p.StartsWith("t.yaml:3:", StringComparison.Ordinal));
    }
}
