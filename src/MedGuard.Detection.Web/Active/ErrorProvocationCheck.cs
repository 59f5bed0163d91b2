using MedGuard.Detection.Web.Crawl;
using MedGuard.Detection.Web.Http;
using MedGuard.Detection.Web.Scanning;

namespace MedGuard.Detection.Web.Active;

/// <summary>
/// Provokes the error pages that verbose servers show (错误页面信息泄露): a word where a number is expected (the other
/// checks keep the original number in front of their payloads, which PHP's (int) and many parsers accept), and the
/// parameter sent as an array (<c>id[]=1</c>, which PHP, Express and Rails turn into a type their code does not expect).
/// It reports nothing itself: the responses pass through the scan's passive checks (error-page-disclosure and the
/// database error templates), which judge them. Two requests per parameter, inside the pipeline's budget.
/// </summary>
public sealed class ErrorProvocationCheck : IActiveCheck
{
    public string RuleId => "error-page-disclosure";

    public bool Applies(ActiveProbe probe) => probe.Parameter.Kind is ParameterKind.Query or ParameterKind.Form or ParameterKind.Path or ParameterKind.Json;

    public async Task<WebFinding?> RunAsync(ActiveProbe probe, CancellationToken cancellationToken)
    {
        // A word with no leading digit: "1abc" still parses as 1 in PHP and JavaScript's parseInt.
        await probe.SendAsync("mg" + Guid.NewGuid().ToString("N")[..6], cancellationToken).ConfigureAwait(false);

        if (probe.Parameter.Kind is ParameterKind.Query or ParameterKind.Form)
        {
            var endpoint = probe.Endpoint;
            var asArray = endpoint with
            {
                Parameters = [.. endpoint.Parameters.Select(p => p == probe.Parameter ? p with { Name = p.Name + "[]" } : p)],
            };
            try
            {
                await probe.Pipeline.SendAsync(asArray.BuildRequest(), cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (ScanRefusedException)
            {
                // Budget used up or host skipped: the provocation is best-effort.
            }
        }

        return null;
    }
}
