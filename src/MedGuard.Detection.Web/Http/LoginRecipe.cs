using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace MedGuard.Detection.Web.Http;

/// <summary>
/// A login as a short list of HTTP steps (登录流程): fetch a page, extract a CSRF token, post a form or JSON, keep the
/// cookie (the pipeline's jar does) or a bearer token. Values extracted earlier are used as <c>{{name}}</c>.
/// </summary>
public sealed partial class LoginRecipe
{
    private LoginRecipe(IReadOnlyList<LoginStep> steps) => Steps = steps;

    public IReadOnlyList<LoginStep> Steps { get; }

    public static LoginRecipe Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"找不到登录流程文件 {path}", path);
        }

        if (new FileInfo(path).Length > 256 * 1024)
        {
            throw new InvalidDataException($"登录流程文件 {path} 过大");
        }

        return Parse(File.ReadAllText(path), path);
    }

    public static LoginRecipe Parse(string yaml, string source)
    {
        Dto? dto;
        try
        {
            dto = new DeserializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).Build().Deserialize<Dto>(yaml);
        }
        catch (YamlException ex)
        {
            throw new InvalidDataException($"{source} 第 {ex.Start.Line} 行：登录流程格式错误（{ex.InnerException?.Message ?? ex.Message}）", ex);
        }

        if (dto?.Steps is not { Count: > 0 })
        {
            throw new InvalidDataException($"{source}：登录流程至少需要一个步骤（steps）");
        }

        var steps = new List<LoginStep>();
        foreach (var (s, i) in dto.Steps.Select((s, i) => (s, i + 1)))
        {
            if (string.IsNullOrWhiteSpace(s.Path) || !s.Path.StartsWith('/'))
            {
                throw new InvalidDataException($"{source}：第 {i} 步的 path 必须以 / 开头（登录只在扫描目标的站点内进行）");
            }

            if (s.Form is not null && s.Json is not null)
            {
                throw new InvalidDataException($"{source}：第 {i} 步不能同时有 form 和 json");
            }

            var extract = new Dictionary<string, Regex>();
            foreach (var (name, pattern) in s.Extract ?? [])
            {
                try
                {
                    extract[name] = new Regex(pattern, RegexOptions.None, TimeSpan.FromSeconds(1));
                }
                catch (ArgumentException ex)
                {
                    throw new InvalidDataException($"{source}：第 {i} 步提取规则 {name} 的正则无法编译：{ex.Message}");
                }
            }

            steps.Add(new LoginStep((s.Method ?? "GET").ToUpperInvariant(), s.Path, s.Form, s.Json, s.Headers, extract,
                s.ExpectStatus ?? [], s.Bearer));
        }

        return new LoginRecipe(steps);
    }

    /// <summary>Runs the steps against <paramref name="site"/>'s origin; the session then rides on every later request.</summary>
    public async Task RunAsync(SafeHttpPipeline pipeline, Uri site, CancellationToken cancellationToken)
    {
        var origin = new Uri(site.GetLeftPart(UriPartial.Authority));
        var vars = new Dictionary<string, string>(StringComparer.Ordinal);
        string Fill(string text) => Regex.Replace(text, @"\{\{(\w+)\}\}", m =>
            vars.TryGetValue(m.Groups[1].Value, out var v) ? v : throw new InvalidDataException($"登录流程引用了未提取的变量 {m.Value}"));

        foreach (var (step, index) in Steps.Select((s, i) => (s, i + 1)))
        {
            var url = new Uri(origin, Fill(step.Path));
            ScanRequest request;
            IEnumerable<KeyValuePair<string, string>> none = [];
            foreach (var (key, value) in (step.Form ?? none).Concat(step.Json ?? none).Concat(step.Headers ?? none))
            {
                if (SecretField().IsMatch(key))
                {
                    pipeline.Secrets.Add(Fill(value));
                }
            }

            if (step.Form is not null)
            {
                var body = string.Join('&', step.Form.Select(kv => $"{Uri.EscapeDataString(kv.Key)}={Uri.EscapeDataString(Fill(kv.Value))}"));
                request = new ScanRequest(step.Method, url) { Body = body, ContentType = "application/x-www-form-urlencoded; charset=UTF-8" };
            }
            else if (step.Json is not null)
            {
                var body = JsonSerializer.Serialize(step.Json.ToDictionary(kv => kv.Key, kv => Fill(kv.Value)));
                request = new ScanRequest(step.Method, url) { Body = body, ContentType = "application/json; charset=utf-8" };
            }
            else
            {
                request = new ScanRequest(step.Method, url);
            }

            if (step.Headers is not null)
            {
                request = request with { Headers = [.. step.Headers.Select(h => new KeyValuePair<string, string>(h.Key, Fill(h.Value)))] };
            }

            var exchange = await pipeline.SendAsync(request, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (exchange.Failed)
            {
                throw new InvalidDataException($"登录第 {index} 步（{step.Method} {step.Path}）无响应：{exchange.Error}");
            }

            if (step.ExpectStatus.Count > 0 && !step.ExpectStatus.Contains(exchange.Status))
            {
                throw new InvalidDataException($"登录第 {index} 步（{step.Method} {step.Path}）返回 {exchange.Status}，期望 {string.Join("/", step.ExpectStatus)}：请检查账号、口令和提取规则");
            }

            foreach (var (name, regex) in step.Extract)
            {
                var m = regex.Match(exchange.Body);
                if (!m.Success)
                {
                    m = regex.Match(string.Join("\n", exchange.Headers.Select(h => $"{h.Key}: {h.Value}")));
                }

                vars[name] = m.Success
                    ? (m.Groups.Count > 1 ? m.Groups[1].Value : m.Value)
                    : throw new InvalidDataException($"登录第 {index} 步没有提取到 {name}（规则 {regex}）");
            }

            if (step.Bearer is not null)
            {
                var token = Fill(step.Bearer);
                pipeline.Secrets.Add(token);
                pipeline.SetSessionHeader("Authorization", "Bearer " + token);
            }
        }
    }

    /// <summary>Fields and headers whose value is a credential: kept out of evidence (<see cref="CredentialRedaction"/>).</summary>
    [GeneratedRegex(@"(?i)pass|pwd|secret|token|api[-_]?key|auth|口令|密码")]
    private static partial Regex SecretField();

    private sealed class Dto
    {
        public List<StepDto>? Steps { get; set; }
    }

    private sealed class StepDto
    {
        public string? Method { get; set; }
        public string? Path { get; set; }
        public Dictionary<string, string>? Form { get; set; }
        public Dictionary<string, string>? Json { get; set; }
        public Dictionary<string, string>? Headers { get; set; }
        public Dictionary<string, string>? Extract { get; set; }
        public List<int>? ExpectStatus { get; set; }
        public string? Bearer { get; set; }
    }
}

/// <summary>One login step. <see cref="Bearer"/> (e.g. <c>{{token}}</c>) becomes an Authorization header for the scan.</summary>
public sealed record LoginStep(
    string Method,
    string Path,
    IReadOnlyDictionary<string, string>? Form,
    IReadOnlyDictionary<string, string>? Json,
    IReadOnlyDictionary<string, string>? Headers,
    IReadOnlyDictionary<string, Regex> Extract,
    IReadOnlyList<int> ExpectStatus,
    string? Bearer);
