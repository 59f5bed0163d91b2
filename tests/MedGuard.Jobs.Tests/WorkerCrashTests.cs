using System.Diagnostics;
using MedGuard.Domain.Campaigns;
using MedGuard.Storage.Campaigns;
using MedGuard.Storage.Providers;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace MedGuard.Jobs.Tests;

/// <summary>
/// Two <c>medguard worker</c> processes (the built CLI) on one real PostgreSQL share a campaign; one is killed with
/// SIGKILL while it runs a task; the campaign still completes with every task done once: one import per task, no
/// finding twice.
/// </summary>
public class WorkerCrashTests(ITestOutputHelper log)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    private void Phase(string what) => log.WriteLine($"{_clock.Elapsed.TotalSeconds,6:0.0} s  {what}");

    private static Process StartWorker(CampaignWorld world, string name)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "medguard.dll");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "exec", dll, "worker", "--db", world.Target.ConnectionString, "--keys", world.KeyDirectory, "--queues", "default", "--workers", "2", "--name", name })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["CI"] = "true";
        start.Environment["MEDGUARD_JOBS_PUMP"] = "1";
        start.Environment["MEDGUARD_JOBS_INVISIBILITY"] = "20";
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    [Fact]
    public async Task AWorkerKilledMidTaskLosesNothingAndDuplicatesNothing()
    {
        await using var world = await CampaignWorld.CreateAsync(DatabaseProvider.Postgres);
        using var listeners = new CountingListeners(4);
        var ids = new List<Guid>();
        for (var i = 0; i < 6; i++)
        {
            var hospital = world.AddInstitution($"医院{i}");
            world.AddAddress(hospital.Id, "127.0.0.1", rate: 5); // four ports and their service probes at 5/s: about three seconds a task
            ids.Add(hospital.Id);
        }

        // The engine's key files exist before two processes start (the first start would create them).
        (await world.EngineAsync("setup")).ToString();
        Campaign campaign;
        await using (var db = world.Open())
        {
            campaign = await new CampaignService().CreateAsync(db, new CampaignRequest
            {
                Name = "两个工作进程",
                Scope = new CampaignScope { InstitutionIds = ids },
                Detectors = ["ports"],
                Ports = listeners.PortList,
                GlobalConcurrency = 4,
                CreatedBy = "测试",
            });
        }

        Phase("database and campaign ready");
        var a = StartWorker(world, "worker-a");
        Process? b = null;
        try
        {
            await Task.Delay(1500);
            b = StartWorker(world, "worker-b");
            var clock = Stopwatch.StartNew();
            CampaignTask? victim = null;
            while (victim is null)
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "worker-a never ran a task");
                await using var db = world.Open();
                victim = await db.CampaignTasks.AsNoTracking().FirstOrDefaultAsync(t => t.CampaignId == campaign.Id && t.Status == CampaignTaskStatus.Running && t.Worker == "worker-a");
                await Task.Delay(100);
            }

            Phase("worker-a runs a task");
            await Task.Delay(500); // mid-task
            a.Kill(); // SIGKILL
            await a.WaitForExitAsync();
            Phase("worker-a killed");

            await CampaignTests.WaitForAsync(world, campaign.Id, CampaignStatus.Completed, TimeSpan.FromSeconds(55));
            Phase("campaign completed");
            await using var check = world.Open();
            var tasks = await check.CampaignTasks.AsNoTracking().Where(t => t.CampaignId == campaign.Id).ToListAsync();
            foreach (var t in tasks.OrderBy(t => t.StartedAt))
            {
                Phase($"task {t.Worker} attempts {t.Attempts} queued {t.QueuedAt:HH:mm:ss.f} started {t.StartedAt:HH:mm:ss.f} finished {t.FinishedAt:HH:mm:ss.f} scan {t.ScanMilliseconds} ms");
            }

            Assert.Equal(6, tasks.Count);
            Assert.All(tasks, t => Assert.Equal(CampaignTaskStatus.Succeeded, t.Status));
            var killed = tasks.Single(t => t.Id == victim.Id);
            Assert.True(killed.Attempts >= 2, "the killed worker's task ran again");
            Assert.Equal(6, await check.DetectionImports.CountAsync());
            Assert.Equal(6, tasks.Select(t => t.ImportId).Distinct().Count());
            Assert.All(await check.DetectionImports.AsNoTracking().ToListAsync(), i => Assert.Contains(tasks, t => t.Id == i.CampaignTaskId));
            // One finding per institution and fingerprint, each last seen by that institution's one import.
            var findings = await check.Findings.AsNoTracking().ToListAsync();
            Assert.Equal(findings.Count, findings.Select(f => (f.InstitutionId, f.Fingerprint)).Distinct().Count());
            Assert.All(findings, f => Assert.Contains(tasks, t => t.ImportId == f.LastImportId && t.InstitutionId == f.InstitutionId));
        }
        finally
        {
            foreach (var process in new[] { a, b })
            {
                if (process is { HasExited: false })
                {
                    process.Kill();
                    await process.WaitForExitAsync();
                }

                process?.Dispose();
            }
        }
    }
}
