using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using MedGuard.TestTargets.Booking;

namespace MedGuard.Cli.Tests;

/// <summary>
/// <c>medguard scan logic</c> and <c>scan logic record</c> (issue 15 §6): the report's risk kinds with evidence on the
/// vulnerable twin, nothing on the fixed one, and the exit codes of <c>scan web</c> (2 bad input with file:line, 3
/// nothing reached, 4 login failed). Only twins and ports this test opened are contacted.
/// </summary>
public sealed class LogicScanCommandTests : IDisposable
{
    private readonly List<string> _files = [];

    public void Dispose()
    {
        foreach (var f in _files)
        {
            File.Delete(f);
        }
    }

    private string Write(string text, string ext = ".yaml")
    {
        var path = Path.Combine(Path.GetTempPath(), $"mg-logic-{Guid.NewGuid():N}{ext}");
        File.WriteAllText(path, text);
        _files.Add(path);
        return path;
    }

    private string Identities(string a = "TEST_PATIENT_A") =>
        Write($"identities:\n  A: {{ login: {{ loginCode: {a} }} }}\n  B: {{ login: {{ loginCode: TEST_PATIENT_B }} }}\n");

    [Fact]
    public async Task The_vulnerable_twin_shows_the_reports_three_kinds_with_evidence_and_the_fixed_twin_nothing()
    {
        await using (var twin = await BookingApp.StartAsync(BookingMode.Vulnerable))
        {
            var run = CliRun.Of("scan", "logic", "--scope", Write($"origins:\n  - {twin.BaseUrl}\n"), "--scenario", "builtin",
                "--identities", Identities(), "--format", "json", "--rate", "200");
            Assert.True(run.ExitCode == 0, run.Error);
            using var doc = JsonDocument.Parse(run.Output);
            Assert.Equal("logic", doc.RootElement.GetProperty("detector").GetString());
            var rules = doc.RootElement.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("ruleId").GetString()).ToHashSet();
            Assert.Contains("logic-bola-cancel-swapped", rules);     // 取消任意预约挂号
            Assert.Contains("logic-window-unlisted-schedule", rules); // 可挂取未开放挂号日期的号源
            Assert.Contains("logic-scalping-burst", rules);           // 黄牛抢号
            Assert.Contains("logic-error-page-leak", rules);          // 错误页面泄露服务器信息
            var evidence = doc.RootElement.GetProperty("findings")[0].GetProperty("evidence");
            Assert.Contains(evidence.EnumerateObject(), p => p.Name.Contains("攻击请求", StringComparison.Ordinal));
            Assert.DoesNotContain(twin.Store.ActiveOrders, o => o.OrderId > 100002);
        }

        await using (var twin = await BookingApp.StartAsync(BookingMode.Fixed))
        {
            var run = CliRun.Of("scan", "logic", "--scope", Write($"origins:\n  - {twin.BaseUrl}\n"), "--scenario", "builtin",
                "--identities", Identities(), "--rate", "200");
            Assert.True(run.ExitCode == 0, run.Error);
            Assert.Contains("0 个存在风险", run.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("存在风险 ", run.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_bad_scenario_exits_two_naming_file_and_line()
    {
        await using var twin = await BookingApp.StartAsync(BookingMode.Vulnerable);
        var scenario = Write("id: demo\ntitle: t\nrisk: r\nseverity: 高\ncwe: 639\nbudget: { maxRequests: 2 }\nprobe:\n  - { as: A, cal: book }\n");
        var run = CliRun.Of("scan", "logic", "--scope", Write($"origins:\n  - {twin.BaseUrl}\n"), "--scenario", scenario, "--identities", Identities());
        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"{scenario}:8:", run.Error, StringComparison.Ordinal);
        Assert.Contains("未知的键 'cal'", run.Error, StringComparison.Ordinal);
        Assert.Equal(0, twin.Store.RequestCount);
    }

    [Fact]
    public void A_target_outside_the_scope_exits_two()
    {
        var run = CliRun.Of("scan", "logic", "--scope", Write("origins:\n  - 127.0.0.1:9\n"), "--url", "http://127.0.0.2:9/", "--scenario", "builtin");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("不在授权检测范围内", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Nothing_reached_exits_three()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var run = CliRun.Of("scan", "logic", "--scope", Write($"origins:\n  - 127.0.0.1:{port}\n"), "--scenario", "builtin", "--identities", Identities());
        Assert.Equal(3, run.ExitCode);
        Assert.Contains("没有检测任何内容", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_login_that_fails_exits_four()
    {
        await using var twin = await BookingApp.StartAsync(BookingMode.Vulnerable);
        var run = CliRun.Of("scan", "logic", "--scope", Write($"origins:\n  - {twin.BaseUrl}\n"), "--scenario", "builtin", "--identities", Identities("NOT_A_TEST_CODE"));
        Assert.Equal(4, run.ExitCode);
        Assert.Contains("登录失败", run.Error, StringComparison.Ordinal);
        Assert.Equal(0, twin.Store.RequestsTo("/api/reg/confirm"));
    }

    [Fact]
    public async Task Record_turns_a_har_into_a_scenario_and_profile_that_find_the_bola()
    {
        var har = Path.Combine(AppContext.BaseDirectory, "Fixtures", "booking-patient-a.har");
        var scenario = Path.Combine(Path.GetTempPath(), $"mg-rec-{Guid.NewGuid():N}.yaml");
        var profile = Path.ChangeExtension(scenario, null) + ".profile.yaml";
        _files.AddRange([scenario, profile]);

        var record = CliRun.Of("scan", "logic", "record", har, "--out", scenario);
        Assert.True(record.ExitCode == 0, record.Error);
        Assert.True(File.Exists(profile));
        Assert.Contains("对象 id", File.ReadAllText(profile), StringComparison.Ordinal);

        // The reviewer's edit: the session-expired code the recording could not show.
        File.WriteAllText(profile, File.ReadAllText(profile).Replace("sessionExpired: []", "sessionExpired: [\"4010\"]", StringComparison.Ordinal));
        await using var twin = await BookingApp.StartAsync(BookingMode.Vulnerable);
        var ids = Write("identities:\n  A: { login: { code: TEST_PATIENT_A } }\n  B: { login: { code: TEST_PATIENT_B } }\n");
        var run = CliRun.Of("scan", "logic", "--scope", Write($"origins:\n  - {twin.BaseUrl}\n"), "--scenario", scenario, "--profile", profile, "--identities", ids, "--format", "sarif");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("har-bola-reg-cancel", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(twin.Store.ActiveOrders, o => o.OrderId > 100002);
    }

    [Fact]
    public void A_malformed_har_exits_two_with_file_and_line()
    {
        var har = Write("{\n\"log\": [\n", ".har");
        var run = CliRun.Of("scan", "logic", "record", har, "--out", Path.Combine(Path.GetTempPath(), "never.yaml"));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"{har}:", run.Error, StringComparison.Ordinal);
        Assert.Contains("HAR 不是有效的 JSON", run.Error, StringComparison.Ordinal);
    }
}
