using System.Text.Json.Nodes;
using MedGuard.Detection.Logic.Profiles;
using MedGuard.Detection.Logic.Running;
using MedGuard.Detection.Logic.Scenarios;
using MedGuard.Detection.Logic.Yaml;

namespace MedGuard.Detection.Logic.Tests;

/// <summary>Scenario, profile and identities files are validated at load, with file:line in Chinese (issue 15 §1).</summary>
public sealed class FormatTests
{
    private const string Minimal =
        """
        id: demo
        title: 演示
        risk: 越权访问
        severity: 高
        cwe: 639
        identities: [A]
        budget: { maxRequests: 3 }
        probe:
          - { as: A, call: orderDetail }
        """;

    [Fact]
    public void Every_bundled_scenario_loads_with_metadata_and_fits_the_bundled_profile()
    {
        Assert.True(TwinRun.Library.Count >= 16);
        foreach (var s in TwinRun.Library)
        {
            ScenarioLoader.CheckAgainst(s, TwinRun.Profile);
            Assert.NotEmpty(s.Cwe);
            Assert.NotNull(s.Owasp);
            Assert.NotEmpty(s.StandardRefs);
            Assert.False(string.IsNullOrWhiteSpace(s.Remediation));
        }

        // The report's three kinds are all there.
        Assert.Contains(TwinRun.Library, s => s.Id.StartsWith("bola-cancel", StringComparison.Ordinal));
        Assert.Contains(TwinRun.Library, s => s.Risk == "放号窗口");
        Assert.Contains(TwinRun.Library, s => s.Risk == "黄牛抢号");
        Assert.Contains(TwinRun.Library, s => s.Risk == "信息泄露");
        var cwes = TwinRun.Library.SelectMany(s => s.Cwe).ToHashSet();
        Assert.Superset(new HashSet<string> { "CWE-639", "CWE-285", "CWE-841", "CWE-602", "CWE-799", "CWE-837" }, cwes);
    }

    [Theory]
    [InlineData("severity: 高", "severity: 很高", "demo.yaml:4: severity '很高'")]
    [InlineData("budget: { maxRequests: 3 }", "budget: { maxRequest: 3 }", "demo.yaml:7: budget中有未知的键 'maxRequest'")]
    [InlineData("budget: { maxRequests: 3 }", "", "请求上限是硬性安全预算")]
    [InlineData("  - { as: A, call: orderDetail }", "  - { as: B, call: orderDetail }", "demo.yaml:9: as: B 不在 identities")]
    [InlineData("  - { as: A, call: orderDetail }", "  - { as: A, call: orderDetail, extract: { x: \"data[?a]\" } }", "demo.yaml:9: JSON 路径")]
    [InlineData("  - { as: A, call: orderDetail }", "  - { as: A, call: orderDetail, vulnerableIf: { bodyMatches: \"(\" } }", "正则表达式无效")]
    [InlineData("  - { as: A, call: orderDetail }", "  - { as: A, request: GET http://127.0.0.1:9/ }", "demo.yaml:9: request 应写成")]
    [InlineData("  - { as: A, call: orderDetail }", "  - { as: A, request: GET //evil/x }", "不能以 // 开头")]
    [InlineData("cwe: 639", "cwe: 639\nowasp: API11:2023", "demo.yaml:6: owasp")]
    [InlineData("probe:", "probe: [\nsetup:", "demo.yaml:")]
    public void A_bad_scenario_names_file_line_and_what_is_wrong(string find, string replace, string expected)
    {
        var ex = Assert.Throws<LogicFormatException>(() => ScenarioLoader.Parse(Minimal.Replace(find, replace, StringComparison.Ordinal), "demo.yaml"));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_operation_the_profile_lacks_is_refused_before_anything_is_sent()
    {
        var s = ScenarioLoader.Parse(Minimal.Replace("orderDetail", "refundOrder", StringComparison.Ordinal), "demo.yaml");
        var ex = Assert.Throws<LogicFormatException>(() => ScenarioLoader.CheckAgainst(s, TwinRun.Profile));
        Assert.StartsWith("demo.yaml:9:", ex.Message, StringComparison.Ordinal);
        Assert.Contains("refundOrder", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Anchors_and_aliases_are_refused_so_an_alias_bomb_cannot_expand()
    {
        var bomb = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n";
        var ex = Assert.Throws<LogicFormatException>(() => ScenarioLoader.Parse(bomb, "bomb.yaml"));
        Assert.StartsWith("bomb.yaml:1:", ex.Message, StringComparison.Ordinal);
        Assert.Contains("锚点", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Deep_nesting_and_oversized_files_are_refused()
    {
        var deep = new string('[', 200) + new string(']', 200);
        Assert.Contains("嵌套", Assert.Throws<LogicFormatException>(() => ScenarioLoader.Parse(deep, "deep.yaml")).Message, StringComparison.Ordinal);
        var huge = "id: x\n#" + new string('x', SafeYamlReader.MaxChars);
        Assert.Contains("过大", Assert.Throws<LogicFormatException>(() => ScenarioLoader.Parse(huge, "huge.yaml")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_profile_names_file_and_line()
    {
        var ex = Assert.Throws<LogicFormatException>(() => ScenarioLoader.ParseProfile(
            "name: x\noperations:\n  book:\n    request: POST /a\n    undo: { call: cancel, key: orderId }\n", "p.yaml"));
        Assert.StartsWith("p.yaml:", ex.Message, StringComparison.Ordinal);
        Assert.Contains("undo.key", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_identity_without_credentials_is_refused()
    {
        var ex = Assert.Throws<LogicFormatException>(() => IdentitySet.Parse("identities:\n  A: { headers: {} }\n", "ids.yaml"));
        Assert.StartsWith("ids.yaml:2:", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("data[?isTestDept==true].deptId", "199")]
    [InlineData("data[-1].deptId", "199")]
    [InlineData("data[*].deptId|max", "199")]
    [InlineData("data[*].deptId|count", "3")]
    [InlineData("data[?deptId>100 && isTestDept==false].deptName", "内科")]
    [InlineData("$.code", "0000")]
    public void Json_path_picks_what_scenarios_need(string path, string expected)
    {
        var json = JsonNode.Parse("""{"code":"0000","data":[{"deptId":101,"deptName":"内科","isTestDept":false},{"deptId":102,"deptName":"外科","isTestDept":false},{"deptId":199,"deptName":"测试科室","isTestDept":true}]}""");
        Assert.Equal(expected, JsonPath.Text(JsonPath.First(json, path)));
    }

    [Fact]
    public void Variables_keep_json_types_drop_null_fields_and_offset_ids()
    {
        var vars = new Variables { Today = new DateOnly(2026, 12, 7) };
        vars["orderId"] = JsonValue.Create(100004);
        var body = ScenarioLoader.ParseProfile(
            "name: x\noperations:\n  op:\n    request: POST /a\n    json: { orderId: \"{{orderId-1}}\", ticket: \"{{captchaTicket}}\", day: \"{{$today+7}}\", fee: 0.01 }\n", "p.yaml")
            .Operations["op"].Request.Json!;
        Assert.True(vars.TryRenderJson(body, out var json));
        Assert.Equal("""{"orderId":100003,"day":"2026-12-14","fee":0.01}""", json!.ToJsonString());
        Assert.Throws<UndefinedVariableException>(() => vars.Render("/a?x={{missing}}"));
        Assert.True(MedGuard.Domain.PersonalData.ResidentIdNumber.IsValid(Variables.SyntheticIdCard(3)));
    }
}

/// <summary>Every GB/T 22239 item a bundled scenario cites exists in the requirement catalog.</summary>
public sealed class StandardRefTests
{
    [Fact]
    public void Every_cited_item_resolves_in_the_catalog()
    {
        var sites = TwinRun.Library.SelectMany(s => s.StandardRefs.Select(r => new MedGuard.Domain.Findings.StandardRefSite(s.Source, s.Line, r))).ToList();
        Assert.NotEmpty(sites);
        Assert.Empty(MedGuard.Standards.Catalog.StandardRefIntegrity.Problems(sites));
    }
}
