using System.Net;
using System.Text.Json;
using MedGuard.Domain.Inventory;
using MedGuard.Domain.Systems;
using MedGuard.Server.Demo;
using MedGuard.Storage.Inventory;
using MedGuard.Storage.Providers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace MedGuard.Server.Tests;

/// <summary>
/// Candidate assets from apps (issue 18 §5) in real headless Chromium and through the API: the hospital imports its app's
/// analysis (AndroGoat, analysed in-process), finds the servers it talks to under 候选资产（来自 App） on its assets page,
/// registers one with its authorization through the normal form (then, and only then, it is in a web scan's scope),
/// dismisses another with a reason; both decisions are in the audit trail; another hospital's page shows none of it.
/// </summary>
public sealed class CandidateAssetsBrowserTests(ITestOutputHelper output)
{
    private const string Server = "http://demo.testfire.net";

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task TheHospitalRegistersOneServerOfItsAppAndDismissesAnother(DatabaseKind kind)
    {
        await using var platform = await PlatformFixture.StartAsync(kind);
        Guid institution, his;
        await using (var db = MedGuardContextFactory.Create(platform.Target))
        {
            institution = await db.Institutions.Where(i => i.Name == DemoProvince.DemoHospitalName).Select(i => i.Id).SingleAsync();
            his = await db.Systems.Where(s => s.InstitutionId == institution && s.Business == BusinessKind.His).Select(s => s.Id).SingleAsync();
        }

        // The hospital's app, authorized for app analysis, and its analysis imported through the API.
        var (run, package) = FindingsData.ApkRun("AndroGoat.apk");
        await FindingsData.RegisterAssetAsync(platform, institution, AssetKind.App, package, his, "apk");
        using var hospital = await ApiClient.LoginAsync(platform, "hospital");
        var imported = await hospital.SendContentAsync(HttpMethod.Post, $"/api/findings/import?institution={institution}", FindingsData.JsonContent(run));
        Assert.True(imported.Status == HttpStatusCode.OK, imported.Body);

        var listed = JsonDocument.Parse((await hospital.SendAsync(HttpMethod.Get, $"/api/asset-candidates?institution={institution}")).Body).RootElement;
        var origins = listed.EnumerateArray().Select(c => c.GetProperty("origin").GetString()!).ToList();
        Assert.Contains(Server, origins);
        Assert.All(listed.EnumerateArray(), c => Assert.Equal(package, c.GetProperty("apps")[0].GetString()));
        var other = origins.First(o => o != Server);

        // Not in any scope yet.
        Assert.False(await InWebScopeAsync(platform, institution, Server));

        await using var browser = await Browser.LaunchAsync();
        var page = await browser.Context.NewPageAsync();
        var prefix = kind.ToString().ToLowerInvariant();
        async Task Shot(string name)
        {
            var path = Path.Combine(Artifacts.Screenshots, $"{prefix}-candidates-{name}.png");
            await page.ScreenshotAsync(new() { Path = path, FullPage = true });
            output.WriteLine($"screenshot: {path}");
        }

        string Url(string path) => new Uri(platform.BaseAddress, path).ToString();

        // 1. The assets page lists the candidates with their app and first-seen time.
        await BrowserWalkthroughTests.LoginAsync(page, platform, "hospital");
        await page.GotoAsync(Url($"/assets?institution={institution}"));
        await Navigation.ArriveAsync(page, "/assets", "#asset-candidates");
        await Assertions.Expect(page.Locator("#asset-candidates h2")).ToContainTextAsync("候选资产（来自 App）");
        var row = page.Locator($"#candidates-table tr:has(td.candidate-origin:text-is('{Server}'))");
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await Assertions.Expect(row).ToContainTextAsync(package);
        await Assertions.Expect(row).ToContainTextAsync("明文 HTTP");
        await Assertions.Expect(row).ToContainTextAsync(FindingsData.ChinaToday().ToString("yyyy-MM-dd"));
        await Shot("01-listed");

        // 2. 登记并授权 leads to the registration form, prefilled; the authorization is given there.
        await row.Locator(".candidate-accept").ClickAsync();
        await Navigation.ArriveAsync(page, "/assets/new", "#candidate-banner");
        await Assertions.Expect(page.Locator("#candidate-banner")).ToContainTextAsync(Server);
        await Assertions.Expect(page.Locator("#Value")).ToHaveValueAsync(Server);
        await page.FillAsync("#Name", "App 演示服务器");
        await page.FillAsync("#AuthorizedBy", "信息中心 王主任");
        await page.FillAsync("#ValidUntil", FindingsData.ChinaToday().AddDays(180).ToString("yyyy-MM-dd"));
        await page.CheckAsync("#detector-web");
        await Shot("02-accept-form");
        await page.ClickAsync("#asset-submit");
        await Navigation.ArriveAsync(page, "/assets/", "#authorizations");
        await Assertions.Expect(page.Locator("#flash")).ToContainTextAsync($"已将候选资产登记为网站资产 {Server}");
        await Assertions.Expect(page.Locator(".authorization-state")).ToHaveTextAsync("有效");
        await Shot("03-registered");

        // 3. Another server is dismissed with a reason; both leave the list.
        await page.GotoAsync(Url($"/assets?institution={institution}"));
        await Navigation.ArriveAsync(page, "/assets", "#asset-candidates");
        var second = page.Locator($"#candidates-table tr:has(td.candidate-origin:text-is('{other}'))");
        await second.Locator(".candidate-reason").FillAsync("第三方服务器，不属于本院");
        await second.Locator(".candidate-dismiss").ClickAsync();
        await Navigation.ArriveAsync(page, "/assets", "#assets-table");
        await Assertions.Expect(page.Locator("#flash")).ToContainTextAsync($"已忽略候选资产 {other}");
        await Assertions.Expect(page.Locator($"td.candidate-origin:text-is('{other}')")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator($"td.candidate-origin:text-is('{Server}')")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#assets-table")).ToContainTextAsync(Server);
        await Shot("04-decided");
        await BrowserWalkthroughTests.LogoutAsync(page);

        // 4. Another hospital sees no candidate of this one.
        await BrowserWalkthroughTests.LoginAsync(page, platform, "hospital2");
        await page.GotoAsync(Url("/assets"));
        await Navigation.ArriveAsync(page, "/assets", "#assets-table");
        Assert.DoesNotContain("demo.testfire.net", await page.ContentAsync(), StringComparison.Ordinal);
        Assert.Null(await page.QuerySelectorAsync("#asset-candidates"));

        // The registered server is in a web scan's scope now; the decisions are in the audit trail.
        await using (var db = MedGuardContextFactory.Create(platform.Target))
        {
            Assert.True(await InWebScopeAsync(platform, institution, Server));
            Assert.False(await InWebScopeAsync(platform, institution, other));
            var decided = await db.AssetCandidates.AsNoTracking().Where(c => c.InstitutionId == institution && c.Status != AssetCandidateStatus.Candidate).ToListAsync();
            Assert.Equal(2, decided.Count);
            var ids = decided.Select(c => c.Id.ToString()).ToList();
            var trail = await db.AuditEntries.AsNoTracking().Where(e => e.EntityType == nameof(AssetCandidate)).ToListAsync();
            Assert.Equal(2, trail.Count(e => e.Action == "update" && ids.Contains(e.EntityId!)));
            Assert.Contains(trail, e => e.Detail!.Contains("第三方服务器，不属于本院", StringComparison.Ordinal));
            Assert.All(trail, e => Assert.NotNull(e.UserName));
        }
    }

    /// <summary>Whether a web scan of the institution started now may reach the origin (no authorization at all: no).</summary>
    private static async Task<bool> InWebScopeAsync(PlatformFixture platform, Guid institution, string origin)
    {
        await using var db = MedGuardContextFactory.Create(platform.Target);
        try
        {
            // The origin's own assets only: the institution's other web assets hold the demo's night window (00:00-06:00),
            // and a scope over assets with different windows is refused whole, which would make this depend on the hour.
            var assets = await db.Assets.AsNoTracking().Where(a => a.InstitutionId == institution && a.Value == origin).ToListAsync();
            var ids = assets.Select(a => a.Id).ToList();
            var authorizations = await db.AssetAuthorizations.AsNoTracking().Where(a => ids.Contains(a.AssetId)).ToListAsync();
            return AuthorizedScopes.From(assets, authorizations, "web", DateTimeOffset.UtcNow).Permits(new Uri(origin + "/"));
        }
        catch (NoAuthorizationException)
        {
            return false;
        }
    }
}
