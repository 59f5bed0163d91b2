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
    private LoginRecipe(IReadOnlyList<LoginStep> steps, LoginSuccess? success, string source)
    {
        Steps = steps;
        Success = success;
        Source = source;
    }

    public IReadOnlyList<LoginStep> Steps { get; }

    /// <summary>How the recipe says a login succeeded; null for an older recipe, whose success is inferred (docs/web.md).</summary>
    public LoginSuccess? Success { get; }

    /// <summary>The recipe's file, for messages.</summary>
    public string Source { get; }

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
            throw new InvalidDataException($"{source} 第 {ex.Start.Line} 行：登录流程格式错误（{MedGuard.Domain.Yaml.YamlErrorText.Describe(ex, "steps、success；步骤字段 method、path、form、json、headers、extract、expectStatus、bearer")}）", ex);
        }

        if (dto?.Steps is not { Count: > 0 })
        {
            throw new InvalidDataException($"{source}：登录流程至少需要一个步骤（steps）");
        }

        var steps = new List<LoginStep>();
        var stepLines = StepLines(yaml);
        foreach (var (s, i) in dto.Steps.Select((s, i) => (s, i + 1)))
        {
            var at = $"{source} 第 {(i <= stepLines.Count ? stepLines[i - 1] : LineOf(yaml, "steps:"))} 行";
            if (string.IsNullOrWhiteSpace(s.Path) || !s.Path.StartsWith('/'))
            {
                throw new InvalidDataException($"{at}：第 {i} 步的 path 应为以 / 开头的站内路径，而不是 '{s.Path}'（登录只在扫描目标的站点内进行）");
            }

            if (s.Form is not null && s.Json is not null)
            {
                throw new InvalidDataException($"{at}：第 {i} 步不能同时有 form 和 json（表单提交写 form，JSON 提交写 json）");
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
                    throw new InvalidDataException($"{at}：第 {i} 步提取规则 {name} 的正则表达式无法编译（{ex.Message}）");
                }
            }

            steps.Add(new LoginStep((s.Method ?? "GET").ToUpperInvariant(), s.Path, s.Form, s.Json, s.Headers, extract,
                s.ExpectStatus ?? [], s.Bearer));
        }

        LoginSuccess? success = null;
        if (dto.Success is { } sd)
        {
            if (string.IsNullOrWhiteSpace(sd.Redirect) && string.IsNullOrWhiteSpace(sd.Cookie) && string.IsNullOrWhiteSpace(sd.Text))
            {
                throw new InvalidDataException($"{source} 第 {LineOf(yaml, "success:")} 行：success 至少需要 redirect（登录后跳转到的页面）、cookie（登录后才有的 Cookie 名）或 text（登录后页面上的文字）之一");
            }

            foreach (var (name, value) in new[] { ("redirect", sd.Redirect), ("page", sd.Page) })
            {
                if (value is not null && !value.StartsWith('/'))
                {
                    throw new InvalidDataException($"{source} 第 {LineOf(yaml, name + ":")} 行：success.{name} 必须是以 / 开头的站内路径，而不是 '{value}'");
                }
            }

            success = new LoginSuccess(sd.Redirect, sd.Cookie, sd.Text, sd.Page);
        }

        return new LoginRecipe(steps, success, source);
    }

    /// <summary>The line of each item under <c>steps:</c> (block style), for messages that name the step's line.</summary>
    private static List<int> StepLines(string yaml)
    {
        var lines = yaml.Split('\n');
        var result = new List<int>();
        var start = Array.FindIndex(lines, l => l.TrimStart().StartsWith("steps:", StringComparison.Ordinal));
        int? indent = null;
        for (var i = start + 1; start >= 0 && i < lines.Length; i++)
        {
            var trimmed = lines[i].TrimStart();
            var depth = lines[i].Length - trimmed.Length;
            if (trimmed.Length == 0 || trimmed.StartsWith('#'))
            {
                continue;
            }

            if (!trimmed.StartsWith('-'))
            {
                if (indent is null || depth < indent)
                {
                    break;
                }

                continue;
            }

            indent ??= depth;
            if (depth == indent)
            {
                result.Add(i + 1);
            }
        }

        return result;
    }

    private static int LineOf(string text, string needle)
    {
        var index = text.IndexOf(needle, StringComparison.Ordinal);
        return index < 0 ? 1 : text.AsSpan(0, index).Count('\n') + 1;
    }

    /// <summary>Runs the steps against <paramref name="site"/>'s origin; the session then rides on every later request.</summary>
    public async Task RunAsync(SafeHttpPipeline pipeline, Uri site, CancellationToken cancellationToken)
    {
        var origin = new Uri(site.GetLeftPart(UriPartial.Authority));
        var vars = new Dictionary<string, string>(StringComparer.Ordinal);
        string Fill(string text) => Regex.Replace(text, @"\{\{(\w+)\}\}", m =>
            vars.TryGetValue(m.Groups[1].Value, out var v) ? v : throw new InvalidDataException($"登录流程引用了未提取的变量 {m.Value}"));

        HttpExchange? last = null;
        var cookiesBefore = "";
        var bearer = false;
        foreach (var (step, index) in Steps.Select((s, i) => (s, i + 1)))
        {
            var url = new Uri(origin, Fill(step.Path));
            cookiesBefore = pipeline.Cookies.GetCookieHeader(origin);
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
                throw new LoginFailedException($"登录失败：第 {index} 步（{step.Method} {step.Path}）无响应：{exchange.Error}");
            }

            last = exchange;

            if (step.ExpectStatus.Count > 0 && !step.ExpectStatus.Contains(exchange.Status))
            {
                throw new LoginFailedException($"登录失败：第 {index} 步（{step.Method} {step.Path}）返回 {exchange.Status}，期望 {string.Join("/", step.ExpectStatus)}：请检查账号、口令和提取规则");
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
                    : throw new LoginFailedException($"登录失败：第 {index} 步没有提取到 {name}（规则 {regex}）");
            }

            if (step.Bearer is not null)
            {
                var token = Fill(step.Bearer);
                pipeline.Secrets.Add(token);
                pipeline.SetSessionHeader("Authorization", "Bearer " + token);
                bearer = true;
            }
        }

        await VerifyAsync(pipeline, origin, last!, cookiesBefore, bearer, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Whether the login worked, by the recipe's <see cref="Success"/> (every criterion given must hold) or, for a recipe
    /// without one, by inference: a bearer token was set, or the last step set a cookie, was not refused (401/403) and
    /// did not land on a page with a password field again. A failure throws: a scan never runs as a stranger by mistake.
    /// </summary>
    private async Task VerifyAsync(SafeHttpPipeline pipeline, Uri origin, HttpExchange last, string cookiesBefore, bool bearer, CancellationToken cancellationToken)
    {
        var location = last.Status is >= 300 and < 400 && last.Header("Location") is { } loc && Uri.TryCreate(last.Request.Url, loc, out var to) ? to : null;
        var landing = location ?? last.FinalUrl ?? last.Request.Url;
        HttpExchange? landed = location is null ? last : null;

        async Task<HttpExchange?> Fetch(Uri url)
        {
            if (!pipeline.Scope.Permits(url))
            {
                return null;
            }

            try
            {
                var e = await pipeline.SendAsync(ScanRequest.Get(url), followRedirects: true, cancellationToken: cancellationToken).ConfigureAwait(false);
                return e.Failed ? null : e;
            }
            catch (ScanRefusedException)
            {
                return null;
            }
        }

        var name = Path.GetFileName(Source);
        if (Success is { } success)
        {
            if (success.Redirect is { } redirect && !landing.PathAndQuery.StartsWith(redirect, StringComparison.OrdinalIgnoreCase))
            {
                throw new LoginFailedException($"登录失败：提交后到达 {landing.PathAndQuery}，不是登录流程 {name} 中 success.redirect 指定的 {redirect}。请检查账号、口令和提取规则；扫描已停止，未以未登录身份继续");
            }

            if (success.Cookie is { } cookie && !pipeline.Cookies.GetCookies(origin).Any(c => c.Name.Equals(cookie, StringComparison.OrdinalIgnoreCase) && c.Value.Length > 0))
            {
                throw new LoginFailedException($"登录失败：登录后没有得到 success.cookie 指定的 Cookie {cookie}（登录流程 {name}）。请检查账号、口令和提取规则；扫描已停止，未以未登录身份继续");
            }

            if (success.Text is { } text)
            {
                var page = success.Page is { } p ? await Fetch(new Uri(origin, p)).ConfigureAwait(false) : landed ?? await Fetch(landing).ConfigureAwait(false);
                if (page is null || !page.Body.Contains(text, StringComparison.Ordinal))
                {
                    throw new LoginFailedException($"登录失败：{(success.Page ?? landing.PathAndQuery)} 页面上没有 success.text 指定的文字“{text}”（登录流程 {name}）。请检查账号、口令和提取规则；扫描已停止，未以未登录身份继续");
                }
            }

            return;
        }

        if (bearer)
        {
            return;
        }

        const string advice = "如果登录其实成功，请在登录流程中写明 success（redirect 登录后跳转的页面、cookie 登录后才有的 Cookie 名或 text 登录后页面上的文字，见 docs/web.md）";
        if (last.Status is 401 or 403)
        {
            throw new LoginFailedException($"登录失败：最后一步返回 {last.Status}（登录流程 {name}）。扫描已停止，未以未登录身份继续。{advice}");
        }

        if (pipeline.Cookies.GetCookieHeader(origin) == cookiesBefore)
        {
            throw new LoginFailedException($"登录失败：最后一步没有设置新的会话 Cookie，无法确认已登录（登录流程 {name}）。扫描已停止，未以未登录身份继续。{advice}");
        }

        landed ??= await Fetch(landing).ConfigureAwait(false);
        if (landed is not null && PasswordField().IsMatch(landed.Body))
        {
            throw new LoginFailedException($"登录失败：提交后仍回到含口令输入框的页面 {landed.Request.Url.PathAndQuery}（登录流程 {name}）。扫描已停止，未以未登录身份继续。{advice}");
        }
    }

    [GeneratedRegex(@"(?i)<input[^>]+type\s*=\s*[""']?password")]
    private static partial Regex PasswordField();

    /// <summary>Fields and headers whose value is a credential: kept out of evidence (<see cref="CredentialRedaction"/>).</summary>
    [GeneratedRegex(@"(?i)pass|pwd|secret|token|api[-_]?key|auth|口令|密码")]
    private static partial Regex SecretField();

    private sealed class Dto
    {
        public List<StepDto>? Steps { get; set; }
        public SuccessDto? Success { get; set; }
    }

    private sealed class SuccessDto
    {
        public string? Redirect { get; set; }
        public string? Cookie { get; set; }
        public string? Text { get; set; }
        public string? Page { get; set; }
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

/// <summary>
/// How a login is recognised as successful (登录成功的判断): the page the login lands on (<see cref="Redirect"/>, a path
/// prefix), a cookie only a signed-in session has, or a text on the landing page (or on <see cref="Page"/>).
/// </summary>
public sealed record LoginSuccess(string? Redirect, string? Cookie, string? Text, string? Page);

/// <summary>The login did not work: the scan stops instead of running as an anonymous visitor.</summary>
public sealed class LoginFailedException(string message) : Exception(message);
