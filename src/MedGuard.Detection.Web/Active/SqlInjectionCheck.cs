using MedGuard.Detection.Web.Http;
using MedGuard.Detection.Web.Scanning;
using MedGuard.Domain.Findings;

namespace MedGuard.Detection.Web.Active;

/// <summary>
/// SQL injection (SQL注入), three techniques in order of cost: error-based (database error signatures), boolean
/// differential (a true condition keeps the page, a false one changes it — as in the seed's
/// <c>' and (select length(user) from dual)=8 and 's' like 's</c>), and time-based with statistical confirmation.
/// Payloads only read; none writes or deletes.
/// </summary>
public sealed class SqlInjectionCheck(TimeSpan? shortestDelay = null) : IActiveCheck
{
    private const string Title = "SQL注入";

    /// <summary>Delay of the first time-based probe, unless the endpoint's timing noise asks for a longer one.</summary>
    private readonly double _shortestDelay = Math.Max(0.1, (shortestDelay ?? TimeSpan.FromSeconds(0.5)).TotalSeconds);

    public string RuleId => "sqli";

    public async Task<WebFinding?> RunAsync(ActiveProbe probe, CancellationToken cancellationToken)
    {
        var baseline = await probe.BaselineAsync(cancellationToken).ConfigureAwait(false);
        if (baseline is null)
        {
            return null;
        }

        return await ErrorBasedAsync(probe, baseline, cancellationToken).ConfigureAwait(false)
               ?? await BooleanAsync(probe, baseline, cancellationToken).ConfigureAwait(false)
               ?? await LoginBypassAsync(probe, baseline, cancellationToken).ConfigureAwait(false)
               ?? await TimeBasedAsync(probe, baseline, cancellationToken).ConfigureAwait(false);
    }

    private async Task<WebFinding?> ErrorBasedAsync(ActiveProbe probe, HttpExchange baseline, CancellationToken ct)
    {
        if (SqlErrorSignatures.Identify(baseline.Body) is not null)
        {
            return null; // the page shows a database error anyway: no signal
        }

        var first = await probe.SendAsync(probe.Original + "'\"", ct).ConfigureAwait(false);
        var dbms = first is null ? null : SqlErrorSignatures.Identify(first.Body);
        if (dbms is null)
        {
            return null;
        }

        // Confirm with a different malformed value that must raise the same database's error.
        var second = await probe.SendAsync(probe.Original + "')", ct).ConfigureAwait(false);
        if (second is null || SqlErrorSignatures.Identify(second.Body) != dbms)
        {
            return null;
        }

        return Report(probe, first!, "error", new Dictionary<string, string> { ["dbms"] = dbms, ["confirmRequest"] = second.RawRequest });
    }

    private async Task<WebFinding?> BooleanAsync(ActiveProbe probe, HttpExchange baseline, CancellationToken ct)
    {
        var again = await probe.SecondBaselineAsync(ct).ConfigureAwait(false);
        if (again is null || !ActiveProbe.SamePage(baseline, again))
        {
            return null; // the page changes by itself: a difference would prove nothing
        }

        var v = probe.Original;
        var pairs = new List<(string True, string False, string TrueConfirm, string FalseConfirm)>
        {
            (v + "' AND 'mg'='mg", v + "' AND 'mg'='mh", v + "' AND 's' LIKE 's", v + "' AND 's' LIKE 't"),
        };
        if (probe.IsNumeric)
        {
            pairs.Add((v + " AND 1=1", v + " AND 1=2", v + " AND 3>2", v + " AND 2>3"));
        }

        pairs.Add((v + "\" AND \"mg\"=\"mg", v + "\" AND \"mg\"=\"mh", v + "\" AND \"s\" LIKE \"s", v + "\" AND \"s\" LIKE \"t"));
        foreach (var (t, f, t2, f2) in pairs)
        {
            var trueResponse = await probe.SendAsync(t, ct).ConfigureAwait(false);
            if (trueResponse is null || !ActiveProbe.SamePage(baseline, trueResponse, t, v))
            {
                continue;
            }

            var falseResponse = await probe.SendAsync(f, ct).ConfigureAwait(false);
            if (falseResponse is null || ActiveProbe.SamePage(baseline, falseResponse, f, v))
            {
                continue;
            }

            // Second, different pair: the same logic written another way must behave the same.
            var trueConfirm = await probe.SendAsync(t2, ct).ConfigureAwait(false);
            var falseConfirm = trueConfirm is null ? null : await probe.SendAsync(f2, ct).ConfigureAwait(false);
            if (trueConfirm is null || falseConfirm is null
                || !ActiveProbe.SamePage(baseline, trueConfirm, t2, v) || ActiveProbe.SamePage(baseline, falseConfirm, f2, v))
            {
                continue;
            }

            return Report(probe, trueResponse, "boolean", new Dictionary<string, string>
            {
                ["falseRequest"] = falseResponse.RawRequest,
                ["falseResponse"] = falseResponse.RawResponse,
                ["confirmRequest"] = trueConfirm.RawRequest,
            });
        }

        return null;
    }

    /// <summary>
    /// Login bypass (万能密码): on a login, an AND condition changes nothing (a failed login stays failed), but an OR
    /// condition that is true lets the query match a row — the page changes — while the false one leaves the failed
    /// login as it was. Confirmed by a second pair written another way. Tried only where a password is submitted: an OR
    /// that is always true widens what a statement touches, which is harmless only in a login's SELECT.
    /// </summary>
    private async Task<WebFinding?> LoginBypassAsync(ActiveProbe probe, HttpExchange baseline, CancellationToken ct)
    {
        if (!probe.Endpoint.Parameters.Any(IsPassword))
        {
            return null;
        }

        var again = await probe.SecondBaselineAsync(ct).ConfigureAwait(false);
        if (again is null || !ActiveProbe.SamePage(baseline, again))
        {
            return null;
        }

        var v = probe.Original;
        var pairs = new List<(string True, string False, string TrueConfirm, string FalseConfirm)>
        {
            (v + "' OR 'mg'='mg", v + "' OR 'mg'='mh", v + "' OR 's' LIKE 's", v + "' OR 's' LIKE 't"),
            (v + "' OR 'mg'='mg'-- ", v + "' OR 'mg'='mh'-- ", v + "' OR 's' LIKE 's'-- ", v + "' OR 's' LIKE 't'-- "),
        };
        if (probe.IsNumeric)
        {
            pairs.Add((v + " OR 1=1", v + " OR 1=2", v + " OR 3>2", v + " OR 2>3"));
        }

        foreach (var (t, f, t2, f2) in pairs)
        {
            var trueResponse = await probe.SendAsync(t, ct).ConfigureAwait(false);
            if (trueResponse is null || ActiveProbe.SamePage(baseline, trueResponse, t, v))
            {
                continue;
            }

            var falseResponse = await probe.SendAsync(f, ct).ConfigureAwait(false);
            if (falseResponse is null || !ActiveProbe.SamePage(baseline, falseResponse, f, v))
            {
                continue;
            }

            var trueConfirm = await probe.SendAsync(t2, ct).ConfigureAwait(false);
            var falseConfirm = trueConfirm is null ? null : await probe.SendAsync(f2, ct).ConfigureAwait(false);
            if (trueConfirm is null || falseConfirm is null
                || ActiveProbe.SamePage(baseline, trueConfirm, t2, v) || !ActiveProbe.SamePage(baseline, falseConfirm, f2, v)
                || !SameOutcome(trueResponse, trueConfirm))
            {
                continue;
            }

            return Report(probe, trueResponse, "login-bypass", new Dictionary<string, string>
            {
                ["falseRequest"] = falseResponse.RawRequest,
                ["falseResponse"] = falseResponse.RawResponse,
                ["confirmRequest"] = trueConfirm.RawRequest,
            });
        }

        return null;
    }

    // Both true conditions led to the same place: same status, and the same redirect target if any.
    private static bool SameOutcome(HttpExchange a, HttpExchange b) =>
        a.Status == b.Status && string.Equals(a.Header("Location"), b.Header("Location"), StringComparison.Ordinal);

    private static bool IsPassword(Crawl.EndpointParameter p) =>
        p.InputType == "password" || System.Text.RegularExpressions.Regex.IsMatch(p.Name, "(?i)(passw|pwd|passwd|^pass$|密码)", System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1));

    private async Task<WebFinding?> TimeBasedAsync(ActiveProbe probe, HttpExchange baseline, CancellationToken ct)
    {
        // Baseline timing from three unmodified requests.
        var samples = new List<double> { baseline.Elapsed.TotalSeconds };
        if (await probe.SecondBaselineAsync(ct).ConfigureAwait(false) is { } b2)
        {
            samples.Add(b2.Elapsed.TotalSeconds);
        }

        if (await probe.SendAsync(probe.Original, ct).ConfigureAwait(false) is { } b3)
        {
            samples.Add(b3.Elapsed.TotalSeconds);
        }

        var mean = samples.Average();
        var sd = Math.Sqrt(samples.Sum(s => (s - mean) * (s - mean)) / Math.Max(1, samples.Count - 1));
        var noise = Math.Max(4 * sd, 0.25);
        if (mean + noise > probe.Pipeline.Options.Timeout.TotalSeconds / 3)
        {
            return null; // too slow or too noisy to time reliably within the timeout
        }

        var q = probe.IsNumeric ? "" : "'";
        var comment = probe.IsNumeric ? "" : "-- ";
        var templates = new DelayTemplate[]
        {
            new(s => $"{q} AND (SELECT 1 FROM (SELECT SLEEP({Seconds(s)}))mg) AND {q}1{q}={q}1"),
            new(s => $"{q}; SELECT SLEEP({Seconds(s)});{comment}"),
            new(s => $"{q}; SELECT pg_sleep({Seconds(s)});{comment}"),
            new(s => $"{q}; WAITFOR DELAY '{TimeSpan.FromSeconds(s).ToString(@"hh\:mm\:ss\.fff", System.Globalization.CultureInfo.InvariantCulture)}';{comment}"),
            new(s => $"{q} AND 1=DBMS_PIPE.RECEIVE_MESSAGE('mg',{Seconds(s)}) AND {q}1{q}={q}1", WholeSeconds: true),
        };

        // The first delay stands clear of this endpoint's timing noise (twice the noise band, at least the configured
        // shortest); the confirmation doubles it. On a steady LAN endpoint that is 0.5 s and 1 s: a positive costs
        // about 1.5 s of waiting, not the 5–10 s of fixed whole-second delays.
        var first = Math.Ceiling(Math.Max(_shortestDelay, 2 * noise) * 10) / 10;
        foreach (var template in templates)
        {
            var d1 = template.Effective(first);
            var d2 = template.Effective(2 * first);
            var slow = await probe.SendAsync(probe.Original + template.Render(d1), ct).ConfigureAwait(false);
            if (slow is null || slow.Elapsed.TotalSeconds - mean < 0.8 * d1 || slow.Elapsed.TotalSeconds < mean + noise)
            {
                continue;
            }

            // Statistical confirmation: zero delay is fast again, and a doubled delay takes about twice as long.
            var zero = await probe.SendAsync(probe.Original + template.Render(0), ct).ConfigureAwait(false);
            if (zero is null || zero.Elapsed.TotalSeconds > mean + noise + (0.5 * d1))
            {
                continue;
            }

            var slower = await probe.SendAsync(probe.Original + template.Render(d2), ct).ConfigureAwait(false);
            if (slower is null || slower.Elapsed.TotalSeconds - mean < 0.8 * d2 || slower.Elapsed.TotalSeconds - slow.Elapsed.TotalSeconds < 0.5 * (d2 - d1))
            {
                continue;
            }

            // And fast once more: a server that slowed down for reasons of its own (load, a pause) and happened to do so
            // in step with the payloads rarely also recovers in step. Costs one request, only on an apparent positive.
            var zeroAgain = await probe.SendAsync(probe.Original + template.Render(0), ct).ConfigureAwait(false);
            if (zeroAgain is null || zeroAgain.Elapsed.TotalSeconds > mean + noise + (0.5 * d1))
            {
                continue;
            }

            return Report(probe, slow, "time", new Dictionary<string, string>
            {
                ["timing"] = string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"基线 {mean:0.000}s±{sd:0.000}；延时{d1}s → {slow.Elapsed.TotalSeconds:0.000}s；延时0 → {zero.Elapsed.TotalSeconds:0.000}s；延时{d2}s → {slower.Elapsed.TotalSeconds:0.000}s；延时0 → {zeroAgain.Elapsed.TotalSeconds:0.000}s"),
                ["confirmRequest"] = slower.RawRequest,
            });
        }

        return null;
    }

    /// <summary>A delay payload for one database dialect; Oracle's DBMS_PIPE wait takes whole seconds only.</summary>
    private sealed record DelayTemplate(Func<double, string> Render, bool WholeSeconds = false)
    {
        public double Effective(double seconds) => WholeSeconds ? Math.Ceiling(seconds) : seconds;
    }

    private static string Seconds(double seconds) => seconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);

    private WebFinding Report(ActiveProbe probe, HttpExchange proof, string technique, Dictionary<string, string> extra) =>
        WebFinding.From(RuleId, Title, Severity.High, proof, probe.Parameter.Name, technique, "CWE-89",
            InjectionRefs.InputValidation, InjectionRefs.HighRiskInput,
            "使用参数化查询（预编译语句）访问数据库，不要把用户输入拼接进 SQL；数据库账户最小权限；关闭详细错误回显。", extra);
}
