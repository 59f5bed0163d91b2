using MedGuard.Detection.Logic.Running;
using MedGuard.TestTargets.Booking;

namespace MedGuard.Detection.Logic.Tests;

/// <summary>
/// Each bundled scenario's positive example (the vulnerable twin: the risk is found, with evidence) and negative
/// example (the fixed twin: the control holds, 已防护 — not merely 无法判断), each on a fresh twin so one scenario's
/// bookings and cancels do not trip another's limits. Cleanup is checked on the twin's own state.
/// </summary>
public sealed class TwinScenarioTests
{
    public static TheoryData<string> Ids() => [.. TwinRun.Library.Select(s => s.Id)];

    [Theory]
    [MemberData(nameof(Ids))]
    public async Task Vulnerable_twin_shows_the_risk_and_cleanup_leaves_nothing_behind(string id)
    {
        await using var twin = await BookingApp.StartAsync(BookingMode.Vulnerable);
        var activeBefore = twin.Store.ActiveOrders.Count;
        var patientsBefore = twin.Store.Patients.Count(p => p.Bound);

        var report = await TwinRun.ScanAsync(twin, TwinRun.Scenario(id));

        var outcome = Assert.Single(report.Outcomes);
        Assert.True(outcome.Verdict == Verdict.Vulnerable, $"{id}: {outcome.Verdict} — {outcome.Reason}");
        var finding = Assert.Single(report.ToDetectionRun().Findings);
        Assert.Equal("logic-" + id, finding.RuleId);
        Assert.Contains(finding.Evidence, e => e.Key.Contains("攻击请求", StringComparison.Ordinal));
        Assert.Empty(outcome.CleanupProblems);
        Assert.Equal(activeBefore, twin.Store.ActiveOrders.Count);
        Assert.Equal(patientsBefore, twin.Store.Patients.Count(p => p.Bound));
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public async Task Fixed_twin_holds_and_cleanup_leaves_nothing_behind(string id)
    {
        await using var twin = await BookingApp.StartAsync(BookingMode.Fixed);
        var activeBefore = twin.Store.ActiveOrders.Count;

        var report = await TwinRun.ScanAsync(twin, TwinRun.Scenario(id));

        var outcome = Assert.Single(report.Outcomes);
        Assert.True(outcome.Verdict == Verdict.Enforced, $"{id}: {outcome.Verdict} — {outcome.Reason}");
        Assert.Empty(report.ToDetectionRun().Findings);
        Assert.Empty(outcome.CleanupProblems);
        Assert.Equal(activeBefore, twin.Store.ActiveOrders.Count);
    }
}
