using MedGuard.Detection.Web.Http;
using MedGuard.Detection.Web.Scanning;
using MedGuard.Domain.Findings;

namespace MedGuard.Detection.Web.Active;

/// <summary>
/// Reflected XSS (反射型跨站脚本): a value with markup comes back unencoded in an HTML response, in a context where it
/// runs — page text, or an attribute it breaks out of — not inside a comment, textarea, title or a JSON reply.
/// Confirmed by a second, different payload.
/// </summary>
public sealed class ReflectedXssCheck : IActiveCheck
{
    private static readonly string[] InertElements = ["script", "textarea", "title", "style", "xmp", "noscript", "iframe", "noembed"];

    public string RuleId => "xss";

    public async Task<WebFinding?> RunAsync(ActiveProbe probe, CancellationToken cancellationToken)
    {
        // With quotes first (they break out of attributes); then without, for HTML body text: a value that also goes
        // into a SQL string makes a quote fail the query, and the page then never echoes the value at all.
        // Without quotes the payload cannot leave an attribute value, so only the HTML body context counts then.
        return await TryAsync(probe, "\"'>", "'\">", cancellationToken).ConfigureAwait(false)
               ?? await TryAsync(probe, "", "", cancellationToken).ConfigureAwait(false);
    }

    private async Task<WebFinding?> TryAsync(ActiveProbe probe, string breakOut, string breakOutAgain, CancellationToken cancellationToken)
    {
        var token = Guid.NewGuid().ToString("N")[..8];
        var first = $"{breakOut}<mgx{token}>";
        var r1 = await probe.SendAsync(probe.Original + first, cancellationToken).ConfigureAwait(false);
        var context = r1 is null ? null : ExecutableContext(r1, first);
        if (context is null || (breakOut.Length == 0 && context != "html"))
        {
            return null;
        }

        var token2 = Guid.NewGuid().ToString("N")[..8];
        var second = $"{breakOutAgain}<img src=x onerror=mgy{token2}(1)>";
        var r2 = await probe.SendAsync(probe.Original + second, cancellationToken).ConfigureAwait(false);
        if (r2 is null || ExecutableContext(r2, second) is not { } confirmed || (breakOut.Length == 0 && confirmed != "html"))
        {
            return null;
        }

        return WebFinding.From(RuleId, "反射型跨站脚本（XSS）", Severity.Medium, r2, probe.Parameter.Name, "reflected", "CWE-79",
            InjectionRefs.InputValidation, InjectionRefs.HighRiskInput,
            "对输出到页面的数据按上下文编码（HTML 正文、属性、脚本），并设置 Content-Security-Policy。",
            new Dictionary<string, string> { ["context"] = context, ["firstRequest"] = r1!.RawRequest });
    }

    /// <summary>The context name where <paramref name="payload"/> is reflected verbatim and would run, or null.</summary>
    public static string? ExecutableContext(HttpExchange response, string payload)
    {
        if (!response.IsHtml)
        {
            return null;
        }

        var body = response.Body;
        var at = body.IndexOf(payload, StringComparison.Ordinal);
        while (at >= 0)
        {
            var context = ContextAt(body, at);
            if (context is not null)
            {
                return context;
            }

            at = body.IndexOf(payload, at + 1, StringComparison.Ordinal);
        }

        return null;
    }

    private static string? ContextAt(string body, int at)
    {
        var before = body.AsSpan(0, at);
        if (before.LastIndexOf("<!--") > before.LastIndexOf("-->"))
        {
            return null;
        }

        foreach (var element in InertElements)
        {
            if (before.LastIndexOf($"<{element}", StringComparison.OrdinalIgnoreCase) > before.LastIndexOf($"</{element}", StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }
        }

        // Inside a tag (an attribute value): the payload's quote and '>' close it, so the new tag is live markup.
        return before.LastIndexOf('<') > before.LastIndexOf('>') ? "attribute" : "html";
    }
}
