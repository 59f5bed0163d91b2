using System.Net.Http.Json;
using System.Text.Json;
using MedGuard.Detection.Logic.Profiles;
using MedGuard.Detection.Logic.Scenarios;
using MedGuard.Domain.Scope;
using MedGuard.TestTargets.Booking;

namespace MedGuard.Detection.Logic.Tests;

/// <summary>Starts a booking twin on 127.0.0.1 and runs scenarios against it with the bundled profile.</summary>
internal static class TwinRun
{
    public static readonly ServiceProfile Profile = ScenarioLoader.LoadBundledProfile();

    public static readonly IReadOnlyList<Scenario> Library = ScenarioLoader.LoadBundled();

    public static readonly IReadOnlyList<TestIdentity> Identities = IdentitySet.Parse(
        """
        identities:
          A: { login: { loginCode: TEST_PATIENT_A } }
          B: { login: { loginCode: TEST_PATIENT_B } }
          C: { login: { loginCode: TEST_PATIENT_C } }
        """,
        "identities.yaml");

    public static Scenario Scenario(string id) => Library.Single(s => s.Id == id);

    public static LogicScanOptions Options(RunningBooking twin, IReadOnlyList<Scenario> scenarios, IReadOnlyList<TestIdentity>? identities = null) => new()
    {
        Scope = AuthorizedScope.ForOrigin(twin.BaseUrl),
        Profile = Profile,
        BaseUrl = twin.BaseUrl,
        Scenarios = scenarios,
        Identities = identities ?? Identities,
        RatePerSecond = 200,
        Today = twin.Store.Today,
    };

    public static Task<LogicScanReport> ScanAsync(RunningBooking twin, params Scenario[] scenarios) =>
        LogicScanner.ScanAsync(Options(twin, scenarios));

    /// <summary>A token obtained outside the engine, as a tester would paste it into an identities file.</summary>
    public static async Task<string> TokenAsync(RunningBooking twin, string code)
    {
        using var http = new HttpClient { BaseAddress = twin.BaseUrl };
        using var response = await http.PostAsJsonAsync("/api/user/wxLogin", new { code });
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.GetProperty("data").GetProperty("token").GetString()!;
    }
}
