using System.Diagnostics;
using MedGuard.Domain.Campaigns;
using MedGuard.Domain.Inventory;
using MedGuard.Storage.Campaigns;
using MedGuard.Storage.Providers;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Jobs.Tests;

/// <summary>Zones (queue names), daily windows, and the stop switch on a running task.</summary>
public class ScheduleAndZoneTests
{
    private static DateTimeOffset Beijing(int hour, int minute) => new(2026, 12, 7, hour, minute, 0, TimeSpan.FromHours(8));

    [Theory]
    [InlineData("Zone-A", "zone_a")]
    [InlineData(" zone_b ", "zone_b")]
    [InlineData("省卫健委专网", "______")]
    [InlineData("", "default")]
    [InlineData(null, "default")]
    public void ZonesAreHangfireQueueNames(string? zone, string expected) => Assert.Equal(expected, NetworkZone.Normalize(zone));

    [Fact]
    public void TheDailyWindowOpensAtItsNextStartInBeijingTime()
    {
        Assert.Equal(Beijing(22, 0), CampaignSchedule.NextWindowStart("22:00-06:00", Beijing(12, 0)));
        Assert.Equal(Beijing(23, 0), CampaignSchedule.NextWindowStart("22:00-06:00", Beijing(23, 0))); // inside: now
        Assert.Equal(Beijing(5, 59), CampaignSchedule.NextWindowStart("22:00-06:00", Beijing(5, 59)));
        Assert.Equal(Beijing(22, 0), CampaignSchedule.NextWindowStart("22:00-06:00", Beijing(6, 0)));
        Assert.Equal(Beijing(2, 0).AddDays(1), CampaignSchedule.NextWindowStart("02:00-04:00", Beijing(4, 30)));
        Assert.True(CampaignSchedule.InWindow(null, Beijing(12, 0)));
    }

    [Fact]
    public async Task ATaskGoesOnlyToAWorkerOfItsZone()
    {
        await using var world = await CampaignWorld.CreateAsync(DatabaseProvider.Sqlite);
        using var listeners = new CountingListeners(1);
        var hospital = world.AddInstitution("甲医院");
        world.AddAddress(hospital.Id, "127.0.0.1", zone: NetworkZone.Normalize("zone-a"));
        Campaign campaign;
        await using (var db = world.Open())
        {
            campaign = await new CampaignService().CreateAsync(db, new CampaignRequest
            {
                Name = "区域",
                Scope = new CampaignScope { InstitutionIds = [hospital.Id] },
                Detectors = ["ports"],
                Ports = listeners.PortList,
                CreatedBy = "测试",
            });
        }

        await using (var elsewhere = await JobHost.StartAsync(world.Options("default-only")))
        {
            await Task.Delay(3000);
        }

        await using (var db = world.Open())
        {
            var task = await db.CampaignTasks.AsNoTracking().SingleAsync(t => t.CampaignId == campaign.Id);
            Assert.Equal("zone_a", task.Zone);
            Assert.Equal(CampaignTaskStatus.Queued, task.Status);
            Assert.Equal(0, listeners.Accepted);
        }

        await using (var zoneA = await JobHost.StartAsync(world.Options("zone-a-worker") with { Queues = ["zone_a"] }))
        {
            await CampaignTests.WaitForAsync(world, campaign.Id, CampaignStatus.Completed, TimeSpan.FromSeconds(30));
        }

        await using var check = world.Open();
        Assert.Equal("zone-a-worker", (await check.CampaignTasks.AsNoTracking().SingleAsync()).Worker);
    }

    [Fact]
    public async Task AnInstitutionsStopSwitchStopsItsRunningTaskAndClearingItResumes()
    {
        await using var world = await CampaignWorld.CreateAsync(DatabaseProvider.Sqlite);
        using var listeners = new CountingListeners(1);
        var hospital = world.AddInstitution("甲医院");
        world.AddAddress(hospital.Id, "127.0.0.1", rate: 2);
        Campaign campaign;
        await using (var db = world.Open())
        {
            campaign = await new CampaignService().CreateAsync(db, new CampaignRequest
            {
                Name = "停止开关",
                Scope = new CampaignScope { InstitutionIds = [hospital.Id] },
                Detectors = ["ports"],
                Ports = "1-1000",
                CreatedBy = "测试",
            });
        }

        var engine = await world.EngineAsync();
        await engine.Pump.RunAsync(CancellationToken.None);
        var taskId = (await TaskAsync(world, campaign.Id)).Id;
        var running = Task.Run(() => new CampaignTaskJob(engine).RunTaskAsync(taskId, CancellationToken.None));
        var clock = Stopwatch.StartNew();
        while ((await TaskAsync(world, campaign.Id)).Status != CampaignTaskStatus.Running)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), "the task never started");
            await Task.Delay(100);
        }

        await using (var db = world.Open())
        {
            await new CampaignService().SetStopAsync(db, hospital.Id, "甲医院信息科", "HIS 响应变慢");
        }

        clock.Restart();
        await running.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"stopped after {clock.Elapsed}");
        var held = await TaskAsync(world, campaign.Id);
        Assert.Equal(CampaignTaskStatus.Waiting, held.Status);
        Assert.Contains("HIS 响应变慢", held.Error);

        // Held while the switch is on: the pump does not hand it out.
        await engine.Pump.RunAsync(CancellationToken.None);
        Assert.Equal(CampaignTaskStatus.Pending, (await TaskAsync(world, campaign.Id)).Status);
        await using (var db = world.Open())
        {
            Assert.True(await new CampaignService().ClearStopAsync(db, hospital.Id, "甲医院信息科"));
            Assert.True(await db.AuditEntries.AnyAsync(e => e.Action == "stop" && e.EntityId == taskId.ToString()));
        }

        await engine.Pump.RunAsync(CancellationToken.None);
        Assert.Equal(CampaignTaskStatus.Queued, (await TaskAsync(world, campaign.Id)).Status);
    }

    private static async Task<CampaignTask> TaskAsync(CampaignWorld world, Guid campaignId)
    {
        await using var db = world.Open();
        return await db.CampaignTasks.AsNoTracking().SingleAsync(t => t.CampaignId == campaignId);
    }
}
