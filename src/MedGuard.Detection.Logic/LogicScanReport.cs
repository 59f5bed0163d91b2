using System.Globalization;
using MedGuard.Detection.Logic.Running;
using MedGuard.Detection.Logic.Scenarios;
using MedGuard.Domain.Detection;
using MedGuard.Domain.Findings;

namespace MedGuard.Detection.Logic;

/// <summary>A logic scan's result: each scenario's outcome, what the run cost, and its DetectionRun (detector "logic").</summary>
public sealed record LogicScanReport
{
    public const string DetectorId = "logic";

    public required Uri BaseUrl { get; init; }

    public required string Scope { get; init; }

    public required IReadOnlyList<ScenarioOutcome> Outcomes { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required DateTimeOffset EndedAt { get; init; }

    public long Requests { get; init; }

    /// <summary>Why the run saw less than asked (run budget used up, scenarios not run).</summary>
    public IReadOnlyList<string> Limitations { get; init; } = [];

    public string Origin => BaseUrl.GetLeftPart(UriPartial.Authority);

    public string Summary =>
        $"{Outcomes.Count} 个场景：{Count(Verdict.Vulnerable)} 个存在风险，{Count(Verdict.Enforced)} 个已防护，{Count(Verdict.Inconclusive)} 个无法判断；发送 {Requests} 个请求，用时 {(EndedAt - StartedAt).TotalSeconds:0.0} 秒";

    public int Count(Verdict verdict) => Outcomes.Count(o => o.Verdict == verdict);

    public IEnumerable<Finding> Findings => Outcomes.Where(o => o.Verdict == Verdict.Vulnerable).Select(ToFinding);

    public DetectionRun ToDetectionRun() => new()
    {
        DetectorId = DetectorId,
        DetectorVersion = DetectionRun.VersionOf(typeof(LogicScanReport).Assembly),
        Scope = Scope,
        Target = BaseUrl.ToString(),
        StartedAt = StartedAt,
        EndedAt = EndedAt,
        Statistics = new DetectionStatistics { Requests = Requests },
        Coverage =
        [
            // Subject ORIGIN#RULE (DetectionRun.Covers): an inconclusive scenario keeps its own earlier findings open
            // without voiding the other scenarios' verdicts.
            .. Outcomes.Where(o => o.Verdict == Verdict.Inconclusive).Select(o => new CoverageNote($"{Origin}#{RuleIdOf(o.Scenario)}", $"无法判断：{o.Reason}")),
            .. Outcomes.SelectMany(o => o.CleanupProblems.Select(p => new CoverageNote($"{Origin}#{RuleIdOf(o.Scenario)}", p))),
            .. Limitations.Select(l => new CoverageNote(Origin, l)),
        ],
        Findings = DetectionRun.MergeByFingerprint(Findings),
        Figures =
        [
            new("scenarios", Outcomes.Count),
            new("vulnerable", Count(Verdict.Vulnerable)),
            new("enforced", Count(Verdict.Enforced)),
            new("inconclusive", Count(Verdict.Inconclusive)),
            new("undone", Outcomes.Sum(o => o.Undone)),
        ],
        Covered = [Origin],
    };

    /// <summary>A scenario's findings carry this rule id (and its coverage notes name it).</summary>
    public static string RuleIdOf(Scenario scenario) => "logic-" + scenario.Id;

    private Finding ToFinding(ScenarioOutcome o)
    {
        var s = o.Scenario;
        var probe = o.Evidence.FirstOrDefault(e => e.Phase == "Probe") ?? o.Evidence[0];
        var evidence = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["判定"] = o.Reason,
            ["场景"] = $"{s.Id}（{s.Source}）",
            ["分类"] = string.Join(" · ", new[] { string.Join("、", s.Cwe), s.Owasp is null ? null : "OWASP " + s.Owasp, s.Oat }.Where(x => x is not null)),
            ["请求数"] = o.Requests.ToString(CultureInfo.InvariantCulture),
            ["用时"] = $"{o.Elapsed.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms",
        };
        var n = 0;
        foreach (var e in o.Evidence.Where(e => e.Phase == "Probe").Take(1).Concat(o.Evidence.Where(e => e.Phase == "Probe").Skip(1).TakeLast(1)).Concat(o.Evidence.Where(e => e.Phase == "Proof")))
        {
            n++;
            var label = e.Phase == "Proof" ? "复查" : "攻击";
            evidence[$"{n}.{label}请求（{e.Identity}）"] = e.Exchange.RawRequest;
            evidence[$"{n}.{label}响应"] = e.Exchange.RawResponse;
        }

        return new Finding
        {
            RuleId = RuleIdOf(s),
            Title = s.Title,
            Severity = s.Severity,
            Target = WebTarget.FromUrl(probe.Exchange.Request.Url, null) with { Method = probe.Exchange.Request.Method },
            Locations = [.. o.Evidence.Where(e => e.Phase == "Probe").Select(e => $"{e.Exchange.Request.Method} {e.Exchange.Request.Url.AbsolutePath}").Distinct()],
            Evidence = EvidenceMask.Mask(evidence),
            Cwe = s.Cwe[0],
            StandardRefs = s.StandardRefs,
            Remediation = s.Remediation,
            Technique = s.Risk,
        };
    }
}
