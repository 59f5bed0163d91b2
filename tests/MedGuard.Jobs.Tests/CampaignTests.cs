using System.Diagnostics;
using MedGuard.Domain.Campaigns;
using MedGuard.Storage.Campaigns;
using MedGuard.Storage.Providers;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Jobs.Tests;

/// <summary>Campaigns on the real job engine and real databases: planning, refusal, cancel, idempotency, a namespace host.</summary>
public class CampaignTests
{
    private static CampaignRequest Request(string name, Guid institutionId, string ports, int concurrency = 4) => new()
    {
        Name = name,
        Scope = new CampaignScope { InstitutionIds = [institutionId] },
        Detectors = ["ports"],
        Ports = ports,
        GlobalConcurrency = concurrency,
        CreatedBy = "测试",
    };

    private static async Task<Campaign> CreateAsync(CampaignWorld world, CampaignRequest request)
    {
        await using var db = world.Open();
        return await new CampaignService().CreateAsync(db, request);
    }

    private static async Task<List<CampaignTask>> TasksAsync(CampaignWorld world, Guid campaignId)
    {
        await using var db = world.Open();
        return await db.CampaignTasks.AsNoTracking().Where(t => t.CampaignId == campaignId).ToListAsync();
    }

    [Fact]
    public async Task ScopeWithoutAssetsAndBadCronAreRefusedWithTheirReason()
    {
        await using var world = await CampaignWorld.CreateAsync(DatabaseProvider.Sqlite);
        var hospital = world.AddInstitution("甲医院");
        await using var db = world.Open();
        var service = new CampaignService();

        var empty = await Assert.ThrowsAsync<CampaignException>(() => service.CreateAsync(db, Request("空范围", hospital.Id, "top100")));
        Assert.Contains("没有可检测的资产", empty.Message);
        Assert.Contains("端口检测需要 IP 地址资产", empty.Message);

        world.AddAddress(hospital.Id, "127.0.0.1");
        var cron = await Assert.ThrowsAsync<CampaignException>(() => service.CreateAsync(db, Request("坏 cron", hospital.Id, "top100") with { Schedule = CampaignScheduleKind.Cron, Cron = "61 2 * * *" }));
        Assert.Contains("\"61 2 * * *\"", cron.Message);
        Assert.Contains("无法解析", cron.Message);

        var window = await Assert.ThrowsAsync<CampaignException>(() => service.CreateAsync(db, Request("坏时段", hospital.Id, "top100") with { Window = "22:00" }));
        Assert.Contains("22:00", window.Message);

        var monthly = await service.CreateAsync(db, Request("每月", hospital.Id, "top100") with { Schedule = CampaignScheduleKind.Cron, Cron = "0 2 1 * *" });
        var next = Domain.Platform.ChinaStandardTime.At(monthly.NextRunAt!.Value);
        Assert.Equal((1, 2, 0), (next.Day, next.Hour, next.Minute)); // 02:00 Beijing time on the 1st
        Assert.Equal(0, await db.CampaignTasks.CountAsync()); // nothing runs before its round
    }

    [Fact]
    public async Task AnExpiredAuthorizationRefusesTheTaskBeforeAnyPacket()
    {
        await using var world = await CampaignWorld.CreateAsync(DatabaseProvider.Sqlite);
        using var listeners = new CountingListeners(3);
        var hospital = world.AddInstitution("甲医院");
        world.AddAddress(hospital.Id, "127.0.0.1", validUntil: DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-3));
        var campaign = await CreateAsync(world, Request("过期授权", hospital.Id, listeners.PortList));
        var engine = await world.EngineAsync();

        Assert.True(await engine.Pump.RunAsync(CancellationToken.None)); // round starts, the task is queued
        var task = Assert.Single(await TasksAsync(world, campaign.Id));
        Assert.Equal(CampaignTaskStatus.Queued, task.Status);
        await new CampaignTaskJob(engine).RunTaskAsync(task.Id, CancellationToken.None);

        task = Assert.Single(await TasksAsync(world, campaign.Id));
        Assert.Equal(CampaignTaskStatus.Refused, task.Status);
        Assert.Contains("已过期", task.Error);
        await Task.Delay(300);
        Assert.Equal(0, listeners.Accepted);
        await using var db = world.Open();
        Assert.Equal(0, await db.DetectionImports.CountAsync());
        Assert.True(await db.AuditEntries.AnyAsync(e => e.Action == "refuse" && e.EntityId == task.Id.ToString() && e.UserName == "job:test-worker"));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task ATaskRunTwiceImportsOneRun(DatabaseProvider provider)
    {
        await using var world = await CampaignWorld.CreateAsync(provider);
        using var listeners = new CountingListeners(2);
        var hospital = world.AddInstitution("甲医院");
        world.AddAddress(hospital.Id, "127.0.0.1");
        var campaign = await CreateAsync(world, Request("幂等", hospital.Id, listeners.PortList));
        var engine = await world.EngineAsync("worker-a");
        await engine.Pump.RunAsync(CancellationToken.None);
        var task = Assert.Single(await TasksAsync(world, campaign.Id));

        await new CampaignTaskJob(engine).RunTaskAsync(task.Id, CancellationToken.None);
        task = Assert.Single(await TasksAsync(world, campaign.Id));
        await using var db = world.Open();
        Assert.True(task.Status == CampaignTaskStatus.Succeeded, $"{task.Status} {task.Worker} {task.Error}: " + string.Join(" | ", db.AuditEntries.AsNoTracking().OrderBy(e => e.Sequence).Select(e => e.Action + " " + e.Detail)));
        Assert.NotNull(task.ImportId);
        var findings = await db.Findings.CountAsync();
        var scanned = listeners.Accepted;
        Assert.True(scanned >= 2, $"the scan reached the open ports ({scanned})");

        // The engine delivers the same job again: a finished task is a no-op, nothing is sent.
        await new CampaignTaskJob(engine).RunTaskAsync(task.Id, CancellationToken.None);
        Assert.Equal(scanned, listeners.Accepted);

        // A worker believed dead finishes late, after another run of the task claimed it: the first to commit imports,
        // the other's result is dropped.
        await db.CampaignTasks.Where(t => t.Id == task.Id).ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, CampaignTaskStatus.Running)
            .SetProperty(t => t.HeartbeatAt, DateTimeOffset.UtcNow.AddMinutes(-5)).SetProperty(t => t.Worker, "dead"));
        var other = await world.EngineAsync("worker-b");
        await new CampaignTaskJob(other).RunTaskAsync(task.Id, CancellationToken.None);
        Assert.True(listeners.Accepted > scanned, "the reclaimed task scanned again");
        task = Assert.Single(await TasksAsync(world, campaign.Id));
        Assert.Equal(CampaignTaskStatus.Succeeded, task.Status);
        Assert.Equal(1, await db.DetectionImports.CountAsync());
        Assert.Equal(findings, await db.Findings.CountAsync());
        Assert.Equal(task.ImportId, (await db.DetectionImports.SingleAsync()).Id);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task ABatchStoresEveryTasksStartAndFinishInOrderOnAnIntactChain(DatabaseProvider provider)
    {
        // A task's finish event goes to the audit chain with the next task's start: when the batch job returns, every
        // start and finish is stored, each finish before the next start, and the chain verifies.
        await using var world = await CampaignWorld.CreateAsync(provider);
        using var listeners = new CountingListeners(2);
        var hospital = world.AddInstitution("甲医院");
        foreach (var address in new[] { "127.0.0.1", "127.0.0.2", "127.0.0.3" })
        {
            world.AddAddress(hospital.Id, address);
        }

        var campaign = await CreateAsync(world, Request("批", hospital.Id, listeners.PortList));
        var engine = await world.EngineAsync();
        await engine.Pump.RunAsync(CancellationToken.None);
        var tasks = await TasksAsync(world, campaign.Id);
        Assert.Equal(3, tasks.Count);
        Assert.All(tasks, t => Assert.Equal(CampaignTaskStatus.Queued, t.Status));
        var ids = tasks.OrderBy(t => t.CreatedAt).ThenBy(t => t.Id).Select(t => t.Id).ToArray();

        await new CampaignTaskJob(engine).RunBatchAsync(ids, CancellationToken.None);

        Assert.All(await TasksAsync(world, campaign.Id), t => Assert.Equal(CampaignTaskStatus.Succeeded, t.Status));
        await using var db = world.Open();
        var events = await db.AuditEntries.AsNoTracking().Where(e => e.EntityType == nameof(CampaignTask)).OrderBy(e => e.Sequence)
            .Select(e => new { e.Action, e.EntityId }).ToListAsync();
        Assert.Equal(ids.SelectMany(id => new[] { ("start", id.ToString()), ("finish", id.ToString()) }), events.Select(e => (e.Action, e.EntityId ?? "")));
        var trail = new Storage.Auditing.AuditTrail(world.Target, Storage.Auditing.AuditTrailOptions.Beside(world.KeyDirectory), TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<Storage.Auditing.AuditTrail>.Instance);
        var verdict = await trail.VerifyAsync(db);
        Assert.True(verdict.Intact, verdict.Summary);
    }

    [Fact]
    public async Task CancelStopsARunningTaskWithinFiveSeconds()
    {
        await using var world = await CampaignWorld.CreateAsync(DatabaseProvider.Sqlite);
        using var listeners = new CountingListeners(1);
        var hospital = world.AddInstitution("甲医院");
        // 2 connections a second over 1,000 ports: a scan of about eight minutes unless stopped.
        world.AddAddress(hospital.Id, "127.0.0.1", rate: 2);
        var campaign = await CreateAsync(world, Request("取消", hospital.Id, "1-1000"));
        var engine = await world.EngineAsync();
        await engine.Pump.RunAsync(CancellationToken.None);
        var task = Assert.Single(await TasksAsync(world, campaign.Id));
        var running = Task.Run(() => new CampaignTaskJob(engine).RunTaskAsync(task.Id, CancellationToken.None));
        var deadline = Stopwatch.StartNew();
        while ((await TasksAsync(world, campaign.Id))[0].Status != CampaignTaskStatus.Running)
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(20), "the task never started");
            await Task.Delay(100);
        }

        await Task.Delay(1500);
        Assert.False(running.IsCompleted);
        await using (var db = world.Open())
        {
            Assert.Equal(1, await new CampaignService().CancelAsync(db, campaign.Id, "测试"));
        }

        var clock = Stopwatch.StartNew();
        await running.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"stopped after {clock.Elapsed}");
        task = Assert.Single(await TasksAsync(world, campaign.Id));
        Assert.Equal(CampaignTaskStatus.Cancelled, task.Status);
        await using var check = world.Open();
        Assert.Equal(0, await check.DetectionImports.CountAsync());
        Assert.True(await check.AuditEntries.AnyAsync(e => e.Action == "stop" && e.EntityId == task.Id.ToString()));
    }

    [Fact]
    public async Task ACampaignOverTheNamespaceHostRunsToStoredFindings()
    {
        var host = Environment.GetEnvironmentVariable("MEDGUARD_PORTS_SRV")
            ?? throw new InvalidOperationException("MEDGUARD_PORTS_SRV is not set: the test network (tests/setup.d/netns.sh) is not up");
        await using var world = await CampaignWorld.CreateAsync(DatabaseProvider.Sqlite);
        var hospital = world.AddInstitution("甲医院");
        world.AddAddress(hospital.Id, host);
        var campaign = await CreateAsync(world, Request("命名空间主机", hospital.Id, "21,22,80,3306"));
        await using (var engineHost = await JobHost.StartAsync(world.Options()))
        {
            await WaitForAsync(world, campaign.Id, CampaignStatus.Completed, TimeSpan.FromSeconds(45));
        }

        var task = Assert.Single(await TasksAsync(world, campaign.Id));
        Assert.Equal(CampaignTaskStatus.Succeeded, task.Status);
        await using var db = world.Open();
        var findings = await db.Findings.AsNoTracking().Where(f => f.InstitutionId == hospital.Id).ToListAsync();
        Assert.NotEmpty(findings);
        Assert.Contains(findings, f => f.Host == host);
        Assert.Equal(findings.Count(f => f.LastImportId == task.ImportId), findings.Count);
        Assert.True(File.Exists(Path.Combine(world.Directory, "data", EngineStorage.SqliteFileName)), "the embedded engine keeps its queues in data/jobs.db");
    }

    [Fact]
    public async Task TheEmbeddedEngineRestartedMidCampaignResumes()
    {
        await using var world = await CampaignWorld.CreateAsync(DatabaseProvider.Sqlite);
        using var listeners = new CountingListeners(6);
        var ids = new List<Guid>();
        for (var i = 0; i < 4; i++)
        {
            var hospital = world.AddInstitution($"医院{i}");
            world.AddAddress(hospital.Id, "127.0.0.1", rate: 2); // six ports at 2/s: about three seconds a task
            ids.Add(hospital.Id);
        }

        var campaign = await CreateAsync(world, new CampaignRequest
        {
            Name = "重启续跑",
            Scope = new CampaignScope { InstitutionIds = ids },
            Detectors = ["ports"],
            Ports = listeners.PortList,
            GlobalConcurrency = 2,
            CreatedBy = "测试",
        });
        var first = await JobHost.StartAsync(world.Options("engine-1"));
        var clock = Stopwatch.StartNew();
        while (!(await TasksAsync(world, campaign.Id)).Any(t => t.Status == CampaignTaskStatus.Running))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), "no task started");
            await Task.Delay(100);
        }

        await first.DisposeAsync(); // the server stops mid-task
        var afterStop = await TasksAsync(world, campaign.Id);
        Assert.DoesNotContain(afterStop, t => t.Status == CampaignTaskStatus.Running);
        Assert.Contains(afterStop, t => t.Status != CampaignTaskStatus.Succeeded);

        await using (var second = await JobHost.StartAsync(world.Options("engine-2")))
        {
            await WaitForAsync(world, campaign.Id, CampaignStatus.Completed, TimeSpan.FromSeconds(50));
        }

        var tasks = await TasksAsync(world, campaign.Id);
        Assert.All(tasks, t => Assert.Equal(CampaignTaskStatus.Succeeded, t.Status));
        await using var db = world.Open();
        Assert.Equal(4, await db.DetectionImports.CountAsync());
        Assert.Equal(4, tasks.Select(t => t.ImportId).Distinct().Count());
    }

    internal static async Task WaitForAsync(CampaignWorld world, Guid campaignId, CampaignStatus status, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            await using var db = world.Open();
            var campaign = await db.Campaigns.AsNoTracking().SingleAsync(c => c.Id == campaignId);
            if (campaign.Status == status)
            {
                return;
            }

            if (clock.Elapsed > timeout)
            {
                var tasks = await db.CampaignTasks.AsNoTracking().Where(t => t.CampaignId == campaignId).ToListAsync();
                Assert.Fail($"campaign still {campaign.Status} after {timeout}: {string.Join("; ", tasks.Select(t => $"{t.Status} {t.Worker} {t.Attempts} {t.Error}"))}");
            }

            await Task.Delay(250);
        }
    }
}
