using System.Net;
using System.Text.Json;
using MedGuard.Domain.Campaigns;
using MedGuard.Domain.Inventory;
using MedGuard.Server.Demo;
using MedGuard.Storage.Campaigns;
using MedGuard.Storage.Providers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace MedGuard.Server.Tests;

/// <summary>
/// Campaigns through /api/campaigns and /api/detection-stops on both databases: a regulator creates one over the demo
/// hospital, lists and watches it (its round planned by the engine's own call, as the pump would), re-runs a failed
/// task, cancels it; bad input is refused 400 with the reason in Chinese and nothing written; the stop switches by
/// role; every action in the audit trail.
/// </summary>
public sealed class CampaignsApiTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task CreateListWatchRetryCancelAndStop(DatabaseKind kind)
    {
        await using var platform = await PlatformFixture.StartAsync(kind);
        using var regulator = await ApiClient.LoginAsync(platform, "regulator");
        using var hospital = await ApiClient.LoginAsync(platform, "hospital");
        using var admin = await ApiClient.LoginAsync(platform, "admin");
        using var assessor = await ApiClient.LoginAsync(platform, "assessor");
        Guid institutionA, institutionB;
        await using (var db = MedGuardContextFactory.Create(platform.Target))
        {
            institutionA = await db.Institutions.Where(i => i.Name == DemoProvince.DemoHospitalName).Select(i => i.Id).SingleAsync();
            institutionB = (await db.Users.SingleAsync(u => u.UserName == "hospital2")).InstitutionId!.Value;
        }

        await FindingsData.RegisterAssetAsync(platform, institutionA, AssetKind.Ip, "10.66.0.5", null, "ports");
        await FindingsData.RegisterAssetAsync(platform, institutionA, AssetKind.Ip, "10.66.0.6", null, "ports");

        // Bad input: refused with the reason, nothing written.
        var before = await DatabaseSnapshot.TakeAsync(platform);
        var badCron = await regulator.SendAsync(HttpMethod.Post, "/api/campaigns", Body("坏 cron", institutionA, schedule: "cron", cron: "0 2 31 2 * *x"));
        Assert.Equal(HttpStatusCode.BadRequest, badCron.Status);
        Assert.Contains("cron 表达式", badCron.Body, StringComparison.Ordinal);
        Assert.Contains("分 时 日 月 周", badCron.Body, StringComparison.Ordinal);
        Assert.Contains("收到 6 段", badCron.Body, StringComparison.Ordinal);
        var badField = await regulator.SendAsync(HttpMethod.Post, "/api/campaigns", Body("坏取值", institutionA, schedule: "cron", cron: "0 25 1 * *"));
        Assert.Equal(HttpStatusCode.BadRequest, badField.Status);
        Assert.Contains("某段的取值超出范围", badField.Body, StringComparison.Ordinal);
        var noCron = await regulator.SendAsync(HttpMethod.Post, "/api/campaigns", Body("空 cron", institutionA, schedule: "cron"));
        Assert.Equal(HttpStatusCode.BadRequest, noCron.Status);
        Assert.Contains("必须给出 cron 表达式", noCron.Body, StringComparison.Ordinal);
        var badWindow = await regulator.SendAsync(HttpMethod.Post, "/api/campaigns", Body("坏时段", institutionA, window: "25:00-06:00"));
        Assert.Equal(HttpStatusCode.BadRequest, badWindow.Status);
        Assert.Contains("检测时段 '25:00-06:00' 无法识别", badWindow.Body, StringComparison.Ordinal);
        var nothing = await regulator.SendAsync(HttpMethod.Post, "/api/campaigns", new { name = "空范围", scope = new { institutionIds = new[] { institutionB }, assetKinds = new[] { "app" } }, detectors = new[] { "apk" } });
        Assert.Equal(HttpStatusCode.BadRequest, nothing.Status);
        Assert.Contains("检测范围内没有可检测的资产", nothing.Body, StringComparison.Ordinal);
        var noScope = await regulator.SendAsync(HttpMethod.Post, "/api/campaigns", new { name = "无范围", detectors = new[] { "ports" } });
        Assert.Equal(HttpStatusCode.BadRequest, noScope.Status);
        Assert.Contains("检测范围为空", noScope.Body, StringComparison.Ordinal);
        var badDetector = await regulator.SendAsync(HttpMethod.Post, "/api/campaigns", new { name = "坏检测", scope = new { institutionIds = new[] { institutionA } }, detectors = new[] { "nmap" } });
        Assert.Equal(HttpStatusCode.BadRequest, badDetector.Status);
        Assert.Contains("未知的检测类型 'nmap'", badDetector.Body, StringComparison.Ordinal);
        var badRegion = await regulator.SendAsync(HttpMethod.Post, "/api/campaigns", new { name = "坏区划", scope = new { region = "北京" }, detectors = new[] { "ports" } });
        Assert.Equal(HttpStatusCode.BadRequest, badRegion.Status);
        Assert.Contains("行政区划代码 '北京' 无效", badRegion.Body, StringComparison.Ordinal);
        var agency = await assessor.SendAsync(HttpMethod.Post, "/api/campaigns", Body("测评机构", institutionA));
        Assert.Equal(HttpStatusCode.Forbidden, agency.Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await assessor.SendAsync(HttpMethod.Get, "/api/campaigns")).Status);
        Assert.Equal(before, await DatabaseSnapshot.TakeAsync(platform));

        // Create: scheduled now, no round yet (the engine plans it), visible to its regulator and the administrator only.
        var created = await regulator.SendAsync(HttpMethod.Post, "/api/campaigns", Body("月度端口检测", institutionA, window: "00:00-23:59"));
        Assert.Equal(HttpStatusCode.Created, created.Status);
        var detail = JsonDocument.Parse(created.Body).RootElement;
        var id = detail.GetProperty("id").GetGuid();
        Assert.Equal("Scheduled", detail.GetProperty("statusCode").GetString());
        Assert.Equal("立即", detail.GetProperty("schedule").GetString());
        Assert.Equal(0, detail.GetProperty("overall").GetProperty("total").GetInt32());
        Assert.Contains(id.ToString(), (await regulator.GetJsonAsync("/api/campaigns")).GetRawText(), StringComparison.Ordinal);
        Assert.Contains(id.ToString(), (await admin.GetJsonAsync("/api/campaigns")).GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain(id.ToString(), (await hospital.GetJsonAsync("/api/campaigns")).GetRawText(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await hospital.SendAsync(HttpMethod.Get, $"/api/campaigns/{id}")).Status);

        // The engine's pump starts the round (system scope): a ports task per address asset of A (the demo's range and
        // the two above), a web task per site; all Pending; one fails on a worker.
        int planned;
        await using (var db = MedGuardContextFactory.Create(platform.Target))
        {
            planned = await db.Assets.CountAsync(a => a.InstitutionId == institutionA && (a.Kind == AssetKind.Ip || a.Kind == AssetKind.Origin));
            Assert.True(planned >= 3);
            var round = await new CampaignService().StartRoundAsync(db, id);
            Assert.NotNull(round);
            Assert.Equal(planned, round.TaskCount);
            var task = await db.CampaignTasks.Where(t => t.CampaignId == id).OrderBy(t => t.Id).FirstAsync();
            task.Status = CampaignTaskStatus.Failed;
            task.Error = "连接超时（测试）";
            task.Attempts = 1;
            task.FinishedAt = DateTimeOffset.UtcNow;
            await db.SaveChangesAsync();
        }

        var watched = await regulator.GetJsonAsync($"/api/campaigns/{id}");
        Assert.Equal("Running", watched.GetProperty("statusCode").GetString());
        var overall = watched.GetProperty("overall");
        Assert.Equal(planned, overall.GetProperty("total").GetInt32());
        Assert.Equal(planned - 1, overall.GetProperty("byStatus").GetProperty("Pending").GetInt32());
        Assert.Equal(1, overall.GetProperty("byStatus").GetProperty("Failed").GetInt32());
        var institution = Assert.Single(watched.GetProperty("institutions").EnumerateArray());
        Assert.Equal(institutionA, institution.GetProperty("institutionId").GetGuid());
        Assert.Contains($"campaign={id}", institution.GetProperty("findingLinks").GetProperty("new").GetString(), StringComparison.Ordinal);
        var failure = Assert.Single(watched.GetProperty("failures").EnumerateArray());
        Assert.Equal("连接超时（测试）", failure.GetProperty("error").GetString());
        Assert.Single(watched.GetProperty("rounds").EnumerateArray());

        // The findings list takes the campaign filter (nothing imported yet, so nothing).
        var findings = await regulator.GetJsonAsync($"/api/findings?campaign={id}&found=new");
        Assert.Equal(0, findings.GetProperty("total").GetInt32());
        Assert.Equal(HttpStatusCode.BadRequest, (await regulator.SendAsync(HttpMethod.Get, $"/api/findings?campaign={id}&found=maybe")).Status);

        // Retry the failed task: back to Pending, the count named.
        var retried = await regulator.SendAsync(HttpMethod.Post, $"/api/campaigns/{id}/retry-failed");
        Assert.Equal(HttpStatusCode.OK, retried.Status);
        Assert.Equal(1, JsonDocument.Parse(retried.Body).RootElement.GetProperty("tasks").GetInt32());
        Assert.Equal(planned, (await regulator.GetJsonAsync($"/api/campaigns/{id}")).GetProperty("overall").GetProperty("byStatus").GetProperty("Pending").GetInt32());

        // Stop switches: the hospital holds its own, the regulator its region, the administrator the platform.
        Assert.Equal(HttpStatusCode.BadRequest, (await hospital.SendAsync(HttpMethod.Post, "/api/detection-stops", new { institutionId = institutionA })).Status);
        Assert.Equal(HttpStatusCode.OK, (await hospital.SendAsync(HttpMethod.Post, "/api/detection-stops", new { institutionId = institutionA, reason = "HIS 响应变慢" })).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await hospital.SendAsync(HttpMethod.Post, "/api/detection-stops", new { reason = "全局" })).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await hospital.SendAsync(HttpMethod.Post, "/api/detection-stops", new { institutionId = institutionB, reason = "别家" })).Status);
        Assert.Contains("HIS 响应变慢", (await regulator.GetJsonAsync("/api/detection-stops")).GetRawText(), StringComparison.Ordinal);
        Assert.True((await regulator.GetJsonAsync($"/api/campaigns/{id}")).GetProperty("institutions")[0].GetProperty("stopped").GetBoolean());
        var region = await regulator.SendAsync(HttpMethod.Post, "/api/detection-stops", new { reason = "全市检测暂停" });
        Assert.Equal(HttpStatusCode.OK, region.Status);
        int institutionsInRegion;
        await using (var db = MedGuardContextFactory.Create(platform.Target))
        {
            var regionCode = (await db.Users.SingleAsync(u => u.UserName == "regulator")).Region!;
            institutionsInRegion = await db.Institutions.CountAsync(i => i.Region.StartsWith(regionCode));
            Assert.Equal(institutionsInRegion, await db.DetectionStops.CountAsync(s => s.ClearedAt == null && s.InstitutionId != null));
            Assert.False(await db.DetectionStops.AnyAsync(s => s.InstitutionId == null));
        }

        Assert.Equal(institutionsInRegion, JsonDocument.Parse(region.Body).RootElement.GetProperty("count").GetInt32());
        var global = await admin.SendAsync(HttpMethod.Post, "/api/detection-stops", new { reason = "全国暂停（演练）" });
        Assert.True(JsonDocument.Parse(global.Body).RootElement.GetProperty("global").GetBoolean(), global.Body);
        Assert.Contains("全国暂停（演练）", (await admin.GetJsonAsync("/api/detection-stops")).GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain("全国暂停（演练）", (await regulator.GetJsonAsync("/api/detection-stops")).GetRawText(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await admin.SendAsync(HttpMethod.Delete, "/api/detection-stops")).Status);
        Assert.Equal(HttpStatusCode.OK, (await hospital.SendAsync(HttpMethod.Delete, $"/api/detection-stops?institution={institutionA}")).Status);
        var cleared = await regulator.SendAsync(HttpMethod.Delete, "/api/detection-stops");
        Assert.Equal(institutionsInRegion - 1, JsonDocument.Parse(cleared.Body).RootElement.GetProperty("count").GetInt32());
        Assert.Equal("[]", (await admin.GetJsonAsync("/api/detection-stops")).GetRawText());

        // Cancel: every unfinished task cancelled, no next round; a second cancel is refused with the reason.
        var cancelled = await regulator.SendAsync(HttpMethod.Post, $"/api/campaigns/{id}/cancel");
        Assert.Equal(HttpStatusCode.OK, cancelled.Status);
        Assert.Equal(planned, JsonDocument.Parse(cancelled.Body).RootElement.GetProperty("tasks").GetInt32());
        var after = await regulator.GetJsonAsync($"/api/campaigns/{id}");
        Assert.Equal("Cancelled", after.GetProperty("statusCode").GetString());
        Assert.Equal(planned, after.GetProperty("overall").GetProperty("byStatus").GetProperty("Cancelled").GetInt32());
        var again = await regulator.SendAsync(HttpMethod.Post, $"/api/campaigns/{id}/cancel");
        Assert.Equal(HttpStatusCode.BadRequest, again.Status);
        Assert.Contains("已于此前取消", again.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await regulator.SendAsync(HttpMethod.Post, $"/api/campaigns/{id}/retry-failed")).Status);

        // A hospital's own campaign: scope defaults to itself, owned by it, unseen by the regulator.
        var own = await hospital.SendAsync(HttpMethod.Post, "/api/campaigns", new { name = "本院端口检测", detectors = new[] { "ports" }, schedule = "once", runAt = DateTimeOffset.UtcNow.AddDays(1) });
        Assert.Equal(HttpStatusCode.Created, own.Status);
        var ownId = JsonDocument.Parse(own.Body).RootElement.GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.NotFound, (await regulator.SendAsync(HttpMethod.Get, $"/api/campaigns/{ownId}")).Status);
        var monthly = await hospital.SendAsync(HttpMethod.Post, "/api/campaigns", new { name = "每月", detectors = new[] { "ports" }, schedule = "cron", cron = "0 2 1 * *" });
        Assert.Equal(HttpStatusCode.Created, monthly.Status);
        var next = JsonDocument.Parse(monthly.Body).RootElement.GetProperty("nextRunAt").GetDateTimeOffset().ToOffset(TimeSpan.FromHours(8));
        Assert.Equal((1, 2, 0), (next.Day, next.Hour, next.Minute));

        // The audit trail: the creation (change auditor), the retry and the cancel (their own entries, with counts), the switches.
        await using (var db = MedGuardContextFactory.Create(platform.Target))
        {
            var entries = await db.AuditEntries.AsNoTracking().Where(e => e.EntityId == id.ToString()).Select(e => new { e.Action, e.UserName, e.Detail }).ToListAsync();
            Assert.Contains(entries, e => e.Action == "create" && e.UserName == "regulator");
            Assert.Contains(entries, e => e.Action == "campaign-retry" && e.Detail!.Contains("1 个重新排队", StringComparison.Ordinal));
            Assert.Contains(entries, e => e.Action == "campaign-cancel" && e.Detail!.Contains($"{planned} 个未完成的子任务已取消", StringComparison.Ordinal));
            Assert.Single(entries, e => e.Action == "campaign-cancel");
            Assert.True(await db.AuditEntries.CountAsync(e => e.EntityType == nameof(DetectionStop) && e.Action == "create") >= institutionsInRegion + 1);
            Assert.True(await db.AuditEntries.AnyAsync(e => e.EntityType == nameof(DetectionStop) && e.Action == "update" && e.UserName == "admin"));
        }

        // The endpoints are in the OpenAPI description.
        var (_, openApi) = await regulator.SendAsync(HttpMethod.Get, "/openapi/v1.json");
        foreach (var path in new[] { "\"/api/campaigns\"", "\"/api/campaigns/{id}\"", "\"/api/campaigns/{id}/cancel\"", "\"/api/campaigns/{id}/retry-failed\"", "\"/api/detection-stops\"" })
        {
            Assert.Contains(path, openApi, StringComparison.Ordinal);
        }

        output.WriteLine($"[{kind}] campaign {id}: created, watched, retried, stopped ({institutionsInRegion} institutions in the region), cancelled");
    }

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task FindingsLinksShowWhatTheCampaignFoundFixedAndSawStillOpen(DatabaseKind kind)
    {
        await using var platform = await PlatformFixture.StartAsync(kind);
        using var regulator = await ApiClient.LoginAsync(platform, "regulator");
        using var haidian = await ApiClient.LoginAsync(platform, "haidian");
        Guid institutionA;
        await using (var db = MedGuardContextFactory.Create(platform.Target))
        {
            institutionA = await db.Institutions.Where(i => i.Name == DemoProvince.DemoHospitalName).Select(i => i.Id).SingleAsync();
        }

        const string Host = "10.33.0.5";
        var asset = await FindingsData.RegisterAssetAsync(platform, institutionA, AssetKind.Ip, Host, null, "ports");
        var importer = platform.App.Services.GetRequiredService<MedGuard.Storage.Findings.FindingImporter>();
        async Task<Guid> ImportAsync(Guid? taskId, params (int Port, string Rule, MedGuard.Domain.Findings.Severity Severity, string? Evidence)[] open)
        {
            await using var db = MedGuardContextFactory.Create(platform.Target);
            var result = await importer.ImportAsync(db, FindingsData.PortRun(Host, open), new MedGuard.Storage.Findings.ImportOptions { ImportedBy = "测试", CampaignTaskId = taskId });
            return result.Institutions.Single().ImportId;
        }

        // Before the campaign: SSH open, imported by hand.
        var high = MedGuard.Domain.Findings.Severity.High;
        await ImportAsync(null, (22, "ports.ssh-exposed", high, null));

        // The campaign over that one asset; its task's run (as a worker imports it) sees SSH again and MySQL new.
        var created = await regulator.SendAsync(HttpMethod.Post, "/api/campaigns", new { name = "单资产检测", scope = new { assetIds = new[] { asset } }, detectors = new[] { "ports" } });
        Assert.Equal(HttpStatusCode.Created, created.Status);
        var id = JsonDocument.Parse(created.Body).RootElement.GetProperty("id").GetGuid();
        Guid roundId, firstTask;
        await using (var db = MedGuardContextFactory.Create(platform.Target))
        {
            var round = await new CampaignService().StartRoundAsync(db, id);
            Assert.Equal(1, round!.TaskCount);
            roundId = round.Id;
            firstTask = await db.CampaignTasks.Where(t => t.RoundId == roundId).Select(t => t.Id).SingleAsync();
        }

        await FinishAsync(firstTask, await ImportAsync(firstTask, (22, "ports.ssh-exposed", high, null), (3306, "ports.mysql-exposed", high, null)));
        Assert.Equal(["ports.mysql-exposed"], await RulesAsync("new"));
        Assert.Equal(["ports.ssh-exposed"], await RulesAsync("stillopen"));
        Assert.Empty(await RulesAsync("fixed"));
        Assert.Equal(2, (await RulesAsync(null)).Count);

        // A second task of the campaign (a re-run) no longer sees SSH: fixed by the campaign.
        Guid secondTask;
        await using (var db = MedGuardContextFactory.Create(platform.Target))
        {
            var task = new CampaignTask { CampaignId = id, RoundId = roundId, InstitutionId = institutionA, AssetId = asset, Detector = "ports", CreatedAt = DateTimeOffset.UtcNow };
            db.CampaignTasks.Add(task);
            await db.SaveChangesAsync();
            secondTask = task.Id;
        }

        await FinishAsync(secondTask, await ImportAsync(secondTask, (3306, "ports.mysql-exposed", high, null)));
        Assert.Equal(["ports.mysql-exposed"], await RulesAsync("new"));
        Assert.Equal(["ports.ssh-exposed"], await RulesAsync("fixed"));
        Assert.Empty(await RulesAsync("stillopen"));

        // The page's per-institution counts link there; another region's regulator gets nothing through the same filter.
        var (_, pageHtml) = await regulator.SendAsync(HttpMethod.Get, $"/campaigns/{id}");
        Assert.Contains($"/findings?institution={institutionA}&amp;campaign={id}&amp;found=New", pageHtml, StringComparison.Ordinal);
        Assert.Equal(0, (await haidian.GetJsonAsync($"/api/findings?campaign={id}")).GetProperty("total").GetInt32());
        var (_, findingsPage) = await regulator.SendAsync(HttpMethod.Get, $"/findings?campaign={id}&found=Fixed");
        Assert.Contains("ports.ssh-exposed", findingsPage, StringComparison.Ordinal);
        Assert.DoesNotContain("ports.mysql-exposed", findingsPage, StringComparison.Ordinal);
        output.WriteLine($"[{kind}] campaign findings links: new / fixed / still open as imported");

        async Task FinishAsync(Guid taskId, Guid importId)
        {
            await using var db = MedGuardContextFactory.Create(platform.Target);
            var task = await db.CampaignTasks.SingleAsync(t => t.Id == taskId);
            task.ImportId = importId;
            task.Status = CampaignTaskStatus.Succeeded;
            task.FinishedAt = DateTimeOffset.UtcNow;
            await db.SaveChangesAsync();
        }

        async Task<List<string>> RulesAsync(string? found)
        {
            var list = await regulator.GetJsonAsync($"/api/findings?campaign={id}" + (found is null ? "" : $"&found={found}"));
            return [.. list.GetProperty("items").EnumerateArray().Select(f => f.GetProperty("ruleId").GetString()!).Order()];
        }
    }

    private static object Body(string name, Guid institution, string schedule = "now", string? cron = null, string? window = null) => new
    {
        name,
        scope = new { institutionIds = new[] { institution } },
        detectors = new[] { "ports", "web" },
        schedule,
        cron,
        window,
        globalConcurrency = 2,
        maxTaskSeconds = 600,
        ports = "22,80,443",
    };
}
