using System.Text.RegularExpressions;
using MedGuard.Detection.Web.Scanning;
using MedGuard.Domain.Findings;

namespace MedGuard.Detection.Web.Active;

/// <summary>
/// Path traversal (路径遍历/任意文件读取): a file-like parameter climbs out of its folder and the response shows a
/// system file (/etc/passwd, win.ini). Confirmed by a second, differently written path to the same file.
/// </summary>
public sealed partial class PathTraversalCheck : IActiveCheck
{
    private static readonly (string First, string Confirm, string File)[] Payloads =
    [
        ("../../../../../../../../etc/passwd", "../../../../../../../../../../etc/./passwd", "passwd"),
        ("..\\..\\..\\..\\..\\..\\windows\\win.ini", "..\\..\\..\\..\\..\\..\\..\\..\\windows\\.\\win.ini", "win.ini"),
    ];

    public string RuleId => "path-traversal";

    public bool Applies(ActiveProbe probe) =>
        FileLikeName().IsMatch(probe.Parameter.Name) || FileLikeValue().IsMatch(probe.Original);

    public async Task<WebFinding?> RunAsync(ActiveProbe probe, CancellationToken cancellationToken)
    {
        var baseline = await probe.BaselineAsync(cancellationToken).ConfigureAwait(false);
        if (baseline is not null && (Passwd().IsMatch(baseline.Body) || WinIni().IsMatch(baseline.Body)))
        {
            return null;
        }

        foreach (var (first, confirm, file) in Payloads)
        {
            var signature = file == "passwd" ? Passwd() : WinIni();
            var r1 = await probe.SendAsync(first, cancellationToken).ConfigureAwait(false);
            if (r1 is null || !signature.IsMatch(r1.Body))
            {
                continue;
            }

            var r2 = await probe.SendAsync(confirm, cancellationToken).ConfigureAwait(false);
            if (r2 is null || !signature.IsMatch(r2.Body))
            {
                continue;
            }

            return WebFinding.From(RuleId, "路径遍历（任意文件读取）", Severity.High, r1, probe.Parameter.Name, "traversal", "CWE-22",
                InjectionRefs.InputValidation, InjectionRefs.HighRiskInput,
                "只按编号或白名单取文件，规范化路径后确认仍在允许的目录内。",
                new Dictionary<string, string> { ["confirmRequest"] = r2.RawRequest });
        }

        return null;
    }

    [GeneratedRegex(@"(?i)^(file|filename|path|filepath|doc|document|download|page|template|include|img|image|dir|folder|attachment|name)$")]
    private static partial Regex FileLikeName();

    [GeneratedRegex(@"(^|/)[\w\-.]+\.\w{1,5}$|/")]
    private static partial Regex FileLikeValue();

    [GeneratedRegex(@"root:[x*]?:0:0:")]
    private static partial Regex Passwd();

    [GeneratedRegex(@"(?i)\[(fonts|extensions)\][\s\S]{0,200}\[(mci extensions|files)\]|; for 16-bit app support")]
    private static partial Regex WinIni();
}
