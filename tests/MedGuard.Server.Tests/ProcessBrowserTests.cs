using MedGuard.Domain.Assessment;
using MedGuard.Domain.Systems;
using MedGuard.Server.Demo;
using MedGuard.Storage.Providers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace MedGuard.Server.Tests;

/// <summary>
/// The process flows in real headless Chromium: a deadline extension (the hospital asks, the regulator approves, the new
/// deadline shows) and an agency assignment chosen from lists (institution → system → agency).
/// </summary>
public sealed class ProcessBrowserTests(ITestOutputHelper output)
{
    [Fact]
    public async Task TheHospitalAsksForAnExtensionAndTheRegulatorApprovesIt()
    {
        await using var platform = await PlatformFixture.StartAsync(DatabaseKind.Sqlite);
        var today = DateOnly.FromDateTime(DateTime.Today);
        var due = today.AddDays(20);
        var wanted = today.AddDays(100);
        Guid taskId;
        await using (var db = MedGuardContextFactory.Create(platform.Target))
        {
            var his = await db.Systems.SingleAsync(s => s.Institution!.Name == DemoProvince.DemoHospitalName && s.Business == BusinessKind.His);
            var task = new RectificationItem { SystemId = his.Id, Title = "延期流程：核心交换机未冗余部署", Risk = "中", CreatedOn = today, DueOn = due };
            db.Rectifications.Add(task);
            await db.SaveChangesAsync();
            taskId = task.Id;
        }

        await using var browser = await Browser.LaunchAsync();
        var page = await browser.Context.NewPageAsync();
        var taskUrl = new Uri(platform.BaseAddress, $"/rectifications/{taskId}").ToString();

        // The hospital: no deadline field to edit, only a request with a reason.
        await BrowserWalkthroughTests.LoginAsync(page, platform, "hospital");
        await page.GotoAsync(taskUrl);
        Assert.Equal(0, await page.Locator("input[name='DueOn']").CountAsync());
        await page.FillAsync("#RequestedDueOn", wanted.ToString("yyyy-MM-dd"));
        await page.FillAsync("#Reason", "冗余交换机需纳入年度采购，预计三个月到货");
        await page.ClickAsync("#extension-submit");
        await Assertions.Expect(page.Locator("#flash")).ToContainTextAsync("延期申请已提交");
        await Assertions.Expect(page.Locator(".extension-status")).ToHaveTextAsync("待审批");
        await Assertions.Expect(page.Locator("#due-on")).ToHaveTextAsync(due.ToString("yyyy-MM-dd"));
        Assert.Equal(0, await page.Locator("#extension-approve").CountAsync()); // not the hospital's to decide
        await Shot(page, "12-extension-requested");
        await BrowserWalkthroughTests.LogoutAsync(page);

        // The regulator finds it among the pending requests and approves.
        await BrowserWalkthroughTests.LoginAsync(page, platform, "regulator");
        await page.GotoAsync(new Uri(platform.BaseAddress, "/rectifications").ToString());
        await page.ClickAsync("#pending-extensions a:has-text('核心交换机未冗余部署')");
        await Navigation.ArriveAsync(page, $"/rectifications/{taskId}", "#extension-approve");
        await page.FillAsync("#decision-note", "同意，请按期完成");
        await page.ClickAsync("#extension-approve");
        await Assertions.Expect(page.Locator("#flash")).ToContainTextAsync($"已批准延期，新期限 {wanted:yyyy-MM-dd}");
        await Assertions.Expect(page.Locator("#due-on")).ToHaveTextAsync(wanted.ToString("yyyy-MM-dd"));
        await Assertions.Expect(page.Locator(".extension-status")).ToHaveTextAsync("已批准");
        await Shot(page, "13-extension-approved");
        await BrowserWalkthroughTests.LogoutAsync(page);

        // The hospital sees the new deadline and who approved it.
        await BrowserWalkthroughTests.LoginAsync(page, platform, "hospital");
        await page.GotoAsync(taskUrl);
        await Assertions.Expect(page.Locator("#due-on")).ToHaveTextAsync(wanted.ToString("yyyy-MM-dd"));
        await Assertions.Expect(page.Locator("#extensions")).ToContainTextAsync("张监管");
    }

    [Fact]
    public async Task AnAssignmentIsChosenFromListsNotPastedAsAnId()
    {
        await using var platform = await PlatformFixture.StartAsync(DatabaseKind.Sqlite);
        Guid hospitalId, agencyId;
        List<string> systems;
        await using (var db = MedGuardContextFactory.Create(platform.Target))
        {
            var hospital = await db.Institutions.SingleAsync(i => i.Name == DemoProvince.DemoHospitalName);
            hospitalId = hospital.Id;
            systems = await db.Systems.Where(s => s.InstitutionId == hospital.Id).OrderBy(s => s.Name).Select(s => s.Name).ToListAsync();
            agencyId = (await db.Users.SingleAsync(u => u.UserName == "assessor2")).AgencyId!.Value;
        }

        await using var browser = await Browser.LaunchAsync();
        var page = await browser.Context.NewPageAsync();
        await BrowserWalkthroughTests.LoginAsync(page, platform, "admin");
        await page.GotoAsync(new Uri(platform.BaseAddress, "/admin/assignments").ToString());
        Assert.Equal(0, await page.Locator("input[name='systemId'], input[name='SystemId']").CountAsync());

        // ① institution: choosing it lists its systems (and only its systems) in ②.
        await page.SelectOptionAsync("#InstitutionId", hospitalId.ToString());
        await page.WaitForSelectorAsync("#SystemId");
        var offered = (await page.Locator("#SystemId option").AllTextContentsAsync()).Skip(1).ToList();
        Assert.Equal(systems, offered);
        await page.SelectOptionAsync("#SystemId", new SelectOptionValue { Label = "医院信息系统（HIS）" });
        await page.SelectOptionAsync("#AgencyId", agencyId.ToString());
        await page.ClickAsync("#assignment-submit");
        await Assertions.Expect(page.Locator("#flash")).ToHaveTextAsync("已新增委托");
        await Shot(page, "14-assignment");

        await using var check = MedGuardContextFactory.Create(platform.Target);
        Assert.True(await check.AgencyAssignments.AnyAsync(a => a.AgencyId == agencyId && a.InstitutionId == hospitalId && a.EndsOn == null));

        // The same assignment again is refused with a Chinese message.
        await page.SelectOptionAsync("#SystemId", new SelectOptionValue { Label = "医院信息系统（HIS）" });
        await page.SelectOptionAsync("#AgencyId", agencyId.ToString());
        await page.ClickAsync("#assignment-submit");
        await Assertions.Expect(page.Locator("#assignment-error")).ToContainTextAsync("委托已存在");
    }

    private async Task Shot(IPage page, string name)
    {
        var path = Path.Combine(Artifacts.Screenshots, $"sqlite-{name}.png");
        await page.ScreenshotAsync(new() { Path = path });
        output.WriteLine($"screenshot: {path}");
    }
}
