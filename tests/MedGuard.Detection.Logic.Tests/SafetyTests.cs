using MedGuard.Detection.Logic.Profiles;
using MedGuard.Detection.Logic.Running;
using MedGuard.Detection.Logic.Scenarios;
using MedGuard.Detection.Web.Http;
using MedGuard.Domain.Scope;
using MedGuard.TestTargets.Booking;

namespace MedGuard.Detection.Logic.Tests;

/// <summary>Safety first (issue 15 §4): expired sessions, budgets, authorization and scope, whole-library cleanup.</summary>
public sealed class SafetyTests
{
    [Fact]
    public async Task A_token_that_expires_mid_run_without_a_login_recipe_is_inconclusive_never_a_finding()
    {
        // Fixed identities (pasted tokens, no recipe) on the vulnerable twin: were the expiry read as a refusal, the
        // cancel would look "enforced"; were it ignored, B's cancel would look accepted.
        await using var twin = await BookingApp.StartAsync(BookingMode.Vulnerable, new BookingOptions { TokenLifetime = TimeSpan.FromMilliseconds(700) });
        var identities = new List<TestIdentity>
        {
            new("A") { Headers = [new("token", await TwinRun.TokenAsync(twin, "TEST_PATIENT_A"))] },
            new("B") { Headers = [new("token", await TwinRun.TokenAsync(twin, "TEST_PATIENT_B"))] },
        };
        await Task.Delay(TimeSpan.FromSeconds(1));

        var report = await LogicScanner.ScanAsync(TwinRun.Options(twin, [TwinRun.Scenario("bola-cancel-swapped")], identities));

        var outcome = Assert.Single(report.Outcomes);
        Assert.Equal(Verdict.Inconclusive, outcome.Verdict);
        Assert.Contains("会话", outcome.Reason, StringComparison.Ordinal);
        Assert.Empty(report.ToDetectionRun().Findings);
        Assert.Contains(report.ToDetectionRun().Coverage, c => c.Reason.StartsWith("无法判断", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_session_expired_mid_run_is_logged_in_again_by_the_recipe_and_the_verdict_stands()
    {
        await using var twin = await BookingApp.StartAsync(BookingMode.Vulnerable);
        var options = TwinRun.Options(twin, [TwinRun.Scenario("bola-cancel-swapped"), TwinRun.Scenario("bola-order-read-swapped")]) with
        {
            // After the first scenario every session ends: the second must log in again, not call it enforced.
            Progress = _ => twin.Store.ExpireTokens(),
        };

        var report = await LogicScanner.ScanAsync(options);

        Assert.All(report.Outcomes, o => Assert.Equal(Verdict.Vulnerable, o.Verdict));
    }

    [Fact]
    public async Task The_budget_stops_a_scenario_that_would_exceed_it_and_cleanup_still_runs()
    {
        await using var twin = await BookingApp.StartAsync(BookingMode.Vulnerable);
        var tight = TwinRun.Scenario("bola-cancel-swapped") with { MaxRequests = 5 }; // pickSchedule (4) + book (1), no room for the probe

        var report = await TwinRun.ScanAsync(twin, tight);

        var outcome = Assert.Single(report.Outcomes);
        Assert.Equal(Verdict.Inconclusive, outcome.Verdict);
        Assert.True(outcome.BudgetExceeded);
        Assert.Contains("预算", outcome.Reason, StringComparison.Ordinal);
        Assert.Equal(5, twin.Store.RequestsTo("/api/reg/confirm") + twin.Store.RequestsTo("/api/hos/deptList") + twin.Store.RequestsTo("/api/hos/doctorList")
            + twin.Store.RequestsTo("/api/reg/scheduleList") + twin.Store.RequestsTo("/api/patient/list"));
        Assert.Equal(0, twin.Store.RequestsTo("/api/order/detail"));
        Assert.Equal(1, outcome.Undone); // the booking made before the stop was cancelled
        Assert.DoesNotContain(twin.Store.ActiveOrders, o => o.OrderId > 100002);
    }

    [Fact]
    public async Task The_run_budget_stops_the_run_and_says_which_scenarios_did_not_run()
    {
        await using var twin = await BookingApp.StartAsync(BookingMode.Vulnerable);
        var options = TwinRun.Options(twin, TwinRun.Library) with { MaxRequests = 20 };

        var report = await LogicScanner.ScanAsync(options);

        Assert.NotEmpty(report.Limitations);
        Assert.Contains(report.ToDetectionRun().Coverage, c => c.Reason.Contains("请求上限", StringComparison.Ordinal));
        Assert.DoesNotContain(twin.Store.ActiveOrders, o => o.OrderId > 100002);
    }

    [Fact]
    public async Task An_authorization_that_does_not_name_logic_refuses_before_anything_is_sent()
    {
        await using var twin = await BookingApp.StartAsync(BookingMode.Vulnerable);
        var options = TwinRun.Options(twin, TwinRun.Library) with { AuthorizedDetectors = ["web", "ports"] };

        await Assert.ThrowsAsync<ScanRefusedException>(() => LogicScanner.ScanAsync(options));
        Assert.Equal(0, twin.Store.RequestCount);

        var permitted = await LogicScanner.RunAsync(options with { AuthorizedDetectors = ["web", "logic"], Scenarios = [TwinRun.Scenario("error-page-leak")] });
        Assert.Equal("logic", permitted.DetectorId);
    }

    [Fact]
    public async Task A_target_outside_the_scope_is_refused()
    {
        await using var twin = await BookingApp.StartAsync(BookingMode.Vulnerable);
        var options = TwinRun.Options(twin, TwinRun.Library) with { Scope = AuthorizedScope.ForOrigin(new Uri("http://127.0.0.1:1/")) };

        await Assert.ThrowsAsync<OutOfScopeException>(() => LogicScanner.ScanAsync(options));
        Assert.Equal(0, twin.Store.RequestCount);
    }

    [Fact]
    public async Task A_booking_outside_the_test_departments_is_refused_by_the_runner()
    {
        await using var twin = await BookingApp.StartAsync(BookingMode.Vulnerable);
        var scenario = ScenarioLoader.Parse(
            """
            id: clinical-booking
            title: 在临床科室预约
            risk: 测试
            severity: 低
            cwe: 841
            identities: [A]
            budget: { maxRequests: 10 }
            setup:
              - { as: A, call: listDepartments, extract: { deptId: "data[?isTestDept==false].deptId" } }
            probe:
              - { as: A, call: book, with: { scheduleId: 20001, patientId: 5001 } }
            """,
            "clinical.yaml");

        var report = await TwinRun.ScanAsync(twin, scenario);

        Assert.Equal(Verdict.Inconclusive, report.Outcomes[0].Verdict);
        Assert.Contains("测试科室", report.Outcomes[0].Reason, StringComparison.Ordinal);
        Assert.Equal(0, twin.Store.RequestsTo("/api/reg/confirm"));
    }

    [Fact]
    public async Task The_whole_library_finds_every_risk_on_the_vulnerable_twin_and_leaves_no_booking_or_card_behind()
    {
        await using var twin = await BookingApp.StartAsync(BookingMode.Vulnerable);
        var cards = twin.Store.Patients.Count(p => p.Bound);

        var report = await LogicScanner.ScanAsync(TwinRun.Options(twin, TwinRun.Library));

        Assert.All(report.Outcomes, o => Assert.True(o.Verdict == Verdict.Vulnerable, $"{o.Scenario.Id}: {o.Reason}"));
        var run = report.ToDetectionRun();
        Assert.Equal(TwinRun.Library.Count, run.Findings.Count);
        Assert.True(run.Statistics.Requests < 200, $"{run.Statistics.Requests} requests");
        Assert.DoesNotContain(twin.Store.ActiveOrders, o => o.OrderId > 100002);
        Assert.Equal(cards, twin.Store.Patients.Count(p => p.Bound));

        // Evidence is masked: no synthetic patient's full phone number or ID number leaves the engine.
        var evidence = string.Join("\n", run.Findings.SelectMany(f => f.Evidence.Values));
        Assert.DoesNotContain(twin.Store.Patients.First().IdCardNo, evidence, StringComparison.Ordinal);
        Assert.DoesNotContain(twin.Store.Patients.First().Phone, evidence, StringComparison.Ordinal);
        Assert.Contains("[已隐去]", evidence, StringComparison.Ordinal); // the identities' tokens
    }

    [Fact]
    public async Task The_whole_library_reports_nothing_on_the_fixed_twin()
    {
        await using var twin = await BookingApp.StartAsync(BookingMode.Fixed);

        var report = await LogicScanner.ScanAsync(TwinRun.Options(twin, TwinRun.Library));

        Assert.Empty(report.ToDetectionRun().Findings);
        Assert.DoesNotContain(report.Outcomes, o => o.Verdict == Verdict.Vulnerable);
        Assert.DoesNotContain(twin.Store.ActiveOrders, o => o.OrderId > 100002);

        // No 已防护 rests on a probe that the burst limit or the cancel freeze refused before the control under test.
        Assert.DoesNotContain(report.Outcomes, o => o.Verdict == Verdict.Enforced && !o.Scenario.MeasuresAntiAutomation
            && o.Evidence.Any(e => e.Phase == "Probe" && e.Answer.Code is "4290" or "4003"));
    }

    [Fact]
    public async Task A_probe_refused_by_the_burst_limit_is_inconclusive_not_enforced()
    {
        await using var twin = await BookingApp.StartAsync(BookingMode.Fixed);

        // The burst scenario leaves A with 3 confirms in 10 s; the captcha probe right after meets 4290, not the captcha check.
        var report = await TwinRun.ScanAsync(twin, TwinRun.Scenario("scalping-burst"), TwinRun.Scenario("scalping-no-captcha"));

        Assert.Equal(Verdict.Enforced, report.Outcomes[0].Verdict);
        var captcha = report.Outcomes[1];
        Assert.True(captcha.Verdict == Verdict.Inconclusive, captcha.Reason);
        Assert.Contains("4290", captcha.Reason, StringComparison.Ordinal);
    }
}
