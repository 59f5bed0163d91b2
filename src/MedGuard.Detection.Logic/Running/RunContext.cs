using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using MedGuard.Detection.Logic.Profiles;
using MedGuard.Detection.Logic.Scenarios;
using MedGuard.Detection.Web.Http;
using MedGuard.Detection.Web.Scanning;

namespace MedGuard.Detection.Logic.Running;

/// <summary>
/// What the scenarios of one run share: the web engine's pipeline (scope check per request, per-host rate gate, size
/// cap, credential redaction), the profile, the identities' sessions, the run's request budget and the test
/// departments seen so far.
/// </summary>
internal sealed class RunContext(SafeHttpPipeline pipeline, ServiceProfile profile, Uri baseUrl, int maxRequests, DateOnly today)
{
    private bool _anyResponse;

    public SafeHttpPipeline Pipeline { get; } = pipeline;

    public ServiceProfile Profile { get; } = profile;

    public Uri BaseUrl { get; } = baseUrl;

    public int MaxRequests { get; } = maxRequests;

    public DateOnly Today { get; } = today;

    public int Sent { get; private set; }

    /// <summary>Set while a scenario cleans up: undoing what it booked is never stopped by the run's budget.</summary>
    public bool CleaningUp { get; set; }

    public Dictionary<string, IdentitySession> Sessions { get; } = new(StringComparer.Ordinal);

    /// <summary>Department ids the listDepartments operation marked as test departments (测试科室).</summary>
    public HashSet<string> TestDepartments { get; } = new(StringComparer.Ordinal);

    public Uri Resolve(string renderedPath)
    {
        if (!renderedPath.StartsWith('/') || renderedPath.StartsWith("//", StringComparison.Ordinal) || renderedPath.Contains('\\', StringComparison.Ordinal))
        {
            throw new StepFailedException($"路径 '{renderedPath}' 不是站内路径");
        }

        var url = new Uri(BaseUrl, BaseUrl.AbsolutePath.TrimEnd('/') + renderedPath);
        return url.GetLeftPart(UriPartial.Authority) == BaseUrl.GetLeftPart(UriPartial.Authority)
            ? url
            : throw new StepFailedException($"路径 '{renderedPath}' 会离开站点 {BaseUrl}");
    }

    /// <summary>Builds the request of an operation or raw template as the identity sends it.</summary>
    public ScanRequest Build(RequestTemplate template, Variables vars, IdentitySession? session)
    {
        var url = Resolve(vars.Render(template.Path));
        var headers = template.Headers.Select(h => new KeyValuePair<string, string>(h.Key, vars.Render(h.Value))).ToList();
        if (session is not null)
        {
            headers.AddRange(session.Identity.Headers);
            if (session.Token is { } token)
            {
                headers.Add(new(Profile.TokenHeader, Profile.BearerScheme ? "Bearer " + token : token));
            }

            var cookies = string.Join("; ", new[] { session.Identity.Cookies, session.Cookies.GetCookieHeader(url) }.Where(c => !string.IsNullOrEmpty(c)));
            if (cookies.Length > 0)
            {
                headers.Add(new("Cookie", cookies));
            }
        }

        var request = new ScanRequest(template.Method, url) { Headers = headers };
        if (template.Json is { } json && vars.TryRenderJson(json, out var body))
        {
            return request with { Body = body?.ToJsonString() ?? "null", ContentType = "application/json; charset=utf-8" };
        }

        if (template.Form.Count > 0)
        {
            var form = string.Join("&", template.Form.Select(f => $"{WebUtility.UrlEncode(f.Key)}={WebUtility.UrlEncode(vars.Render(f.Value))}"));
            return request with { Body = form, ContentType = "application/x-www-form-urlencoded; charset=UTF-8" };
        }

        return request;
    }

    /// <summary>Sends through the pipeline, counting against the run's budget; cookies go to the identity's own jar.</summary>
    public async Task<HttpExchange> SendAsync(ScanRequest request, IdentitySession? session, CancellationToken cancellationToken)
    {
        if (Sent >= MaxRequests && !CleaningUp)
        {
            throw new BudgetExceededException($"本次运行的请求上限（{MaxRequests} 个）已用完");
        }

        Sent++;
        var exchange = await Pipeline.SendAsync(request, followRedirects: false, cancellationToken).ConfigureAwait(false);
        foreach (Cookie c in Pipeline.Cookies.GetAllCookies())
        {
            c.Expired = true;
        }

        if (session is not null)
        {
            foreach (var setCookie in exchange.HeaderValues("Set-Cookie"))
            {
                try
                {
                    session.Cookies.SetCookies(request.Url, setCookie);
                }
                catch (CookieException)
                {
                    // A malformed cookie is the server's problem.
                }
            }
        }

        if (exchange.Failed && !_anyResponse)
        {
            throw new SiteUnreachableException(BaseUrl, exchange.Error ?? "无响应");
        }

        _anyResponse |= !exchange.Failed;
        return exchange;
    }

    /// <summary>Logs the identity in with the profile's recipe; false (and why) when it cannot.</summary>
    public async Task<(bool Ok, string Why)> LogInAsync(IdentitySession session, CancellationToken cancellationToken)
    {
        if (!session.Identity.CanLogIn)
        {
            return (false, $"身份 {session.Identity.Name} 没有登录流程（只有固定凭据），无法重新登录");
        }

        if (Profile.Login is not { } login || Profile.LoginTokenPath is not { } tokenPath)
        {
            return (false, $"服务绑定 {Profile.Source} 没有 login（含 token 路径），身份 {session.Identity.Name} 无法登录");
        }

        var vars = new Variables { Today = Today };
        foreach (var (k, v) in session.Identity.Login)
        {
            vars[k] = JsonValue.Create(v);
            Pipeline.Secrets.Add(v);
        }

        session.Token = null;
        var exchange = await SendAsync(Build(login.Request, vars, session: null), session, cancellationToken).ConfigureAwait(false);
        session.Logins++;
        var answer = Answer.Read(exchange, Profile.Envelope, anonymous: true);
        if (answer.Kind != AnswerKind.Accepted || JsonPath.First(answer.Json, tokenPath) is not { } token || JsonPath.Text(token).Length == 0)
        {
            return (false, $"身份 {session.Identity.Name} 登录失败：{login.Request.Line} → HTTP {exchange.Status} {answer.Describe()}");
        }

        session.Token = JsonPath.Text(token);
        Pipeline.Secrets.Add(session.Token);
        return (true, "");
    }

    public void AddSecrets(TestIdentity identity)
    {
        foreach (var (_, v) in identity.Headers)
        {
            Pipeline.Secrets.Add(v);
        }

        if (identity.Cookies is { } cookies)
        {
            foreach (var pair in cookies.Split(';', StringSplitOptions.TrimEntries))
            {
                if (pair.IndexOf('=', StringComparison.Ordinal) is var eq and > 0)
                {
                    Pipeline.Secrets.Add(pair[(eq + 1)..]);
                }
            }
        }
    }

    public static string Describe(HttpExchange e) =>
        new StringBuilder().Append(e.Request.Method).Append(' ').Append(e.Request.Url.PathAndQuery).Append(" → HTTP ").Append(e.Status).ToString();

    public static long Now => Stopwatch.GetTimestamp();
}

internal sealed class StepFailedException(string message) : Exception(message);

internal sealed class BudgetExceededException(string message) : Exception(message);

internal sealed class SessionLostException(string message) : Exception(message);

internal sealed class SafetyRefusalException(string message) : Exception(message);
