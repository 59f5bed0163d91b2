using System.Globalization;
using MedGuard.Detection.Web.Scanning;
using MedGuard.Domain.Findings;

namespace MedGuard.Detection.Web.Active;

/// <summary>
/// OS command injection (操作系统命令注入): shell arithmetic whose result only a shell can compute shows up in the
/// response. The payload is a harmless <c>echo</c>; confirmed with other numbers and another operator.
/// </summary>
public sealed class CommandInjectionCheck : IActiveCheck
{
    private static readonly (string Prefix, string Suffix)[] Separators = [(";", ""), ("|", ""), ("$(", ")"), ("`", "`")];

    public string RuleId => "command-injection";

    public async Task<WebFinding?> RunAsync(ActiveProbe probe, CancellationToken cancellationToken)
    {
        var baseline = await probe.BaselineAsync(cancellationToken).ConfigureAwait(false);
        foreach (var (prefix, suffix) in Separators)
        {
            var (a, b) = (Random.Shared.Next(1000, 9999), Random.Shared.Next(1000, 9999));
            var marker = string.Create(CultureInfo.InvariantCulture, $"mgc{a + b}mgc");
            var value = string.Create(CultureInfo.InvariantCulture, $"{probe.Original}{prefix}echo mgc$(({a}+{b}))mgc{suffix}");
            var first = await probe.SendAsync(value, cancellationToken).ConfigureAwait(false);
            if (first is null || !first.Body.Contains(marker, StringComparison.Ordinal) || (baseline?.Body.Contains(marker, StringComparison.Ordinal) ?? false))
            {
                continue;
            }

            var (c, d) = (Random.Shared.Next(11, 99), Random.Shared.Next(11, 99));
            var marker2 = string.Create(CultureInfo.InvariantCulture, $"mgc{c * d}mgc");
            var confirm = string.Create(CultureInfo.InvariantCulture, $"{probe.Original}{prefix}echo mgc$(({c}*{d}))mgc{suffix}");
            var second = await probe.SendAsync(confirm, cancellationToken).ConfigureAwait(false);
            if (second is null || !second.Body.Contains(marker2, StringComparison.Ordinal))
            {
                continue;
            }

            return WebFinding.From(RuleId, "操作系统命令注入", Severity.High, first, probe.Parameter.Name, "command", "CWE-78",
                InjectionRefs.InputValidation, InjectionRefs.HighRiskInput,
                "不要把用户输入拼接进命令行；改用不经过 shell 的 API 并对参数做白名单校验。",
                new Dictionary<string, string> { ["confirmRequest"] = second.RawRequest });
        }

        return null;
    }
}
