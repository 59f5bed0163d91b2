using System.Reflection;
using System.Text.RegularExpressions;
using MedGuard.Detection.Logic.Profiles;
using MedGuard.Detection.Logic.Running;
using MedGuard.Detection.Logic.Yaml;
using MedGuard.Domain.Findings;

namespace MedGuard.Detection.Logic.Scenarios;

/// <summary>
/// Reads scenario and profile files and validates them at load — an unknown key, a bad JSON path or regex, a missing
/// oracle, an operation the profile does not define — each error naming file:line (docs/logic-scenarios.md).
/// </summary>
public static class ScenarioLoader
{
    private const string ResourcePrefix = "MedGuard.Logic.Scenarios.";
    private const string ProfilePrefix = "MedGuard.Logic.Profiles.";
    private static readonly string[] StepKeys =
        ["name", "as", "call", "flow", "request", "json", "form", "headers", "with", "extract", "append", "expect", "repeat", "forEach", "check", "vulnerableIf"];

    public static Scenario Load(string path) => ParseScenario(SafeYamlReader.Load(path));

    public static Scenario Parse(string text, string source) => ParseScenario(SafeYamlReader.Read(text, source));

    /// <summary>A scenario file, or every *.yaml of a directory (sorted by name).</summary>
    public static IReadOnlyList<Scenario> LoadPath(string path)
    {
        if (Directory.Exists(path))
        {
            var files = Directory.GetFiles(path, "*.yaml").Concat(Directory.GetFiles(path, "*.yml")).Order(StringComparer.Ordinal).ToList();
            return files.Count > 0 ? [.. files.Select(Load)] : throw new LogicFormatException($"目录 {path} 中没有 *.yaml 场景文件");
        }

        return [Load(path)];
    }

    // Parsed once per process: a worker runs the library for every logic task, and the scenarios are immutable records.
    private static readonly Lazy<IReadOnlyList<Scenario>> Bundled = new(() =>
    {
        var asm = typeof(ScenarioLoader).Assembly;
        return [.. asm.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal)
            .Select(n => Parse(Resource(asm, n), "Scenarios/Data/" + n[ResourcePrefix.Length..]))];
    });

    /// <summary>The scenarios shipped with the engine (Scenarios/Data/*.yaml).</summary>
    public static IReadOnlyList<Scenario> LoadBundled() => Bundled.Value;

    /// <summary>The bundled profile for the Spring Boot envelope style (Profiles/Data/spring-envelope.yaml).</summary>
    public static ServiceProfile LoadBundledProfile(string name = "spring-envelope")
    {
        var asm = typeof(ScenarioLoader).Assembly;
        var resource = ProfilePrefix + name + ".yaml";
        return asm.GetManifestResourceNames().Contains(resource)
            ? ParseProfile(Resource(asm, resource), "Profiles/Data/" + name + ".yaml")
            : throw new LogicFormatException($"没有名为 {name} 的内置服务绑定");
    }

    internal static string BundledText(string fileName) => Resource(typeof(ScenarioLoader).Assembly, ResourcePrefix + fileName);

    private static string Resource(Assembly asm, string name)
    {
        using var stream = asm.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public static ServiceProfile LoadProfile(string path) => ProfileFrom(SafeYamlReader.Load(path));

    public static ServiceProfile ParseProfile(string text, string source) => ProfileFrom(SafeYamlReader.Read(text, source));

    /// <summary>Operations and flows each scenario step names must exist in the profile: checked before anything is sent.</summary>
    public static void CheckAgainst(Scenario scenario, ServiceProfile profile)
    {
        foreach (var step in scenario.Setup.Concat(scenario.Probe).Concat(scenario.Proof).Concat(scenario.Cleanup))
        {
            if (step.Call is { } call && !profile.Operations.ContainsKey(call))
            {
                throw LogicFormatException.At(step.Source, step.Line, $"服务绑定 {profile.Source} 没有定义操作 '{call}'（已定义：{string.Join("、", profile.Operations.Keys)}）");
            }

            if (step.Flow is { } flow && !profile.Flows.ContainsKey(flow))
            {
                throw LogicFormatException.At(step.Source, step.Line, $"服务绑定 {profile.Source} 没有定义流程 '{flow}'（已定义：{string.Join("、", profile.Flows.Keys)}）");
            }
        }
    }

    private static Scenario ParseScenario(YamlNode root)
    {
        var map = (root as YamlMap ?? throw root.Error("场景文件应以 id: 等键开头（见 docs/logic-scenarios.md）"))
            .Allow("场景", "id", "title", "risk", "severity", "cwe", "owasp", "oat", "gbt22239", "description", "remediation", "identities", "budget", "measuresAntiAutomation", "setup", "probe", "proof", "cleanup");
        var id = map.RequiredText("id", "场景");
        if (!Regex.IsMatch(id, "^[a-z0-9][a-z0-9-]{1,63}$"))
        {
            throw map.Get("id")!.Error($"id '{id}' 只能由小写字母、数字和 - 组成");
        }

        var severityText = map.RequiredText("severity", "场景");
        if (!SeverityNames.TryParse(severityText, out var severity))
        {
            throw map.Get("severity")!.Error($"severity '{severityText}' 应为 高/中/低/信息");
        }

        var cwe = map.Texts("cwe").Select(c => c.StartsWith("CWE-", StringComparison.Ordinal) ? c : "CWE-" + c).ToList();
        if (cwe.Count == 0 || cwe.Any(c => !Regex.IsMatch(c, @"^CWE-\d{1,5}$")))
        {
            throw (map.Get("cwe") ?? map).Error("cwe 应为 CWE 编号（如 639 或 [639, 285]）");
        }

        var owasp = map.Text("owasp");
        if (owasp is not null && !Regex.IsMatch(owasp, @"^API(10|[1-9]):2023$"))
        {
            throw map.Get("owasp")!.Error($"owasp '{owasp}' 应写成 API1:2023 … API10:2023");
        }

        var oat = map.Text("oat");
        if (oat is not null && !Regex.IsMatch(oat, @"^OAT-0(0[1-9]|1\d|2[01])$"))
        {
            throw map.Get("oat")!.Error($"oat '{oat}' 应写成 OAT-001 … OAT-021");
        }

        var refs = map.Texts("gbt22239");
        if (refs.FirstOrDefault(r => !Regex.IsMatch(r, @"^L[1-4]-[A-Z]{3}\d-\d{2}$")) is { } bad)
        {
            throw map.Get("gbt22239")!.Error($"gbt22239 '{bad}' 应为 GB/T 28448 单元编号（如 L3-CES1-09）");
        }

        var budget = map.MapAt("budget")?.Allow("budget", "maxRequests", "maxRatePerSecond");
        var source = root.Source;
        var scenario = new Scenario
        {
            Id = id,
            Title = map.RequiredText("title", "场景"),
            Risk = map.RequiredText("risk", "场景"),
            Severity = severity,
            Cwe = cwe,
            Owasp = owasp,
            Oat = oat,
            StandardRefs = refs,
            Description = map.Text("description"),
            MeasuresAntiAutomation = (map.Get("measuresAntiAutomation") as YamlScalar)?.AsBool("measuresAntiAutomation") ?? false,
            Remediation = map.Text("remediation"),
            Identities = map.Texts("identities"),
            MaxRequests = (budget?.Get("maxRequests") as YamlScalar)?.AsInt("maxRequests", 1, 10_000)
                ?? throw map.Error("场景必须写明 budget.maxRequests（请求上限是硬性安全预算）"),
            MaxRatePerSecond = (budget?.Get("maxRatePerSecond") as YamlScalar)?.AsDouble("maxRatePerSecond"),
            Setup = Steps(map, "setup", probe: false),
            Probe = Steps(map, "probe", probe: true),
            Proof = Steps(map, "proof", probe: false),
            Cleanup = Steps(map, "cleanup", probe: false),
            Source = source,
            Line = root.Line,
        };
        if (scenario.Probe.Count == 0)
        {
            throw map.Error("场景至少需要一个 probe 步骤（发起攻击、由其响应判定）");
        }

        if (scenario.Proof.FirstOrDefault(p => p.Check is null && p.Flow is null) is { } unchecked_)
        {
            throw LogicFormatException.At(source, unchecked_.Line, "proof 步骤必须有 check（证明状态已改变的条件），或调用含 check 的流程");
        }

        foreach (var step in scenario.Setup.Concat(scenario.Probe).Concat(scenario.Proof).Concat(scenario.Cleanup))
        {
            if (step.As != "anonymous" && !scenario.Identities.Contains(step.As))
            {
                throw LogicFormatException.At(source, step.Line, $"as: {step.As} 不在 identities 列表（{string.Join("、", scenario.Identities)}）中");
            }
        }

        return scenario;
    }

    private static List<ScenarioStep> Steps(YamlMap map, string key, bool probe) =>
        [.. map.ListAt(key).Select(n => ParseStep(n, probe))];

    internal static ScenarioStep ParseStep(YamlNode node, bool probe, bool inFlow = false)
    {
        var m = (node as YamlMap ?? throw node.Error("步骤应为键值表（- as: A  call: book）")).Allow("步骤", StepKeys);
        var call = m.Text("call");
        var flow = m.Text("flow");
        var request = m.Get("request") is YamlScalar r ? RequestTemplate.Parse(r) : null;
        if ((call is null ? 0 : 1) + (flow is null ? 0 : 1) + (request is null ? 0 : 1) != 1)
        {
            throw m.Error("步骤应有且只有 call（操作）、flow（流程）或 request（原始请求）之一");
        }

        if (request is not null)
        {
            request = request with { Json = m.Get("json"), Form = m.Pairs("form"), Headers = m.Pairs("headers") };
        }
        else if (m.Get("json") is not null || m.Get("form") is not null || m.Get("headers") is not null)
        {
            throw m.Error("json、form、headers 只能与 request 一起写（操作的请求体由服务绑定定义，用 with 传变量）");
        }

        var expect = m.Text("expect") switch
        {
            null or "success" => StepExpectation.Success,
            "denied" => StepExpectation.Denied,
            "any" => StepExpectation.Any,
            var other => throw m.Get("expect")!.Error($"expect '{other}' 应为 success、denied 或 any"),
        };
        var conditions = m.Get("vulnerableIf") switch
        {
            null => [],
            YamlScalar { Value: "accepted" } s => [new Condition { Accepted = true, Line = s.Line }],
            YamlScalar s => throw s.Error("vulnerableIf 应为 accepted、一个条件表或条件列表（任一成立即为漏洞）"),
            YamlMap c => [ParseCondition(c)],
            YamlList l => l.Items.Select(i => ParseCondition(i as YamlMap ?? throw i.Error("vulnerableIf 的条目应为条件表"))).ToList(),
            _ => throw m.Error("vulnerableIf 格式错误"),
        };
        if (!probe && conditions.Count > 0)
        {
            throw m.Get("vulnerableIf")!.Error("vulnerableIf 只能写在 probe 步骤里");
        }

        return new ScenarioStep
        {
            Name = m.Text("name"),
            // A flow's steps run as whoever the scenario step that calls the flow names.
            As = m.Text("as") ?? (inFlow ? "*" : throw m.Error("步骤缺少 as（由哪个身份发送；不带凭据写 anonymous）")),
            Call = call,
            Flow = flow,
            Request = request,
            With = m.MapAt("with")?.Entries.Select(e => new KeyValuePair<string, YamlNode>(e.Key.Value, e.Value)).ToList() ?? [],
            Extract = Extractions(m, "extract"),
            Append = Extractions(m, "append"),
            Expect = expect,
            Repeat = (m.Get("repeat") as YamlScalar)?.AsInt("repeat", 1, 20) ?? 1,
            ForEach = m.Text("forEach"),
            Check = m.MapAt("check") is { } check ? ParseCondition(check) : null,
            VulnerableIf = conditions,
            Source = node.Source,
            Line = node.Line,
        };
    }

    internal static IReadOnlyList<Extraction> Extractions(YamlMap m, string key)
    {
        var list = new List<Extraction>();
        if (m.MapAt(key) is not { } map)
        {
            return list;
        }

        foreach (var (name, value) in map.Entries)
        {
            var expression = value is YamlScalar s ? s.Value : throw value.Error($"{key}.{name.Value} 应为 JSON 路径或 regex:…");
            var extraction = new Extraction(name.Value, expression);
            if (extraction.IsRegex)
            {
                CheckRegex(value, expression["regex:".Length..]);
            }
            else if (!JsonPath.IsValid(extraction.Path, out var error))
            {
                throw value.Error(error!);
            }

            list.Add(extraction);
        }

        return list;
    }

    private static Condition ParseCondition(YamlMap c)
    {
        c.Allow("条件", "accepted", "path", "var", "equals", "notEquals", "matches", "greaterThan", "exists", "bodyMatches", "header", "status");
        if (c.Text("path") is { } path && !JsonPath.IsValid(path, out var error))
        {
            throw c.Get("path")!.Error(error!);
        }

        foreach (var key in new[] { "matches", "bodyMatches" })
        {
            if (c.Text(key) is { } pattern)
            {
                CheckRegex(c.Get(key)!, pattern);
            }
        }

        string? headerName = null, headerPattern = null;
        if (c.MapAt("header") is { } header)
        {
            var pair = header.Entries.Count == 1 ? header.Entries[0] : throw header.Error("header 应写成 { 头名: 正则 }，一个");
            headerName = pair.Key.Value;
            headerPattern = (pair.Value as YamlScalar)?.Value ?? throw pair.Value.Error("header 的值应为正则");
            CheckRegex(pair.Value, headerPattern);
        }

        var condition = new Condition
        {
            Accepted = (c.Get("accepted") as YamlScalar)?.AsBool("accepted"),
            Path = c.Text("path"),
            Var = c.Text("var"),
            EqualTo = c.Text("equals"),
            NotEqualTo = c.Text("notEquals"),
            Matches = c.Text("matches"),
            GreaterThan = c.Text("greaterThan"),
            Exists = (c.Get("exists") as YamlScalar)?.AsBool("exists"),
            BodyMatches = c.Text("bodyMatches"),
            HeaderName = headerName,
            HeaderMatches = headerPattern,
            Status = c.Texts("status").Select(s => int.TryParse(s, out var n) && n is >= 100 and <= 599 ? n : throw c.Get("status")!.Error($"status '{s}' 不是 HTTP 状态码")).ToList(),
            Line = c.Line,
        };
        if (condition.Path is not null && condition.Var is not null)
        {
            throw c.Error("条件不能同时有 path 和 var");
        }

        if ((condition.EqualTo ?? condition.NotEqualTo ?? condition.Matches ?? condition.GreaterThan) is not null && condition.Path is null && condition.Var is null)
        {
            throw c.Error("equals、notEquals、matches、greaterThan 需要 path（响应中的位置）或 var（变量）");
        }

        return condition with { };
    }

    private static void CheckRegex(YamlNode at, string pattern)
    {
        try
        {
            _ = new Regex(pattern, RegexOptions.None, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException ex)
        {
            throw at.Error($"正则表达式无效：{ex.Message}");
        }
    }

    private static ServiceProfile ProfileFrom(YamlNode root)
    {
        var map = (root as YamlMap ?? throw root.Error("服务绑定文件应以 name: 等键开头（见 docs/logic-scenarios.md）"))
            .Allow("服务绑定", "name", "baseUrl", "envelope", "session", "login", "testDepartments", "vars", "operations", "flows");
        Uri? baseUrl = null;
        if (map.Text("baseUrl") is { } b && (!Uri.TryCreate(b, UriKind.Absolute, out baseUrl) || baseUrl.Scheme is not ("http" or "https")))
        {
            throw map.Get("baseUrl")!.Error($"baseUrl '{b}' 不是 http(s) 地址");
        }

        var env = map.MapAt("envelope")?.Allow("envelope", "code", "message", "success", "sessionExpired", "sessionExpiredText", "sessionExpiredStatus", "antiAutomation");
        var envelope = env is null ? new Envelope() : new Envelope
        {
            CodePath = env.Text("code"),
            MessagePath = env.Text("message"),
            Success = env.Texts("success") is { Count: > 0 } s ? s : ["0000"],
            SessionExpired = env.Texts("sessionExpired"),
            SessionExpiredText = env.Texts("sessionExpiredText"),
            AntiAutomation = env.Texts("antiAutomation"),
            SessionExpiredStatus = env.Get("sessionExpiredStatus") is null ? [401]
                : [.. env.Texts("sessionExpiredStatus").Select(t => int.TryParse(t, out var n) ? n : throw env.Get("sessionExpiredStatus")!.Error("应为 HTTP 状态码列表"))],
        };
        var session = map.MapAt("session")?.Allow("session", "header", "bearer");
        var operations = new Dictionary<string, Operation>(StringComparer.Ordinal);
        foreach (var (name, value) in (map.MapAt("operations") ?? throw map.Error("服务绑定缺少 operations")).Entries)
        {
            operations[name.Value] = ParseOperation(name.Value, value);
        }

        foreach (var op in operations.Values.Where(o => o.UndoCall is not null && !operations.ContainsKey(o.UndoCall)))
        {
            throw LogicFormatException.At(root.Source, op.Line, $"操作 {op.Name} 的 undo 指向未定义的操作 '{op.UndoCall}'");
        }

        Operation? login = null;
        string? tokenPath = null;
        if (map.MapAt("login") is { } l)
        {
            l.Allow("login", "request", "json", "form", "headers", "token");
            tokenPath = l.Text("token");
            if (tokenPath is not null && !JsonPath.IsValid(tokenPath, out var error))
            {
                throw l.Get("token")!.Error(error!);
            }

            login = new Operation
            {
                Name = "login",
                Request = RequestTemplate.Parse(l.Get("request") as YamlScalar ?? throw l.Error("login 缺少 request")) with
                {
                    Json = l.Get("json"),
                    Form = l.Pairs("form"),
                    Headers = l.Pairs("headers"),
                },
                Line = l.Line,
            };
        }

        var flows = new Dictionary<string, IReadOnlyList<ScenarioStep>>(StringComparer.Ordinal);
        if (map.MapAt("flows") is { } f)
        {
            foreach (var (name, value) in f.Entries)
            {
                var steps = (value as YamlList ?? throw value.Error($"流程 {name.Value} 应为步骤列表")).Items.Select(i => ParseStep(i, probe: false, inFlow: true)).ToList();
                if (steps.FirstOrDefault(s => s.Flow is not null) is { } nested)
                {
                    throw LogicFormatException.At(root.Source, nested.Line, "流程里不能再调用流程");
                }

                if (steps.FirstOrDefault(s => s.Call is { } c && !operations.ContainsKey(c)) is { } missing)
                {
                    throw LogicFormatException.At(root.Source, missing.Line, $"流程 {name.Value} 调用了未定义的操作 '{missing.Call}'");
                }

                flows[name.Value] = steps;
            }
        }

        if (map.Text("testDepartments") is { } td && !JsonPath.IsValid(td, out var tdError))
        {
            throw map.Get("testDepartments")!.Error(tdError!);
        }

        return new ServiceProfile
        {
            Name = map.RequiredText("name", "服务绑定"),
            BaseUrl = baseUrl,
            Envelope = envelope,
            TokenHeader = session?.Text("header") ?? "token",
            BearerScheme = (session?.Get("bearer") as YamlScalar)?.AsBool("bearer") ?? false,
            Login = login,
            LoginTokenPath = tokenPath,
            TestDepartments = map.Text("testDepartments"),
            Vars = map.MapAt("vars")?.Entries.Select(e => new KeyValuePair<string, YamlNode>(e.Key.Value, e.Value)).ToList() ?? [],
            Operations = operations,
            Flows = flows,
            Source = root.Source,
        };
    }

    private static Operation ParseOperation(string name, YamlNode node)
    {
        if (node is YamlScalar s)
        {
            return new Operation { Name = name, Request = RequestTemplate.Parse(s), Line = s.Line };
        }

        var m = (node as YamlMap ?? throw node.Error($"操作 {name} 应为 \"方法 /路径\" 或键值表")).Allow($"操作 {name} ", "request", "json", "form", "headers", "extract", "testDepartmentOnly", "undo");
        string? undoCall = null, undoKey = null;
        if (m.MapAt("undo") is { } undo)
        {
            undo.Allow("undo", "call", "key");
            undoCall = undo.RequiredText("call", "undo ");
            undoKey = undo.RequiredText("key", "undo ");
        }

        var extract = Extractions(m, "extract");
        if (undoKey is not null && extract.All(e => e.Variable != undoKey))
        {
            throw m.Get("undo")!.Error($"undo.key '{undoKey}' 必须是本操作 extract 提取的变量");
        }

        return new Operation
        {
            Name = name,
            Request = RequestTemplate.Parse(m.Get("request") as YamlScalar ?? throw m.Error($"操作 {name} 缺少 request")) with
            {
                Json = m.Get("json"),
                Form = m.Pairs("form"),
                Headers = m.Pairs("headers"),
            },
            Extract = extract,
            TestDepartmentOnly = (m.Get("testDepartmentOnly") as YamlScalar)?.AsBool("testDepartmentOnly") ?? false,
            UndoCall = undoCall,
            UndoKey = undoKey,
            Line = m.Line,
        };
    }
}
