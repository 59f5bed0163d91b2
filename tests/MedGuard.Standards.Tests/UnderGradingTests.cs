using MedGuard.Domain.Institutions;
using MedGuard.Domain.Systems;
using MedGuard.Standards.Grading;
using MedGuard.Standards.Yaml;

namespace MedGuard.Standards.Tests;

/// <summary>定级偏低 rules (report section 二): every rule's own examples, and the engine's verdicts.</summary>
public class UnderGradingTests
{
    public static TheoryData<string, int> Examples()
    {
        var data = new TheoryData<string, int>();
        foreach (var rule in UnderGrading.Rules)
        {
            for (var i = 0; i < rule.Examples.Count; i++)
            {
                data.Add(rule.Id, i);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void EachRuleMatchesItsPositiveExamplesOnly(string ruleId, int index)
    {
        var rule = UnderGrading.Rules.Single(r => r.Id == ruleId);
        var example = rule.Examples[index];
        Assert.True(example.Matches == rule.Matches(example.Input), $"{ruleId} 示例（第 {example.Line} 行）应{(example.Matches ? "" : "不")}适用");
    }

    [Fact]
    public void EveryRuleNamesItsSourceAndConfidence()
    {
        Assert.True(UnderGrading.Rules.Count >= 5);
        Assert.All(UnderGrading.Rules, r =>
        {
            Assert.False(string.IsNullOrWhiteSpace(r.Source));
            Assert.Contains(r.Confidence, new[] { "verified", "secondary", "unsure" });
            Assert.Contains(r.Examples, e => e.Matches);
            Assert.Contains(r.Examples, e => !e.Matches);
        });
    }

    [Fact]
    public void OrdinaryTertiaryHisWithMillionRecordsGradedLevel2IsTooLow()
    {
        var verdict = UnderGrading.Evaluate(new UnderGradingInput { Business = BusinessKind.His, Tier = HospitalTier.Tertiary, PersonalDataRecords = 3_000_000 });
        Assert.Equal(ProtectionLevel.Level3, verdict.Suggested);
        Assert.Contains(verdict.Rules, r => r.Id == "million-records-core");
        Assert.True(verdict.IsUnderGraded(ProtectionLevel.Level2));
        Assert.False(verdict.IsUnderGraded(ProtectionLevel.Level3));
        Assert.False(verdict.IsUnderGraded(null)); // ungraded: 定级率 counts it, not 定级偏低
    }

    [Fact]
    public void SmallSecondaryHisNeedsLevel2Only()
    {
        var verdict = UnderGrading.Evaluate(new UnderGradingInput { Business = BusinessKind.His, Tier = HospitalTier.Secondary, PersonalDataRecords = 200_000 });
        Assert.Equal(ProtectionLevel.Level2, verdict.Suggested);
        Assert.True(verdict.IsUnderGraded(ProtectionLevel.Level1));
        Assert.False(verdict.IsUnderGraded(ProtectionLevel.Level2));
        Assert.Null(UnderGrading.Evaluate(new UnderGradingInput { Business = BusinessKind.Other, Tier = HospitalTier.Primary }).Suggested);
    }

    [Theory]
    [InlineData("rules:\n  - id: x\n    name: x\n    suggests: 3\n    when: { business: [Hiss] }\n    source: s\n    confidence: unsure\n    examples: [{ business: His, tier: TertiaryA, expect: match }, { business: Other, tier: TertiaryA, expect: no-match }]\n", "Hiss")]
    [InlineData("rules:\n  - id: x\n    name: x\n    suggests: 3\n    when: { business: [His] }\n    source: s\n    confidence: unsure\n    examples: [{ business: His, tier: TertiaryA, expect: match }]\n", "反例")]
    [InlineData("rules:\n  - id: x\n    name: x\n    suggests: 3\n    when: { business: [His] }\n    source: s\n    confidence: sure\n    examples: [{ business: His, tier: TertiaryA, expect: match }, { business: Other, tier: TertiaryA, expect: no-match }]\n", "confidence")]
    public void BadRuleFilesAreRefusedWithTheReason(string yaml, string reason)
    {
        var error = Assert.Throws<DataFileException>(() => UnderGrading.Parse(yaml, "test.yaml"));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }
}
