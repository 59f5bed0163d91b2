using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MedGuard.Detection.Logic.Yaml;

namespace MedGuard.Detection.Logic.Recording;

/// <summary>What <see cref="HarImporter"/> made of a recording: a profile and a scenario (YAML text) for review.</summary>
public sealed record HarImport(string ProfileYaml, string ScenarioYaml, IReadOnlyList<string> Notes);

/// <summary>
/// Turns a HAR of one identity's normal booking (recorded in a browser by the hospital's tester) into a service
/// profile and a swapped-identity scenario: API calls become operations, values a later request reuses from an
/// earlier response become variables with their JSON path (chains), the login that produced the session token becomes
/// the login recipe, parameters that look like object ids, dates and prices are marked in comments for the attack
/// steps, and the first state-changing call on an object the identity created (cancel) — or else the first read of
/// one (detail) — is replayed as identity B. The user reviews both files before running them (docs/logic-scenarios.md).
/// </summary>
public static partial class HarImporter
{
    public const long MaxHarBytes = 50L * 1024 * 1024;
    public const int MaxEntries = 5000;
    public const int MaxBodyChars = 256 * 1024;

    public static HarImport Import(string harPath)
    {
        if (!File.Exists(harPath))
        {
            throw new LogicFormatException($"找不到 HAR 文件：{harPath}");
        }

        if (new FileInfo(harPath).Length > MaxHarBytes)
        {
            throw new LogicFormatException($"{harPath}:1: HAR 文件过大（上限 50 MiB）；请只录制一次正常预约");
        }

        return Parse(File.ReadAllText(harPath), harPath);
    }

    public static HarImport Parse(string har, string source)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(har, documentOptions: new JsonDocumentOptions { MaxDepth = 64, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            throw LogicFormatException.At(source, (int)(ex.LineNumber ?? 0) + 1, $"HAR 不是有效的 JSON：{ex.Message.Split(" Path:")[0]}");
        }

        if (root?["log"]?["entries"] is not JsonArray entries)
        {
            throw LogicFormatException.At(source, 1, "不是 HAR 文件：缺少 log.entries");
        }

        if (entries.Count > MaxEntries)
        {
            throw LogicFormatException.At(source, 1, $"HAR 有 {entries.Count} 条记录，超过上限 {MaxEntries}；请只录制一次正常预约");
        }

        var calls = ApiCalls(entries, source);
        if (calls.Count == 0)
        {
            throw LogicFormatException.At(source, 1, "HAR 中没有 JSON 接口调用（只录到了页面和静态资源？）");
        }

        return new Builder(calls).Build(source);
    }

    private static List<HarEntry> ApiCalls(JsonArray entries, string source)
    {
        var calls = new List<HarEntry>();
        Uri? origin = null;
        for (var i = 0; i < entries.Count; i++)
        {
            var e = entries[i];
            var request = e?["request"];
            if (request?["method"]?.GetValue<string>() is not { } method || request["url"]?.GetValue<string>() is not { } url
                || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                throw LogicFormatException.At(source, 1, $"HAR 第 {i + 1} 条记录缺少 request.method 或 request.url");
            }

            var responseType = e!["response"]?["content"]?["mimeType"]?.GetValue<string>() ?? "";
            var responseText = e["response"]?["content"]?["text"]?.GetValue<string>();
            if (!responseType.Contains("json", StringComparison.OrdinalIgnoreCase) || responseText is null || responseText.Length > MaxBodyChars)
            {
                continue;
            }

            if (e["response"]?["content"]?["encoding"]?.GetValue<string>() == "base64")
            {
                responseText = Encoding.UTF8.GetString(Convert.FromBase64String(responseText));
            }

            origin ??= new Uri(uri.GetLeftPart(UriPartial.Authority));
            if (uri.GetLeftPart(UriPartial.Authority) != origin.ToString().TrimEnd('/'))
            {
                continue; // a third party the page called (analytics, maps): never replayed
            }

            var body = request["postData"]?["text"]?.GetValue<string>();
            var bodyType = request["postData"]?["mimeType"]?.GetValue<string>();
            JsonObject? jsonBody = null;
            if (body is { Length: > 0 and <= MaxBodyChars } && (bodyType ?? "").Contains("json", StringComparison.OrdinalIgnoreCase))
            {
                jsonBody = TryParse(body) as JsonObject;
            }

            var headers = (request["headers"] as JsonArray ?? [])
                .Select(h => new KeyValuePair<string, string>(h?["name"]?.GetValue<string>() ?? "", h?["value"]?.GetValue<string>() ?? ""))
                .ToList();
            calls.Add(new HarEntry(calls.Count, method.ToUpperInvariant(), uri, headers, body, bodyType, e["response"]?["status"]?.GetValue<int>() ?? 0, TryParse(responseText))
            {
                JsonBody = jsonBody,
            });
        }

        return calls;
    }

    private static JsonNode? TryParse(string text)
    {
        try
        {
            return JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException)
        {
            return null;
        }
    }

    internal static bool LooksLikeId(string name) => IdName().IsMatch(name);

    internal static bool LooksLikeDate(string value) => DateValue().IsMatch(value);

    internal static bool LooksLikePrice(string name) => PriceName().IsMatch(name);

    [GeneratedRegex(@"(?i)(id|no|num|code)$|^id$")]
    private static partial Regex IdName();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}")]
    private static partial Regex DateValue();

    [GeneratedRegex(@"(?i)(fee|amount|price|money|cost|total)")]
    private static partial Regex PriceName();

    [GeneratedRegex(@"(?i)(cancel|unbind|delete|remove|refund|revoke)")]
    internal static partial Regex UndoPath();

    [GeneratedRegex(@"[^A-Za-z0-9]+")]
    internal static partial Regex NonWord();

    private sealed class Builder(List<HarEntry> calls)
    {
        private readonly List<string> _notes = [];
        private readonly Dictionary<string, string> _opNames = new(StringComparer.Ordinal);

        // A value a later request reuses: which call's response holds it, where, and the variable's name.
        private sealed record Origin(int Call, string Path, string Variable);

        public HarImport Build(string source)
        {
            var (login, tokenHeader, tokenPath) = FindLogin();
            var origins = new Dictionary<string, Origin>(StringComparer.Ordinal);
            var produced = new Dictionary<int, List<(string Variable, string Path)>>();
            var consumed = new Dictionary<int, List<(string Field, string Value, string Variable, string Mark)>>();
            foreach (var call in calls.Where(c => c != login))
            {
                var uses = new List<(string, string, string, string)>();
                foreach (var (field, value) in Parameters(call))
                {
                    var mark = LooksLikeId(field) ? "对象 id（越权测试）" : LooksLikeDate(value) ? "日期（放号窗口测试）" : LooksLikePrice(field) ? "金额（金额篡改测试）" : "";
                    if (value.Length == 0 || (!LooksLikeId(field) && mark.Length == 0 && value.Length < 3))
                    {
                        continue;
                    }

                    var key = field + "\n" + value;
                    if (!origins.TryGetValue(key, out var origin))
                    {
                        origin = FindOrigin(call.Index, field, value, origins.Values.Select(o => o.Variable).ToHashSet());
                        if (origin is null)
                        {
                            if (mark.Length > 0)
                            {
                                uses.Add((field, value, "", mark));
                            }

                            continue;
                        }

                        origins[key] = origin;
                        produced.TryAdd(origin.Call, []);
                        produced[origin.Call].Add((origin.Variable, origin.Path));
                    }

                    uses.Add((field, value, origin.Variable, mark));
                }

                consumed[call.Index] = uses;
            }

            // The probe: the first state-changing call on an object this identity's own earlier call created, else the
            // first read of one; replayed as B with A's id.
            var ownObjects = calls.Where(c => c != login && c.Method == "POST").SelectMany(c => produced.GetValueOrDefault(c.Index) ?? []).Select(p => p.Variable).ToHashSet();
            var candidates = calls.Where(c => c != login && consumed.GetValueOrDefault(c.Index) is { } u && u.Any(x => ownObjects.Contains(x.Variable) && LooksLikeId(x.Field))).ToList();
            // An undo-like call (cancel, unbind) first: it changes another's object and is undone by nothing we must
            // redo; then any other write (pay), then a read (detail).
            var probe = candidates.FirstOrDefault(c => c.Method != "GET" && UndoPath().IsMatch(c.Path))
                ?? candidates.FirstOrDefault(c => c.Method != "GET") ?? candidates.FirstOrDefault()
                ?? throw LogicFormatException.At(source, 1, "录制中没有找到“先创建对象、再按其 id 操作”的调用链（如预约后取消），无法生成越权场景");

            foreach (var c in calls)
            {
                _opNames[c.Path + c.Method] = OpName(c);
            }

            var profile = ProfileYaml(login, tokenHeader, tokenPath, produced, consumed, probe);
            var scenario = ScenarioYaml(source, login, produced, consumed, probe);
            return new HarImport(profile, scenario, _notes);
        }

        private (HarEntry? Login, string Header, string? TokenPath) FindLogin()
        {
            foreach (var call in calls)
            {
                if (call.Response is null)
                {
                    continue;
                }

                foreach (var (path, value) in Leaves(call.Response, "").Where(l => l.Value.Length >= 16))
                {
                    foreach (var later in calls.Where(c => c.Index > call.Index))
                    {
                        if (later.Headers.FirstOrDefault(h => h.Value == value || h.Value == "Bearer " + value) is { Key.Length: > 0 } header)
                        {
                            return (call, header.Key, path);
                        }
                    }
                }
            }

            _notes.Add("未在录制中找到发放会话令牌的登录调用：请在服务绑定中补写 login，或在身份文件中给出 headers");
            return (null, "token", null);
        }

        private static IEnumerable<(string Field, string Value)> Parameters(HarEntry call)
        {
            foreach (var (k, v) in call.Query)
            {
                yield return (k, v);
            }

            if (call.JsonBody is { } body)
            {
                foreach (var (k, v) in body)
                {
                    if (v is JsonValue)
                    {
                        yield return (k, Running.JsonPath.Text(v));
                    }
                }
            }
        }

        private Origin? FindOrigin(int before, string field, string value, HashSet<string> taken)
        {
            // The first response that held the value is where it came from (the booking, not the order list after it).
            for (var i = 0; i < before; i++)
            {
                if (calls[i].Response is not { } response)
                {
                    continue;
                }

                // Prefer a leaf with the same field name (data.orderId for orderId), else any leaf holding the value.
                var leaves = Leaves(response, "").Where(l => l.Value == value).ToList();
                var match = leaves.FirstOrDefault(l => l.Path.EndsWith("." + field, StringComparison.Ordinal) || l.Path == field);
                if (match.Path is null && leaves.Count > 0 && (LooksLikeId(field) || value.Length >= 4))
                {
                    match = leaves[0];
                }

                if (match.Path is not null)
                {
                    var name = NonWord().Replace(field, "_");
                    var variable = name;
                    for (var n = 2; taken.Contains(variable); n++)
                    {
                        variable = name + n.ToString(CultureInfo.InvariantCulture);
                    }

                    return new Origin(i, match.Path, variable);
                }
            }

            return null;
        }

        private static IEnumerable<(string Path, string Value)> Leaves(JsonNode node, string prefix)
        {
            switch (node)
            {
                case JsonObject o:
                    foreach (var (k, v) in o)
                    {
                        if (v is not null)
                        {
                            foreach (var leaf in Leaves(v, prefix.Length == 0 ? k : prefix + "." + k))
                            {
                                yield return leaf;
                            }
                        }
                    }

                    break;
                case JsonArray a:
                    for (var i = 0; i < Math.Min(a.Count, 200); i++)
                    {
                        if (a[i] is { } item)
                        {
                            foreach (var leaf in Leaves(item, $"{prefix}[{i}]"))
                            {
                                yield return leaf;
                            }
                        }
                    }

                    break;
                case JsonValue v:
                    yield return (prefix, Running.JsonPath.Text(v));
                    break;
            }
        }

        private string OpName(HarEntry call)
        {
            var segments = call.Path.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s != "api").ToList();
            var name = string.Join("_", segments.TakeLast(2).Select(s => NonWord().Replace(s, "")));
            return name.Length == 0 ? "root" : name;
        }

        private string Op(HarEntry c) => _opNames[c.Path + c.Method];

        private string Template(HarEntry call, IReadOnlyList<(string Field, string Value, string Variable, string Mark)> uses, out string? json)
        {
            var query = string.Join("&", call.Query.Select(q => uses.FirstOrDefault(u => u.Field == q.Key && u.Value == q.Value) is { Variable.Length: > 0 } u
                ? $"{q.Key}={{{{{u.Variable}}}}}"
                : $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(q.Value)}"));
            json = null;
            if (call.JsonBody is { } body)
            {
                var copy = (JsonObject)body.DeepClone();
                foreach (var (field, value, variable, _) in uses.Where(u => u.Variable.Length > 0))
                {
                    if (copy[field] is JsonValue && Running.JsonPath.Text(copy[field]) == value)
                    {
                        copy[field] = "{{" + variable + "}}";
                    }
                }

                json = copy.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            }

            return call.Path + (query.Length > 0 ? "?" + query : "");
        }

        private string ProfileYaml(HarEntry? login, string tokenHeader, string? tokenPath, Dictionary<int, List<(string Variable, string Path)>> produced,
            Dictionary<int, List<(string, string, string, string)>> consumed, HarEntry probe)
        {
            var sb = new StringBuilder();
            sb.AppendLine("# 由 medguard scan logic record 从 HAR 生成的服务绑定：运行前请逐项核对（docs/logic-scenarios.md）。");
            sb.AppendLine($"name: 录制生成（{calls[0].Url.GetLeftPart(UriPartial.Authority)}）");
            var (codeField, success) = GuessEnvelope();
            sb.AppendLine("envelope:");
            if (codeField is null)
            {
                sb.AppendLine("  code: ~                 # 响应里没有找到业务码字段：按 HTTP 状态判断成败");
            }
            else
            {
                sb.AppendLine($"  code: {codeField}");
                sb.AppendLine($"  message: {GuessMessageField() ?? "msg"}");
                sb.AppendLine($"  success: [\"{success}\"]");
            }

            sb.AppendLine("  sessionExpired: []        # 【请填写】登录过期的业务码（如 4010），否则过期会被当成“拒绝”");
            sb.AppendLine("  sessionExpiredText: [\"登录已过期\", \"请重新登录\"]");
            sb.AppendLine("session:");
            sb.AppendLine($"  header: {tokenHeader}");
            if (tokenHeader.Equals("Authorization", StringComparison.OrdinalIgnoreCase))
            {
                sb.AppendLine("  bearer: true");
            }

            if (login is not null && tokenPath is not null)
            {
                Template(login, [], out var loginJson);
                var body = login.JsonBody is { } lb ? new JsonObject(lb.Select(kv => new KeyValuePair<string, JsonNode?>(kv.Key, kv.Value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? "{{" + kv.Key + "}}" : kv.Value?.DeepClone()))) : null;
                sb.AppendLine("# 测试身份的登录：身份文件 login 下给出同名变量（如 code: TEST_PATIENT_B）");
                sb.AppendLine("login:");
                sb.AppendLine($"  request: {login.Method} {login.Path}");
                if (body is not null)
                {
                    sb.AppendLine($"  json: {body.ToJsonString()}");
                }

                sb.AppendLine($"  token: {tokenPath}");
            }

            sb.AppendLine("operations:");
            var undoFor = UndoOperations(produced, consumed);
            foreach (var call in calls.Where(c => c != login).GroupBy(Op).Select(g => g.First()))
            {
                var uses = consumed.GetValueOrDefault(call.Index) ?? [];
                var path = Template(call, uses, out var json);
                sb.AppendLine($"  {Op(call)}:");
                sb.AppendLine($"    request: \"{call.Method} {path}\"");
                if (json is not null)
                {
                    sb.AppendLine($"    json: {json}");
                }

                if (produced.GetValueOrDefault(call.Index) is { Count: > 0 } vars)
                {
                    sb.AppendLine("    extract:");
                    foreach (var (variable, p) in vars)
                    {
                        sb.AppendLine($"      {variable}: \"{p}\"");
                    }
                }

                if (undoFor.TryGetValue(call.Index, out var undo))
                {
                    sb.AppendLine($"    undo: {{ call: {undo.Op}, key: {undo.Key} }}   # 清理时用它撤销本操作创建的对象");
                }

                foreach (var (field, value, _, mark) in uses.Where(u => u.Item4.Length > 0))
                {
                    sb.AppendLine($"    # 标记：{field} = {Mask(value)} 是{mark}");
                }
            }

            return sb.ToString();
        }

        /// <summary>A creating call (its id is later used by a cancel/unbind/delete call) is undone by that call.</summary>
        private Dictionary<int, (string Op, string Key)> UndoOperations(Dictionary<int, List<(string Variable, string Path)>> produced, Dictionary<int, List<(string, string, string, string)>> consumed)
        {
            var result = new Dictionary<int, (string, string)>();
            foreach (var (index, vars) in produced)
            {
                if (calls[index].Method == "GET")
                {
                    continue;
                }

                foreach (var (variable, _) in vars)
                {
                    if (calls.FirstOrDefault(c => c.Index > index && c.Method != "GET" && UndoPath().IsMatch(c.Path)
                        && (consumed.GetValueOrDefault(c.Index) ?? []).Any(u => u.Item3 == variable)) is { } undo)
                    {
                        result[index] = (Op(undo), variable);
                    }
                }
            }

            return result;
        }

        private string ScenarioYaml(string source, HarEntry? login, Dictionary<int, List<(string Variable, string Path)>> produced,
            Dictionary<int, List<(string, string, string, string)>> consumed, HarEntry probe)
        {
            var sb = new StringBuilder();
            var id = "har-bola-" + NonWord().Replace(Op(probe), "-").Trim('-').ToLowerInvariant();
            sb.AppendLine($"# 由 HAR 录制（{Path.GetFileName(source)}）生成的越权场景：A 的正常流程重放到 {probe.Method} {probe.Path} 之前，");
            sb.AppendLine("# 再由 B 用 A 的对象 id 发出同一请求。运行前请核对：只在测试科室预约、预算、复查条件。");
            sb.AppendLine($"id: {id}");
            sb.AppendLine($"title: 录制流程中 {probe.Method} {probe.Path} 可被他人以对象 id 调用（越权）");
            sb.AppendLine("risk: 越权访问");
            sb.AppendLine("severity: 高");
            sb.AppendLine("cwe: [639]");
            sb.AppendLine("owasp: API1:2023");
            sb.AppendLine("gbt22239: [L3-CES1-09, L3-CES1-10]");
            sb.AppendLine("remediation: 服务端校验对象属于当前登录用户。");
            sb.AppendLine("identities: [A, B]");
            var setup = calls.Where(c => c != login && c.Index < probe.Index && !(c.Method != "GET" && UndoPath().IsMatch(c.Path))).ToList();
            sb.AppendLine($"budget: {{ maxRequests: {setup.Count + 4} }}");
            sb.AppendLine("setup:");
            foreach (var c in setup)
            {
                sb.AppendLine($"  - {{ as: A, call: {Op(c)} }}");
            }

            sb.AppendLine("probe:");
            sb.AppendLine($"  - {{ name: B 用 A 的 id 调用 {Op(probe)}, as: B, call: {Op(probe)} }}");

            var others = calls.Where(c => c != login && c != probe).SelectMany(c => (consumed.GetValueOrDefault(c.Index) ?? []).Where(u => u.Item4.Length > 0).Select(u => (c, u))).ToList();
            if (others.Count > 0)
            {
                sb.AppendLine("# 其余标记的参数（可据此另写场景：越权换 id、放号窗口改日期、金额篡改改金额）：");
                foreach (var (c, u) in others)
                {
                    sb.AppendLine($"#   {c.Method} {c.Path} {u.Item1} = {Mask(u.Item2)}：{u.Item4}");
                }
            }

            return sb.ToString();
        }

        private (string? Field, string Success) GuessEnvelope()
        {
            var codes = calls.Where(c => c.Status is >= 200 and < 300 && c.Response is JsonObject).Select(c => (JsonObject)c.Response!).ToList();
            foreach (var field in new[] { "code", "resultCode", "errcode", "status", "retCode" })
            {
                var values = codes.Where(o => o[field] is JsonValue).Select(o => Running.JsonPath.Text(o[field])).ToList();
                if (values.Count > 0 && values.Count >= codes.Count / 2)
                {
                    return (field, values.GroupBy(v => v).OrderByDescending(g => g.Count()).First().Key);
                }
            }

            return (null, "");
        }

        private string? GuessMessageField() =>
            new[] { "msg", "message", "errmsg", "resultMsg" }.FirstOrDefault(f => calls.Any(c => c.Response is JsonObject o && o[f] is JsonValue));

        private static string Mask(string value) => MedGuard.Domain.Findings.EvidenceMask.Mask(value);
    }
}
