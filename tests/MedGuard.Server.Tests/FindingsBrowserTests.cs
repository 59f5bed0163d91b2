using System.Security.Cryptography;
using System.Text;
using MedGuard.Domain.Findings;
using MedGuard.Domain.Systems;
using MedGuard.Server.Demo;
using MedGuard.Storage.Providers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace MedGuard.Server.Tests;

/// <summary>
/// The findings spine in real headless Chromium: the hospital registers an address of its HIS with the authorization
/// letter uploaded, uploads a port scan and sees its findings (evidence masked); the regulator accepts one risk with a
/// date and a reason, follows the other to the rectification item the import created, imports a later scan without it
/// and sees it 已修复 with the item proposed for 复测通过.
/// </summary>
public sealed class FindingsBrowserTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task RegisterAuthorizeUploadAcceptRiskAndSeeItFixed(DatabaseKind kind)
    {
        await using var platform = await PlatformFixture.StartAsync(kind);
        Guid institution, his;
        await using (var db = MedGuardContextFactory.Create(platform.Target))
        {
            institution = await db.Institutions.Where(i => i.Name == DemoProvince.DemoHospitalName).Select(i => i.Id).SingleAsync();
            his = await db.Systems.Where(s => s.InstitutionId == institution && s.Business == BusinessKind.His).Select(s => s.Id).SingleAsync();
        }

        await using var browser = await Browser.LaunchAsync();
        var page = await browser.Context.NewPageAsync();
        var prefix = kind.ToString().ToLowerInvariant();
        async Task Shot(string name)
        {
            var path = Path.Combine(Artifacts.Screenshots, $"{prefix}-findings-{name}.png");
            await page.ScreenshotAsync(new() { Path = path, FullPage = true });
            output.WriteLine($"screenshot: {path}");
        }

        string Url(string path) => new Uri(platform.BaseAddress, path).ToString();

        // 1. The hospital registers its database server (serving the HIS) with the signed letter.
        await BrowserWalkthroughTests.LoginAsync(page, platform, "hospital");
        await page.ClickAsync("nav a:has-text('资产')");
        await Navigation.ArriveAsync(page, "/assets", "#assets-table");
        await page.ClickAsync("#new-asset");
        await Navigation.ArriveAsync(page, "/assets/new", "#Value");
        await page.SelectOptionAsync("#Institution", institution.ToString());
        await page.SelectOptionAsync("#Kind", "Ip");
        await page.FillAsync("#Value", "10.55.0.5");
        await page.FillAsync("#Name", "HIS 数据库服务器");
        await page.SelectOptionAsync("#SystemId", his.ToString());
        await page.FillAsync("#AuthorizedBy", "信息中心 王主任");
        var letter = Encoding.UTF8.GetBytes("%PDF-1.4 授权书：同意对 10.55.0.5 进行端口检测（测试）");
        await page.SetInputFilesAsync("#letter", new FilePayload { Name = "授权书.pdf", MimeType = "application/pdf", Buffer = letter });
        await page.FillAsync("#ValidUntil", FindingsData.ChinaToday().AddDays(365).ToString("yyyy-MM-dd"));
        await page.CheckAsync("#detector-ports");
        await page.ClickAsync("#asset-submit");
        await Navigation.ArriveAsync(page, "/assets/", "#authorizations");
        await Assertions.Expect(page.Locator("#flash")).ToContainTextAsync("已登记IP地址资产 10.55.0.5");
        await Assertions.Expect(page.Locator(".letter-sha256")).ToHaveTextAsync(Convert.ToHexStringLower(SHA256.HashData(letter)));
        await Assertions.Expect(page.Locator(".authorization-state")).ToHaveTextAsync("有效");
        await Shot("01-asset");

        // 2. It uploads a port scan: two findings, both on the HIS, so two rectification items.
        const string Id = "110101199001011234";
        var first = FindingsData.PortRun("10.55.0.5", (3306, "ports.mysql-exposed", Severity.High, $"患者身份证 {Id}"), (8080, "ports.http-admin", Severity.Medium, null));
        await page.ClickAsync("nav a:has-text('检测发现')");
        await Navigation.ArriveAsync(page, "/findings", "#findings-table");
        await page.ClickAsync("#import-link");
        await Navigation.ArriveAsync(page, "/findings/import", "#files");
        await page.SetInputFilesAsync("#files", new FilePayload { Name = "ports-1.json", MimeType = "application/json", Buffer = FindingsData.Json(first) });
        await page.ClickAsync("#import-submit");
        await Assertions.Expect(page.Locator("#flash")).ToContainTextAsync("已导入 1 个检测运行");
        await Assertions.Expect(page.Locator("#import-report")).ToContainTextAsync("新发现 2");
        await Assertions.Expect(page.Locator("#import-report")).ToContainTextAsync("新建整改任务 2");
        await Shot("02-imported");
        await page.ClickAsync("#see-findings");
        await Navigation.ArriveAsync(page, "/findings", "#findings-table");
        await Assertions.Expect(page.Locator("#findings-table tbody tr:has-text('10.55.0.5')")).ToHaveCountAsync(2);
        await page.ClickAsync("#findings-table a:has-text('3306')");
        await Navigation.ArriveAsync(page, "/findings/", "#finding-evidence");
        var evidence = await page.TextContentAsync("#finding-evidence");
        Assert.Contains("110101**********34", evidence, StringComparison.Ordinal);
        Assert.DoesNotContain(Id, await page.ContentAsync(), StringComparison.Ordinal);
        Assert.Null(await page.QuerySelectorAsync("#accept-risk-form")); // 风险接受 is not the hospital's call
        var mysqlUrl = page.Url;
        await Shot("03-finding");
        await BrowserWalkthroughTests.LogoutAsync(page);

        // 3. The regulator accepts the 8080 risk until a day, with its reason.
        await BrowserWalkthroughTests.LoginAsync(page, platform, "regulator");
        await page.GotoAsync(Url($"/findings?institution={institution}&severity=Medium"));
        await page.ClickAsync("#findings-table a:has-text('8080')");
        await Navigation.ArriveAsync(page, "/findings/", "#accept-risk-form");
        var until = FindingsData.ChinaToday().AddDays(60).ToString("yyyy-MM-dd");
        await page.FillAsync("#until", until);
        await page.FillAsync("#accept-reason", "管理端口仅内网可达，下季度下线");
        await page.ClickAsync("#action-accept-risk");
        await Assertions.Expect(page.Locator("#finding-status")).ToHaveTextAsync($"风险接受（至 {until}）");
        await Assertions.Expect(page.Locator("#finding-history")).ToContainTextAsync("新发现 → 风险接受");
        await Assertions.Expect(page.Locator("#finding-history")).ToContainTextAsync("管理端口仅内网可达");
        await Shot("04-risk-accepted");

        // 4. The 3306 finding's rectification item, created by the import, shows where it came from.
        await page.GotoAsync(mysqlUrl);
        await page.ClickAsync("#finding-rectification a");
        await Navigation.ArriveAsync(page, "/rectifications/", "#source-findings");
        await Assertions.Expect(page.Locator("#source-findings")).ToContainTextAsync("10.55.0.5:3306");
        var rectificationUrl = page.Url;
        await Shot("05-rectification");

        // 5. A later scan without 3306: it is 已修复 (naming the run) and the item is proposed for 复测通过.
        var second = FindingsData.PortRun("10.55.0.5", (8080, "ports.http-admin", Severity.Medium, null)) with { StartedAt = first.StartedAt.AddHours(1), EndedAt = first.EndedAt.AddHours(1) };
        await page.GotoAsync(Url("/findings/import"));
        await page.SetInputFilesAsync("#files", new FilePayload { Name = "ports-2.json", MimeType = "application/json", Buffer = FindingsData.Json(second) });
        await page.ClickAsync("#import-submit");
        await Assertions.Expect(page.Locator("#import-report")).ToContainTextAsync("已修复 1");
        await page.GotoAsync(mysqlUrl);
        await Assertions.Expect(page.Locator("#finding-status")).ToHaveTextAsync("已修复");
        await Assertions.Expect(page.Locator("#fixed-by")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#finding-sightings tbody tr")).ToHaveCountAsync(1);
        await page.GotoAsync(rectificationUrl);
        await Assertions.Expect(page.Locator("#retest-proposed")).ToContainTextAsync("已提请复测通过");
        await Assertions.Expect(page.Locator("#source-findings")).ToContainTextAsync("已修复");
        await Shot("06-fixed");

        // The institution's page counts them and links to the filtered list.
        await page.GotoAsync(Url($"/institutions/{institution}"));
        await Assertions.Expect(page.Locator("#institution-findings")).ToContainTextAsync("已修复 1");
        await Assertions.Expect(page.Locator("#institution-findings")).ToContainTextAsync("风险接受 1");
        await Assertions.Expect(page.Locator("#institution-assets")).ToContainTextAsync("10.55.0.5");
    }
}
