using MedGuard.Domain.Campaigns;
using MedGuard.Domain.Inventory;
using MedGuard.Server.Demo;
using MedGuard.Storage.Providers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace MedGuard.Server.Tests;

/// <summary>
/// Issue 14's first test, with the server's own job engine running (embedded default, SQLite): a regulator creates a
/// ports campaign on the page over the demo hospital, which has one real asset — the test network's namespace host
/// (tests/setup.d/netns.sh) — beside the demo's made-up ones. The engine scans the real one and its findings reach the
/// findings list through the campaign's link; the made-up ones are refused before any packet, with the reason shown.
/// </summary>
public sealed class CampaignEndToEndTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ACampaignCreatedOnThePageRunsToStoredFindings()
    {
        var host = Environment.GetEnvironmentVariable("MEDGUARD_PORTS_SRV")
            ?? throw new InvalidOperationException("MEDGUARD_PORTS_SRV 未设置：需要 ./test.sh 建立的端口检测测试网络");
        await using var platform = await PlatformFixture.StartAsync(DatabaseKind.Sqlite, o =>
        {
            o.Jobs.Enabled = true;
            o.Jobs.Workers = 2;
        });
        Guid institution;
        await using (var db = MedGuardContextFactory.Create(platform.Target))
        {
            institution = await db.Institutions.Where(i => i.Name == DemoProvince.DemoHospitalName).Select(i => i.Id).SingleAsync();
            Assert.True(await db.Assets.AnyAsync(a => a.InstitutionId == institution && a.Zone == NetworkZone.Demo), "the demo's assets sit in the demo zone");
        }

        var asset = await FindingsData.RegisterAssetAsync(platform, institution, AssetKind.Ip, host, null, "ports");
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.Context.NewPageAsync();
        await BrowserWalkthroughTests.LoginAsync(page, platform, "regulator");
        await page.GotoAsync(new Uri(platform.BaseAddress, "/campaigns/new").ToString());
        await Navigation.ArriveAsync(page, "/campaigns/new", "#Name");
        await page.FillAsync("#Name", "测试网络端口检测");
        await page.SelectOptionAsync("#InstitutionIds", institution.ToString());
        await page.FillAsync("#Region", "");
        foreach (var detector in new[] { "web", "apk" })
        {
            if (await page.Locator($"#detector-{detector}").IsCheckedAsync())
            {
                await page.UncheckAsync($"#detector-{detector}");
            }
        }

        await page.CheckAsync("#detector-ports");
        await page.FillAsync("#Ports", "21,22,80");
        await page.FillAsync("#Window", "");
        await page.ClickAsync("#campaign-submit");
        await Navigation.ArriveAsync(page, "/campaigns/", "#campaign-progress");
        var id = Guid.Parse(new Uri(page.Url).AbsolutePath.Split('/').Last());

        // The engine was woken by the page; the campaign ends within a minute (three ports of one host, a polite rate).
        var clock = System.Diagnostics.Stopwatch.StartNew();
        CampaignStatus status;
        do
        {
            await Task.Delay(500);
            await using var db = MedGuardContextFactory.Create(platform.Target);
            status = await db.Campaigns.Where(c => c.Id == id).Select(c => c.Status).SingleAsync();
        }
        while (status is CampaignStatus.Scheduled or CampaignStatus.Running && clock.Elapsed < TimeSpan.FromSeconds(90));
        output.WriteLine($"campaign {status} after {clock.Elapsed.TotalSeconds:0.0} s");

        await using (var db = MedGuardContextFactory.Create(platform.Target))
        {
            var tasks = await db.CampaignTasks.AsNoTracking().Where(t => t.CampaignId == id).ToListAsync();
            foreach (var t in tasks)
            {
                output.WriteLine($"{t.AssetId} {t.Detector} {t.Status} {t.Error}");
            }

            Assert.Equal(CampaignStatus.Completed, status);
            var real = Assert.Single(tasks, t => t.AssetId == asset);
            Assert.Equal(CampaignTaskStatus.Succeeded, real.Status);
            Assert.NotNull(real.ImportId);
            Assert.All(tasks.Where(t => t.AssetId != asset), t =>
            {
                Assert.Equal(CampaignTaskStatus.Refused, t.Status);
                Assert.Equal(NetworkZone.DemoRefusal, t.Error);
            });
            Assert.True(await db.Findings.AnyAsync(f => f.InstitutionId == institution && f.Host == host), "the scan's findings are stored");
            Assert.True(await db.AuditEntries.AnyAsync(e => e.EntityId == real.Id.ToString() && e.Action == "start"), "the task's start is audited");
        }

        // The page: completed, the refusals with their reason, and the findings link lists the host's findings.
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#campaign-status")).ToHaveTextAsync("已完成");
        await Assertions.Expect(page.Locator("#failures-table")).ToContainTextAsync("演示数据资产");
        var row = page.Locator($".institution-row[data-institution='{institution}']");
        await row.Locator(".findings-new").ClickAsync();
        await Navigation.ArriveAsync(page, "/findings", "#findings-table");
        await Assertions.Expect(page.Locator("#findings-table")).ToContainTextAsync(host);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Artifacts.Screenshots, "campaign-e2e-findings.png"), FullPage = true });

        // The engine page is the administrator's: tasks per zone from our tables, and this server's Hangfire worker.
        var (adminStatus, jobs) = await (await ApiClient.LoginAsync(platform, "admin")).SendAsync(HttpMethod.Get, "/admin/jobs");
        Assert.Equal(System.Net.HttpStatusCode.OK, adminStatus);
        Assert.Contains("<td>demo</td>", jobs, StringComparison.Ordinal);
        Assert.Contains("<td>default</td>", jobs, StringComparison.Ordinal);
        Assert.Contains("id=\"workers\"", jobs, StringComparison.Ordinal);
        var (regulatorStatus, denied) = await (await ApiClient.LoginAsync(platform, "regulator")).SendAsync(HttpMethod.Get, "/admin/jobs");
        Assert.NotEqual(System.Net.HttpStatusCode.OK, regulatorStatus);
        Assert.DoesNotContain("各网络区域的子任务", denied, StringComparison.Ordinal);
    }
}
