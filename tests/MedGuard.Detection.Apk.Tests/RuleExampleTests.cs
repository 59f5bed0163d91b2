using MedGuard.Detection.Apk.Rules;
using MedGuard.Detection.Apk.Rules.Examples;

namespace MedGuard.Detection.Apk.Tests;

/// <summary>Every rule's own positive and negative examples, run through the real engine.</summary>
public class RuleExampleTests
{
    public static TheoryData<string, int> Positives()
    {
        var data = new TheoryData<string, int>();
        foreach (var rule in RuleCatalog.Default.Rules)
        {
            for (var i = 0; i < rule.Examples.Positive.Count; i++)
            {
                data.Add(rule.Id, i);
            }
        }

        return data;
    }

    public static TheoryData<string, int> Negatives()
    {
        var data = new TheoryData<string, int>();
        foreach (var rule in RuleCatalog.Default.Rules)
        {
            for (var i = 0; i < rule.Examples.Negative.Count; i++)
            {
                data.Add(rule.Id, i);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Positives))]
    public void Positive_example_fires(string ruleId, int index)
    {
        var rule = RuleCatalog.Default.Rules.Single(r => r.Id == ruleId);
        var example = rule.Examples.Positive[index];
        var finding = RuleExampleRunner.Run(RuleCatalog.Default, example).SingleOrDefault(f => f.RuleId == ruleId);
        Assert.True(finding is not null, $"{ruleId} 正例 {index} 未命中");
        Assert.Equal(example.Count, finding.Locations.Count);
        foreach (var location in example.Locations)
        {
            Assert.Contains(location, finding.Locations);
        }
    }

    [Theory]
    [MemberData(nameof(Negatives))]
    public void Negative_example_stays_silent(string ruleId, int index)
    {
        var rule = RuleCatalog.Default.Rules.Single(r => r.Id == ruleId);
        var findings = RuleExampleRunner.Run(RuleCatalog.Default, rule.Examples.Negative[index]);
        Assert.DoesNotContain(findings, f => f.RuleId == ruleId);
    }

    [Fact]
    public void Catalog_has_every_rule_the_issue_names_with_seed_titles()
    {
        string[] required =
        [
            "webview_hidden_interface", "webview_universal_file_access", "hostname_verifier_allow_all", "trustmanager_accept_all",
            "webview_file_access", "webview_ssl_error_proceed", "addjavascriptinterface", "weak_crypto", "allow_backup",
            "exported_activity", "exported_service", "exported_provider", "exported_receiver", "dynamic_receiver",
            "send_broadcast_leak", "intent_dos", "zip_path_traversal",
        ];
        var ids = RuleCatalog.Default.Rules.Select(r => r.Id).ToHashSet();
        Assert.Subset(ids, required.ToHashSet());
        // The seed's table has 15 rows; rules sharing a row share its Chinese name. Rows after 15 are this engine's
        // own (what the app talks to: cleartext endpoints, hard-coded keys).
        var seedRows = RuleCatalog.Default.Rules.Where(r => r.Order <= 15).ToList();
        Assert.Equal(15, seedRows.Select(r => (r.Order, r.Title)).Distinct().Count());
        Assert.Equal(15, seedRows.Select(r => r.Order).Distinct().Count());
        Assert.Equal(
            RuleCatalog.Default.Rules.Select(r => r.Order).Distinct().Count(),
            RuleCatalog.Default.Rules.Select(r => (r.Order, r.Title)).Distinct().Count());
        Assert.Contains(RuleCatalog.Default.Rules, r => r.Title == "Activity组件暴露风险" && r.Id == "exported_activity");
    }

    [Fact]
    public void Addjavascriptinterface_is_high_below_api_17_and_medium_above()
    {
        var rule = RuleCatalog.Default.Rules.Single(r => r.Id == "addjavascriptinterface");
        Assert.Equal(Domain.Findings.Severity.High, rule.SeverityFor(15));
        Assert.Equal(Domain.Findings.Severity.Medium, rule.SeverityFor(17));
    }

    [Fact]
    public void A_broken_rule_file_is_refused_with_file_and_line()
    {
        var ex = Assert.Throws<ApkFormatException>(() => RuleCatalog.Load([("rule_bad.yaml", "id: bad\ntitle: x\norder: [1\n")]));
        Assert.Contains("rule_bad.yaml", ex.Message);
        Assert.Contains("行", ex.Message);
        var missing = Assert.Throws<ApkFormatException>(() => RuleCatalog.Load([("rule_bad.yaml", "id: bad\ntitle: x\nseverity: 高\ncwe: CWE-1\nstandardRefs: [a]\nremediation: r\ndetector: code\n")]));
        Assert.Contains("正例", missing.Message);
    }

    [Fact]
    public void A_clause_number_instead_of_a_unit_code_is_refused_with_its_line()
    {
        var assembly = typeof(RuleCatalog).Assembly;
        using var stream = assembly.GetManifestResourceStream("MedGuard.Detection.Apk.Rules.Data.rule_weak_crypto.yaml")!;
        using var reader = new StreamReader(stream);
        var text = reader.ReadToEnd();
        var line = text.Split('\n').ToList().FindIndex(l => l.StartsWith("standardRefs:", StringComparison.Ordinal)) + 1;
        Assert.True(line > 0);
        var ex = Assert.Throws<ApkFormatException>(() => RuleCatalog.Load([("rule_weak_crypto.yaml", text.Replace("\"L3-CES1-27\"", "\"8.1.4.8 a)\"", StringComparison.Ordinal))]));
        Assert.Contains($"rule_weak_crypto.yaml 第 {line} 行", ex.Message);
        Assert.Contains("8.1.4.8 a)", ex.Message);
    }
}
