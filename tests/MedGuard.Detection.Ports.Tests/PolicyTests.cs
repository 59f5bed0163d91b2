using MedGuard.Detection.Ports.Policy;
using MedGuard.Detection.Ports.Services;
using MedGuard.Domain.Findings;

namespace MedGuard.Detection.Ports.Tests;

public class PolicyTests
{
    public static TheoryData<string, int> Examples()
    {
        var data = new TheoryData<string, int>();
        foreach (var rule in HighRiskPortPolicy.Default.Rules)
        {
            for (var i = 0; i < rule.PositiveExamples.Count; i++)
            {
                data.Add(rule.Id, i);
            }

            for (var i = 0; i < rule.NegativeExamples.Count; i++)
            {
                data.Add(rule.Id, -1 - i);
            }
        }

        return data;
    }

    /// <summary>Every rule's own examples: positives must fire that rule, negatives must not.</summary>
    [Theory]
    [MemberData(nameof(Examples))]
    public void RuleExample(string ruleId, int example)
    {
        var rule = HighRiskPortPolicy.Default.Rules.Single(r => r.Id == ruleId);
        var observation = example >= 0 ? rule.PositiveExamples[example] : rule.NegativeExamples[-1 - example];
        Assert.Equal(example >= 0, rule.Matches(observation));
        var fired = HighRiskPortPolicy.Default.Evaluate(observation).Any(f => f.Locations.Contains($"policy:{ruleId}"));
        Assert.Equal(example >= 0, fired);
    }

    [Fact]
    public void EveryRuleHasRefsAndSeverity()
    {
        var policy = HighRiskPortPolicy.Default;
        Assert.True(policy.Rules.Count >= 15);
        Assert.All(policy.Rules, r =>
        {
            Assert.NotEmpty(r.StandardRefs);
            Assert.All(r.StandardRefs, code => Assert.True(StandardRefText.IsUnitCode(code), code));
            Assert.NotEqual(Severity.Info, r.Severity);
        });
        Assert.Contains("6.4.3.1", policy.Rules.Single(r => r.Id == "rdp_exposed").HighRiskCases);
    }

    [Fact]
    public void RdpFindingCarriesEvidenceAndStableFingerprint()
    {
        var service = new ServiceInfo { Name = "rdp", Product = "xrdp", Banner = "\\x03\\x00", Flags = ["rdp_no_nla"] };
        var o = PortObservation.From("10.200.1.2", 3389, service, DateTimeOffset.UtcNow);
        var findings = HighRiskPortPolicy.Default.Evaluate(o).ToList();
        var exposed = Assert.Single(findings, f => f.RuleId == "high_risk_port");
        Assert.Equal(Severity.High, exposed.Severity);
        Assert.Equal("10.200.1.2:3389", exposed.Target.Display);
        Assert.Equal("xrdp", exposed.Evidence["product"]);
        Assert.Single(findings, f => f.RuleId == "weak_remote_admin");
        var again = HighRiskPortPolicy.Default.Evaluate(o with { Details = service with { Banner = "changed" } }).First(f => f.RuleId == "high_risk_port");
        Assert.Equal(exposed.Fingerprint, again.Fingerprint);
    }

    [Fact]
    public void TlsFactsBecomeFlags()
    {
        var expired = new TlsSummary("TLSv1.3", "CN=a", "CN=a", DateTimeOffset.Parse("2020-01-01Z"), DateTimeOffset.Parse("2021-01-01Z"), true, false, null);
        var o = PortObservation.From("10.200.1.2", 8443, new ServiceInfo { Name = "https", Tls = expired }, DateTimeOffset.Parse("2026-01-01Z"));
        Assert.Contains("tls_expired", o.Flags);
        Assert.Contains("tls_self_signed", o.Flags);
        var valid = expired with { NotAfter = DateTimeOffset.Parse("2030-01-01Z"), SelfSigned = false, ChainTrusted = true };
        var ok = PortObservation.From("10.200.1.2", 443, new ServiceInfo { Name = "https", Tls = valid }, DateTimeOffset.Parse("2026-01-01Z"));
        Assert.Empty(ok.Flags);
        Assert.Empty(HighRiskPortPolicy.Default.Evaluate(ok));
    }

    private const string Rule = "{\"id\": \"x\", \"rule_id\": \"high_risk_port\", \"title\": \"t\", \"why\": \"w\", ";

    [Theory]
    [InlineData(Rule + "\"severity\": \"严重\", \"standardRefs\": [\"L3-CES1-18\"], \"examples\": {\"positive\": [{\"port\": 1}], \"negative\": [{\"port\": 2}]}}", "severity")]
    [InlineData(Rule + "\"severity\": \"高\", \"standardRefs\": [\"L3-CES1-18\"], \"examples\": {\"positive\": [{\"port\": 1}]}}", "反例")]
    [InlineData(Rule + "\"severity\": \"高\", \"examples\": {\"positive\": [{\"port\": 1}], \"negative\": [{\"port\": 2}]}}", "standardRefs")]
    [InlineData(Rule + "\"severity\": \"高\", \"wehn\": {\"ports\": [1]}, \"standardRefs\": [\"L3-CES1-18\"], \"examples\": {\"positive\": [{\"port\": 1}], \"negative\": [{\"port\": 2}]}}", "wehn")]
    [InlineData(Rule + "\"severity\": \"高\", \"standardRefs\": [\"8.1.4.4 b)\"], \"examples\": {\"positive\": [{\"port\": 1}], \"negative\": [{\"port\": 2}]}}", "不是 GB/T 28448 单元编号")]
    [InlineData(Rule + "\"severity\": \"高\", \"when\": {\"ports\": [70000]}, \"standardRefs\": [\"L3-CES1-18\"], \"examples\": {\"positive\": [{\"port\": 1}], \"negative\": [{\"port\": 2}]}}", "无效端口 70000")]
    [InlineData("{\"id\": \"x\", \"rule_id\": [oops", "p.json:3:")]
    public void BadPolicyDataIsRejectedWithAReason(string rule, string expected)
    {
        // One rule in an otherwise valid file, comments and all, as the shipped policy is written.
        var json = "// a policy under test\n{\"rules\": [\n" + rule + "\n]}";
        var ex = Assert.Throws<InvalidDataException>(() => HighRiskPortPolicy.Parse(json, "p.json"));
        Assert.Contains(expected, ex.Message);
    }
}
