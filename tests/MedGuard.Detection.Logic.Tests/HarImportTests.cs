using MedGuard.Detection.Logic.Profiles;
using MedGuard.Detection.Logic.Recording;
using MedGuard.Detection.Logic.Running;
using MedGuard.Detection.Logic.Scenarios;
using MedGuard.Detection.Logic.Yaml;
using MedGuard.Domain.Scope;
using MedGuard.TestTargets.Booking;

namespace MedGuard.Detection.Logic.Tests;

/// <summary>The recorder path (issue 15 §3): a HAR of one identity's normal booking becomes a profile and a scenario.</summary>
public sealed class HarImportTests
{
    private static readonly IReadOnlyList<TestIdentity> Identities = IdentitySet.Parse(
        "identities:\n  A: { login: { code: TEST_PATIENT_A } }\n  B: { login: { code: TEST_PATIENT_B } }\n", "ids.yaml");

    [Fact]
    public async Task A_recorded_booking_yields_a_scenario_that_finds_the_vulnerable_twins_bola_and_not_the_fixed_ones()
    {
        string har;
        await using (var recorded = await BookingApp.StartAsync(BookingMode.Vulnerable))
        {
            har = await HttpHarRecording.RecordBookingAsync(recorded.BaseUrl, "TEST_PATIENT_A", BookingApp.TestCaptchaTicket);
        }

        var import = HarImporter.Parse(har, "booking.har");
        var profile = ScenarioLoader.ParseProfile(import.ProfileYaml, "booking.profile.yaml");
        var scenario = ScenarioLoader.Parse(import.ScenarioYaml, "booking.scenario.yaml");

        // The chain: the cancel's orderId comes from the booking's response; ids, dates and prices are marked.
        Assert.Contains("orderId: \"data.orderId\"", import.ProfileYaml, StringComparison.Ordinal);
        Assert.Contains("undo: { call: reg_cancel, key: orderId }", import.ProfileYaml, StringComparison.Ordinal);
        Assert.Contains("对象 id（越权测试）", import.ProfileYaml, StringComparison.Ordinal);
        Assert.Equal("reg_cancel", scenario.Probe[0].Call);
        Assert.Equal("B", scenario.Probe[0].As);
        Assert.Equal("token", profile.TokenHeader);
        Assert.Equal("data.token", profile.LoginTokenPath);

        // The reviewer fills in the session-expired code the HAR could not show.
        profile = profile with { Envelope = profile.Envelope with { SessionExpired = ["4010"] } };
        await using (var vulnerable = await BookingApp.StartAsync(BookingMode.Vulnerable))
        {
            var report = await LogicScanner.ScanAsync(Options(vulnerable, profile, scenario));
            Assert.True(report.Outcomes[0].Verdict == Verdict.Vulnerable, report.Outcomes[0].Reason);
            Assert.DoesNotContain(vulnerable.Store.ActiveOrders, o => o.OrderId > 100002);
        }

        await using (var fixedTwin = await BookingApp.StartAsync(BookingMode.Fixed))
        {
            var report = await LogicScanner.ScanAsync(Options(fixedTwin, profile, scenario));
            Assert.True(report.Outcomes[0].Verdict == Verdict.Enforced, report.Outcomes[0].Reason);
            Assert.DoesNotContain(fixedTwin.Store.ActiveOrders, o => o.OrderId > 100002);
        }
    }

    [Fact]
    public async Task The_chromium_recorded_fixture_yields_a_scenario_that_finds_the_vulnerable_twins_bola()
    {
        // Recorded by the booking twin's BookingHarRecorder in headless chromium (pay sits between book and cancel).
        var import = HarImporter.Import(Path.Combine(AppContext.BaseDirectory, "Fixtures", "booking-patient-a.har"));
        await AssertFindsBolaAsync(import);
    }

    [Fact]
    public async Task A_live_chromium_recording_yields_a_scenario_that_finds_the_vulnerable_twins_bola()
    {
        var har = Path.Combine(Path.GetTempPath(), $"booking-{Guid.NewGuid():N}.har");
        try
        {
            await using (var recorded = await BookingApp.StartAsync(BookingMode.Vulnerable))
            {
                await BookingHarRecorder.RecordAsync(recorded.BaseUrl, "TEST_PATIENT_A", har);
                Assert.DoesNotContain(recorded.Store.ActiveOrders, o => o.OrderId > 100002);
            }

            await AssertFindsBolaAsync(HarImporter.Import(har));
        }
        finally
        {
            File.Delete(har);
        }
    }

    private static async Task AssertFindsBolaAsync(HarImport import)
    {
        var profile = ScenarioLoader.ParseProfile(import.ProfileYaml, "booking.profile.yaml") is var p
            ? p with { Envelope = p.Envelope with { SessionExpired = ["4010"] } }
            : null!;
        var scenario = ScenarioLoader.Parse(import.ScenarioYaml, "booking.scenario.yaml");
        Assert.Equal("reg_cancel", scenario.Probe[0].Call);
        await using (var vulnerable = await BookingApp.StartAsync(BookingMode.Vulnerable))
        {
            var report = await LogicScanner.ScanAsync(Options(vulnerable, profile, scenario));
            Assert.True(report.Outcomes[0].Verdict == Verdict.Vulnerable, report.Outcomes[0].Reason + "\n" + import.ScenarioYaml);
            Assert.Single(report.ToDetectionRun().Findings);
            Assert.DoesNotContain(vulnerable.Store.ActiveOrders, o => o.OrderId > 100002);
        }

        await using var fixedTwin = await BookingApp.StartAsync(BookingMode.Fixed);
        var held = await LogicScanner.ScanAsync(Options(fixedTwin, profile, scenario));
        Assert.True(held.Outcomes[0].Verdict == Verdict.Enforced, held.Outcomes[0].Reason);
        Assert.DoesNotContain(fixedTwin.Store.ActiveOrders, o => o.OrderId > 100002);
    }

    [Theory]
    [InlineData("{\"log\": {\"entries\": [", "booking.har:1: HAR 不是有效的 JSON")]
    [InlineData("{\"log\": {}}", "缺少 log.entries")]
    [InlineData("{\"log\": {\"entries\": [{\"request\": {}}]}}", "第 1 条记录缺少 request.method")]
    [InlineData("{\"log\": {\"entries\": []}}", "没有 JSON 接口调用")]
    [InlineData("{\n\"log\": {\n\"entries\": [\n}", "booking.har:4:")]
    public void A_malformed_har_gives_a_chinese_error_with_file_and_line(string har, string expected)
    {
        var ex = Assert.Throws<LogicFormatException>(() => HarImporter.Parse(har, "booking.har"));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_oversized_har_is_refused_before_it_is_read()
    {
        var path = Path.Combine(Path.GetTempPath(), $"huge-{Guid.NewGuid():N}.har");
        try
        {
            using (var f = File.Create(path))
            {
                f.SetLength(HarImporter.MaxHarBytes + 1);
            }

            Assert.Contains("过大", Assert.Throws<LogicFormatException>(() => HarImporter.Import(path)).Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static LogicScanOptions Options(RunningBooking twin, ServiceProfile profile, Scenario scenario) => new()
    {
        Scope = AuthorizedScope.ForOrigin(twin.BaseUrl),
        Profile = profile,
        BaseUrl = twin.BaseUrl,
        Scenarios = [scenario],
        Identities = Identities,
        RatePerSecond = 200,
    };
}
