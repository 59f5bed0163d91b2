using MedGuard.Domain.Inventory;
using MedGuard.Server.Demo;
using MedGuard.Storage.Campaigns;
using MedGuard.Storage.Providers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace MedGuard.Server.Tests;

/// <summary>
/// Campaigns in real headless Chromium: a regulator opens 检测任务, is refused a bad cron beside the form with what it
/// typed kept, creates a campaign over the demo hospital to start now, sees it in the list and on its page; once the
/// engine has planned the round (its own call, as its pump makes it — no engine runs in these tests) the page shows
/// the tasks 待调度 with progress per institution; it stops the hospital's detection, then cancels the campaign.
/// </summary>
public sealed class CampaignsBrowserTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task RegulatorCreatesWatchesStopsAndCancelsACampaign(DatabaseKind kind)
    {
        await using var platform = await PlatformFixture.StartAsync(kind);
        Guid institution;
        await using (var db = MedGuardContextFactory.Create(platform.Target))
        {
            institution = await db.Institutions.Where(i => i.Name == DemoProvince.DemoHospitalName).Select(i => i.Id).SingleAsync();
        }

        await FindingsData.RegisterAssetAsync(platform, institution, AssetKind.Ip, "10.44.0.5", null, "ports");
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.Context.NewPageAsync();
        var prefix = kind.ToString().ToLowerInvariant();
        async Task Shot(string name)
        {
            var path = Path.Combine(Artifacts.Screenshots, $"{prefix}-campaigns-{name}.png");
            await page.ScreenshotAsync(new() { Path = path, FullPage = true });
            output.WriteLine($"screenshot: {path}");
        }

        // 1. The regulator opens 检测任务 and 新建; a cron of four fields is refused beside the form, its input kept.
        await BrowserWalkthroughTests.LoginAsync(page, platform, "regulator");
        await page.ClickAsync("nav a:has-text('检测任务')");
        await Navigation.ArriveAsync(page, "/campaigns", "#campaigns-table");
        await Assertions.Expect(page.Locator("#campaigns-empty")).ToBeVisibleAsync();
        await page.ClickAsync("#new-campaign");
        await Navigation.ArriveAsync(page, "/campaigns/new", "#Name");
        await Assertions.Expect(page.Locator("#cron-help")).ToContainTextAsync("分（0–59） 时（0–23） 日（1–31） 月（1–12） 周（0–6，0 为周日），按北京时间");
        await page.FillAsync("#Name", "十二月全市端口与网站检测");
        await page.SelectOptionAsync("#InstitutionIds", institution.ToString());
        await page.FillAsync("#Region", "");
        await page.CheckAsync("#schedule-cron");
        await page.FillAsync("#Cron", "0 2 * *");
        await page.FillAsync("#Window", "22:00-06:00");
        await page.ClickAsync("#campaign-submit");
        await Assertions.Expect(page.Locator("#campaign-error")).ToContainTextAsync("cron 表达式 \"0 2 * *\" 无法解析");
        await Assertions.Expect(page.Locator("#error-cron")).ToContainTextAsync("分 时 日 月 周");
        await Assertions.Expect(page.Locator("#error-cron")).ToContainTextAsync("收到 4 段");
        await Assertions.Expect(page.Locator("#campaign-error")).Not.ToContainTextAsync("Unexpected");
        await Assertions.Expect(page.Locator("#Name")).ToHaveValueAsync("十二月全市端口与网站检测");
        await Assertions.Expect(page.Locator("#Cron")).ToHaveValueAsync("0 2 * *");
        await Assertions.Expect(page.Locator("#Window")).ToHaveValueAsync("22:00-06:00");
        await Assertions.Expect(page.Locator("#schedule-cron")).ToBeCheckedAsync();
        await Shot("01-bad-cron");

        // 2. It starts it now instead (window cleared: the test runs whatever the hour).
        await page.CheckAsync("#schedule-now");
        await page.FillAsync("#Window", "");
        await page.ClickAsync("#campaign-submit");
        await Navigation.ArriveAsync(page, "/campaigns/", "#campaign-progress");
        await Assertions.Expect(page.Locator("#flash")).ToContainTextAsync("已创建检测任务计划「十二月全市端口与网站检测」");
        await Assertions.Expect(page.Locator("#campaign-status")).ToHaveTextAsync("已计划");
        await Assertions.Expect(page.Locator("#no-round")).ToBeVisibleAsync();
        var id = Guid.Parse(new Uri(page.Url).AbsolutePath.Split('/').Last());
        await Shot("02-created");

        // 3. The engine plans the round (system scope, as its pump does); the page shows the tasks waiting to be sent.
        int planned;
        await using (var db = MedGuardContextFactory.Create(platform.Target))
        {
            planned = (await new CampaignService().StartRoundAsync(db, id))!.TaskCount;
        }

        Assert.True(planned >= 3, $"planned {planned}");
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#campaign-status")).ToHaveTextAsync("运行中");
        await Assertions.Expect(page.Locator("#overall-counts")).ToContainTextAsync($"完成 0 / {planned}");
        await Assertions.Expect(page.Locator("#overall-counts .task-count[data-status='Pending']")).ToHaveTextAsync($"待调度 {planned}");
        await Assertions.Expect(page.Locator("#eta")).ToContainTextAsync("暂无法估计");
        var row = page.Locator($".institution-row[data-institution='{institution}']");
        await Assertions.Expect(row).ToContainTextAsync(DemoProvince.DemoHospitalName);
        await Assertions.Expect(row.Locator(".institution-counts")).ToHaveTextAsync($"0 / {planned}");
        Assert.Contains($"campaign={id}", await row.Locator(".findings-new").GetAttributeAsync("href") ?? "", StringComparison.Ordinal);
        await Assertions.Expect(page.Locator("#rounds-table tbody tr")).ToHaveCountAsync(1);
        await Shot("03-progress");

        // 4. The list shows it with its progress.
        await page.ClickAsync("nav a:has-text('检测任务')");
        await Navigation.ArriveAsync(page, "/campaigns", "#campaigns-table");
        var listed = page.Locator($".campaign-row[data-id='{id}']");
        await Assertions.Expect(listed).ToContainTextAsync("十二月全市端口与网站检测");
        await Assertions.Expect(listed.Locator(".campaign-status")).ToHaveTextAsync("运行中");
        await Assertions.Expect(listed.Locator(".campaign-progress")).ToContainTextAsync($"0 / {planned}");
        await listed.Locator("a").First.ClickAsync();
        await Navigation.ArriveAsync(page, $"/campaigns/{id}", "#campaign-progress");

        // 5. The hospital's servers suffer: its stop switch, then the findings link opens the filtered list.
        await row.Locator(".stop-reason").FillAsync("HIS 响应变慢，暂停检测");
        await row.Locator(".stop-submit").ClickAsync();
        await Assertions.Expect(page.Locator("#flash")).ToContainTextAsync("已停止该机构的检测");
        await Assertions.Expect(row.Locator(".stop-state")).ToHaveTextAsync("已停止");
        await Assertions.Expect(page.Locator("#stops-count")).ToContainTextAsync("1 个");
        await row.Locator(".findings-new").ClickAsync();
        await Navigation.ArriveAsync(page, "/findings", "#findings-table");
        await Assertions.Expect(page.Locator("#filter-campaign")).ToContainTextAsync("十二月全市端口与网站检测 · 新发现");
        await Assertions.Expect(page.Locator("#findings-empty")).ToBeVisibleAsync();
        await page.GoBackAsync();
        await Navigation.ArriveAsync(page, $"/campaigns/{id}", "#campaign-progress");

        // 6. The regulator's "stop all" holds every institution of its region, and its clear releases them all.
        await page.FillAsync("#stop-all-reason", "全市网络割接，暂停全部检测");
        await page.ClickAsync("#stop-all-submit");
        await Assertions.Expect(page.Locator("#flash")).ToContainTextAsync("已停止本辖区");
        int held;
        await using (var db = MedGuardContextFactory.Create(platform.Target))
        {
            held = await db.DetectionStops.CountAsync(s => s.ClearedAt == null);
            Assert.True(held > 1, $"held {held}");
            Assert.False(await db.DetectionStops.AnyAsync(s => s.InstitutionId == null));
        }

        await Assertions.Expect(page.Locator("#stops-count")).ToContainTextAsync($"{held} 个");
        await page.ClickAsync("#clear-all-submit");
        await Assertions.Expect(page.Locator("#flash")).ToContainTextAsync($"已解除 {held} 个停止开关");
        await Assertions.Expect(row.Locator(".stop-submit")).ToBeVisibleAsync();

        // 7. It cancels the campaign: every task cancelled, no further round.
        await page.ClickAsync("#cancel-submit");
        await Assertions.Expect(page.Locator("#flash")).ToContainTextAsync($"已取消，{planned} 个未完成的子任务已停止");
        await Assertions.Expect(page.Locator("#campaign-status")).ToHaveTextAsync("已取消");
        await Assertions.Expect(page.Locator("#overall-counts .task-count[data-status='Cancelled']")).ToHaveTextAsync($"已取消 {planned}");
        await Assertions.Expect(page.Locator("#next-run")).ToHaveTextAsync("—");
        await Assertions.Expect(page.Locator("#cancel-submit")).ToHaveCountAsync(0);
        await Shot("04-cancelled");

        await using (var db = MedGuardContextFactory.Create(platform.Target))
        {
            Assert.Equal(planned, await db.CampaignTasks.CountAsync(t => t.CampaignId == id && t.Status == MedGuard.Domain.Campaigns.CampaignTaskStatus.Cancelled));
            Assert.True(await db.AuditEntries.AnyAsync(e => e.Action == "campaign-cancel" && e.EntityId == id.ToString() && e.UserName == "regulator"));
        }
    }
}
