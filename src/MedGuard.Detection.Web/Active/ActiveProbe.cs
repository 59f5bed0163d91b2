using System.Net;
using System.Text.RegularExpressions;
using MedGuard.Detection.Web.Crawl;
using MedGuard.Detection.Web.Http;

namespace MedGuard.Detection.Web.Active;

/// <summary>
/// Sends a parameter's tampered values through the pipeline, one endpoint and parameter at a time, and compares
/// responses. Every response is also handed to the observer (passive templates, personal data scan).
/// </summary>
public sealed partial class ActiveProbe(SafeHttpPipeline pipeline, Endpoint endpoint, EndpointParameter parameter, Action<HttpExchange>? observe)
{
    private HttpExchange? _baseline;
    private HttpExchange? _baseline2;

    public SafeHttpPipeline Pipeline => pipeline;

    public Endpoint Endpoint => endpoint;

    public EndpointParameter Parameter => parameter;

    public string Original => parameter.Value;

    /// <summary>True when the original value is a number (numeric SQL context).</summary>
    public bool IsNumeric => long.TryParse(parameter.Value, out _);

    public async Task<HttpExchange?> SendAsync(string value, CancellationToken cancellationToken)
    {
        try
        {
            var exchange = await pipeline.SendAsync(endpoint.BuildRequest(parameter, value), cancellationToken: cancellationToken).ConfigureAwait(false);
            if (exchange.Failed)
            {
                return null;
            }

            observe?.Invoke(exchange);
            return exchange;
        }
        catch (ScanRefusedException)
        {
            return null;
        }
    }

    /// <summary>The unmodified request's response (sent once, then reused by every check on this parameter).</summary>
    public async Task<HttpExchange?> BaselineAsync(CancellationToken cancellationToken) =>
        _baseline ??= await SendAsync(Original, cancellationToken).ConfigureAwait(false);

    /// <summary>A second unmodified response, to tell a stable page from one that changes on every load.</summary>
    public async Task<HttpExchange?> SecondBaselineAsync(CancellationToken cancellationToken) =>
        _baseline2 ??= await SendAsync(Original, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Whether two responses are the same page: same status and same body once the injected text (raw, URL- or
    /// HTML-encoded) and volatile tokens (long hex ids, clock times) are taken out.
    /// </summary>
    public static bool SamePage(HttpExchange a, HttpExchange b, params string[] injected)
    {
        if (a.Status != b.Status)
        {
            return false;
        }

        return Normalize(a.Body, injected) == Normalize(b.Body, injected);
    }

    private static string Normalize(string body, string[] injected)
    {
        var text = body;
        foreach (var value in injected.Where(v => v.Length > 0).OrderByDescending(v => v.Length))
        {
            foreach (var form in new[] { value, WebUtility.HtmlEncode(value), Uri.EscapeDataString(value), System.Text.Json.JsonEncodedText.Encode(value).ToString() })
            {
                text = text.Replace(form, "", StringComparison.Ordinal);
            }
        }

        text = HexToken().Replace(text, "#");
        return ClockTime().Replace(text, "#");
    }

    [GeneratedRegex("[0-9a-fA-F]{16,}")]
    private static partial Regex HexToken();

    [GeneratedRegex(@"\d{1,2}:\d{2}(:\d{2})?")]
    private static partial Regex ClockTime();
}
