using System.Text.RegularExpressions;
using MedGuard.Detection.Web.Http;

namespace MedGuard.Detection.Web.Crawl;

/// <summary>
/// How a site answers for a file that does not exist. Many sites answer 200 (or redirect to the home page) for any
/// path; a file check must not report a file the site only pretends to have. Built from two random paths.
/// </summary>
public sealed partial class Soft404Profile
{
    private readonly List<(HttpExchange Exchange, string Probe)> _samples = [];

    public static async Task<Soft404Profile> BuildAsync(SafeHttpPipeline pipeline, Uri origin, CancellationToken cancellationToken)
    {
        var profile = new Soft404Profile();
        var token = Guid.NewGuid().ToString("N")[..12];
        foreach (var probe in new[] { $"/mg{token}.bak", $"/mg{token}/" })
        {
            var exchange = await pipeline.SendAsync(ScanRequest.Get(new Uri(origin, probe)), cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!exchange.Failed)
            {
                profile._samples.Add((exchange, probe));
            }
        }

        return profile;
    }

    /// <summary>True if the site answers arbitrary paths with a success status (a "soft 404" site).</summary>
    public bool SiteAnswersEverything => _samples.Any(s => s.Exchange.Status is >= 200 and < 300);

    public bool LooksNotFound(HttpExchange exchange)
    {
        if (exchange.Status is 404 or 410)
        {
            return true;
        }

        foreach (var (sample, probe) in _samples)
        {
            if (sample.Status != exchange.Status)
            {
                continue;
            }

            if (exchange.Status is >= 300 and < 400)
            {
                if (string.Equals(sample.Header("Location"), exchange.Header("Location"), StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }

                continue;
            }

            if (Similar(Normalize(sample.Body, probe), Normalize(exchange.Body, exchange.Request.Url.AbsolutePath)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Token-set similarity of two bodies with the requested path removed (not-found pages often echo it).</summary>
    public static bool Similar(string a, string b)
    {
        if (a == b)
        {
            return true;
        }

        var lengthRatio = (double)Math.Min(a.Length, b.Length) / Math.Max(1, Math.Max(a.Length, b.Length));
        if (lengthRatio < 0.8)
        {
            return false;
        }

        var ta = Tokens(a);
        var tb = Tokens(b);
        if (ta.Count == 0 && tb.Count == 0)
        {
            return true;
        }

        var inter = ta.Count(tb.Contains);
        var union = ta.Count + tb.Count - inter;
        return union == 0 || (double)inter / union >= 0.9;
    }

    private static string Normalize(string body, string path)
    {
        var text = body;
        foreach (var piece in new[] { path, Uri.EscapeDataString(path), path.Trim('/') })
        {
            if (piece.Length > 0)
            {
                text = text.Replace(piece, "", StringComparison.OrdinalIgnoreCase);
            }
        }

        return Digits().Replace(text, "0");
    }

    private static HashSet<string> Tokens(string text) =>
        [.. WordSplit().Split(text).Where(t => t.Length > 0)];

    [GeneratedRegex(@"\d+")]
    private static partial Regex Digits();

    [GeneratedRegex(@"[^\p{L}\p{N}]+")]
    private static partial Regex WordSplit();
}
