using System.Text.RegularExpressions;
using MedGuard.Detection.Web.Scanning;
using MedGuard.Domain.Findings;

namespace MedGuard.Detection.Web.Active;

/// <summary>
/// Open redirect (URL 跳转/开放重定向): the site redirects to a host named in a parameter. The host is a reserved
/// <c>.invalid</c> name and the redirect is never followed — only its Location header is read.
/// </summary>
public sealed partial class OpenRedirectCheck : IActiveCheck
{
    public const string CanaryHost = "medguard-redirect.invalid";

    public string RuleId => "open-redirect";

    public bool Applies(ActiveProbe probe) =>
        RedirectName().IsMatch(probe.Parameter.Name) || probe.Original.StartsWith('/') || probe.Original.StartsWith("http", StringComparison.OrdinalIgnoreCase);

    public async Task<WebFinding?> RunAsync(ActiveProbe probe, CancellationToken cancellationToken)
    {
        var token = Guid.NewGuid().ToString("N")[..6];
        var r1 = await probe.SendAsync($"https://{CanaryHost}/mg{token}", cancellationToken).ConfigureAwait(false);
        if (r1 is null || !RedirectsToCanary(r1.Request.Url, r1.Status, r1.Header("Location")))
        {
            return null;
        }

        // Second form: protocol-relative, as filters that only look for "http" miss it.
        var r2 = await probe.SendAsync($"//{CanaryHost}/mg{token}b", cancellationToken).ConfigureAwait(false);
        if (r2 is null || !RedirectsToCanary(r2.Request.Url, r2.Status, r2.Header("Location")))
        {
            return null;
        }

        return WebFinding.From(RuleId, "URL 重定向（开放重定向）", Severity.Low, r1, probe.Parameter.Name, "redirect", "CWE-601",
            InjectionRefs.InputValidation, [],
            "跳转目标只允许站内相对路径或白名单域名。",
            new Dictionary<string, string> { ["confirmRequest"] = r2.RawRequest });
    }

    private static bool RedirectsToCanary(Uri requestUrl, int status, string? location) =>
        status is >= 300 and < 400 && location is not null && Uri.TryCreate(requestUrl, location, out var target)
        && string.Equals(target.Host, CanaryHost, StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex(@"(?i)(url|uri|redirect|redir|return|returnurl|next|goto|target|dest|destination|continue|back|jump|link|to|forward)$")]
    private static partial Regex RedirectName();
}
