using System.Text.RegularExpressions;
using MedGuard.Server.Demo;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace MedGuard.Server.Tests;

/// <summary>
/// The 等保 lifecycle in real headless Chromium (Debian's, driven by Playwright): a hospital user logs in with a TOTP
/// code, grades its HIS in the wizard, records the expert review and asks for 核准; the regulator approves; the hospital
/// files with its certificate; the assigned assessor enters the assessment item by item and sees the conclusion; the
/// regulator sees the sector dashboard. Screenshots go to artifacts/screenshots.
/// </summary>
public sealed class BrowserWalkthroughTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task LoginGradeFileAssessAndSeeTheConclusion(DatabaseKind kind)
    {
        await using var platform = await PlatformFixture.StartAsync(kind);
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.Context.NewPageAsync();
        var prefix = kind.ToString().ToLowerInvariant();
        async Task Shot(string name)
        {
            var path = Path.Combine(Artifacts.Screenshots, $"{prefix}-{name}.png");
            await page.ScreenshotAsync(new() { Path = path, FullPage = false });
            output.WriteLine($"screenshot: {path}");
        }

        // Unauthenticated: every page sends to login; a wrong password is refused with one generic message.
        await page.GotoAsync(new Uri(platform.BaseAddress, "/systems").ToString());
        Assert.Contains("/account/login", page.Url, StringComparison.Ordinal);
        await page.FillAsync("#UserName", "hospital");
        await page.FillAsync("#Password", "Wrong-Password-1");
        await page.ClickAsync("#login-submit");
        await Assertions.Expect(page.Locator("#login-error")).ToHaveTextAsync(MedGuard.Server.Pages.Account.LoginModel.FailureMessage);

        // 1. The hospital logs in: name, password and TOTP code in one step.
        var hospital = platform.Credentials["hospital"];
        await page.FillAsync("#UserName", hospital.UserName);
        await page.FillAsync("#Password", hospital.Password);
        await Shot("01-login");
        await page.FillAsync("#Code", await TotpCodes.FreshAsync(hospital.TotpSecret!));
        await Shot("02-totp");
        await page.ClickAsync("#login-submit");
        await page.WaitForSelectorAsync("#current-user");
        Assert.Contains(DemoProvince.DemoHospitalName, await page.TextContentAsync("#current-user"), StringComparison.Ordinal);
        await Shot("03-workbench");

        // 2. Its ungraded HIS: the grading wizard, with the live (htmx) preview.
        await page.GotoAsync(new Uri(platform.BaseAddress, "/systems?state=ungraded").ToString());
        await page.ClickAsync("#systems-table a:has-text('医院信息系统（HIS）')");
        var systemUrl = page.Url;
        Assert.Equal("未定级。", (await page.TextContentAsync("#grading-state"))?.Trim());
        await page.ClickAsync("#grade-link");
        await page.SelectOptionAsync("#InformationObject", "public");
        await page.SelectOptionAsync("#InformationDegree", "Serious");
        await page.SelectOptionAsync("#ServiceObject", "citizen");
        await page.SelectOptionAsync("#ServiceDegree", "General");
        await page.WaitForFunctionAsync("() => document.querySelector('#preview-level')?.textContent === '第3级'");
        await Shot("04-grading-wizard");
        await page.ClickAsync("#grade-submit");
        await Navigation.ArriveAsync(page, new Uri(systemUrl).AbsolutePath, "#flash");
        Assert.Contains("定级完成：第3级（S3A1）", await page.TextContentAsync("#flash"), StringComparison.Ordinal);
        Assert.Contains("第三级", await page.TextContentAsync("#grading-state"), StringComparison.Ordinal);

        // Expert review (who and when), then the request for 主管部门核准; filing waits for both.
        await Assertions.Expect(page.Locator("#filing-blocked")).ToBeVisibleAsync();
        await page.FillAsync("#Reviewers", "孙专家（京华大学）、钱专家（京安测评中心）");
        await page.ClickAsync("#review-submit");
        await Assertions.Expect(page.Locator("#review-state")).ToContainTextAsync("已完成");
        await Assertions.Expect(page.Locator("#review-state")).ToContainTextAsync("孙专家（京华大学）");
        await page.ClickAsync("#request-approval");
        await Assertions.Expect(page.Locator("#approval-state")).ToContainTextAsync("待核准");
        await Assertions.Expect(page.Locator("#flash")).ToContainTextAsync("已申请主管部门核准");
        Assert.Null(await page.QuerySelectorAsync("#FiledOn"));
        await Shot("05a-approval-requested");
        await LogoutAsync(page);

        // The regulator of the region finds it among the systems waiting for 核准 and approves (who and when are recorded).
        await LoginAsync(page, platform, "regulator");
        await page.GotoAsync(new Uri(platform.BaseAddress, "/systems?state=approval").ToString());
        await page.ClickAsync($"#systems-table a[href='{new Uri(systemUrl).AbsolutePath}']");
        await Navigation.ArriveAsync(page, new Uri(systemUrl).AbsolutePath, "#approve");
        await page.ClickAsync("#approve");
        await Assertions.Expect(page.Locator("#approval-state")).ToContainTextAsync("已核准");
        await Assertions.Expect(page.Locator("#approval-state")).ToContainTextAsync("张监管");
        await Shot("05b-approved");
        await LogoutAsync(page);

        // 3. Back as the hospital: filing with the police, certificate number and date.
        await LoginAsync(page, platform, "hospital");
        await page.GotoAsync(systemUrl);
        await page.FillAsync("#FiledOn", DateTime.Today.ToString("yyyy-MM-dd"));
        await page.FillAsync("#CertificateNumber", "11010199-E2E-0001");
        await page.FillAsync("#CertificateIssuedOn", DateTime.Today.ToString("yyyy-MM-dd"));
        await page.ClickAsync("#file-submit");
        await Assertions.Expect(page.Locator("#filing-state")).ToContainTextAsync("11010199-E2E-0001");
        await Assertions.Expect(page.Locator("#filing-state")).ToContainTextAsync("已备案");
        Assert.Null(await page.QuerySelectorAsync("#system-error"));
        await Shot("05-filed");
        await LogoutAsync(page);

        // 4. The assessor assigned to this HIS logs in and enters the assessment item by item.
        await LoginAsync(page, platform, "assessor");
        await page.GotoAsync(systemUrl);
        await page.ClickAsync("#assess-start");
        await Navigation.ArriveAsync(page, "/assessments/", "#entered-count");
        await Assertions.Expect(page.Locator("#entered-count")).ToHaveTextAsync("0");
        Assert.Equal("等级测评", (await page.TextContentAsync("#assessment-kind"))?.Trim());
        // 211 items grouped by 安全类, and the save button in reach at the top of the page as further down.
        Assert.True(await page.Locator("tr.category-row").CountAsync() >= 8);
        await Assertions.Expect(page.Locator("#save-items")).ToBeInViewportAsync();
        await page.Locator("#row-L3-SMC1-01").ScrollIntoViewIfNeededAsync();
        await Assertions.Expect(page.Locator("#save-items")).ToBeInViewportAsync();
        await page.SelectOptionAsync("#result-L3-CES1-01", "不符合");
        await page.SelectOptionAsync("#risk-L3-CES1-01", "中");
        await page.FillAsync("#evidence-L3-CES1-01", "数据库管理员口令为 Admin123，未定期更换");
        await page.SelectOptionAsync("#result-L3-PES1-01", "部分符合");
        await page.SelectOptionAsync("#risk-L3-PES1-01", "低");
        await page.ClickAsync("#save-items");
        await Assertions.Expect(page.Locator("#entered-count")).ToHaveTextAsync("2");
        await Assertions.Expect(page.Locator("#flash")).ToContainTextAsync("已保存 2 项测评结果");
        await Shot("06-assessment-items");
        await page.ClickAsync("#fill-conforming");
        await Assertions.Expect(page.Locator("#entered-count")).ToHaveTextAsync("211");
        Assert.Equal("数据库管理员口令为 Admin123，未定期更换", await page.InputValueAsync("#evidence-L3-CES1-01"));

        // 5. The conclusion: 1 不符合 + 1 部分符合 of 211 → 符合率 (209 + 0.5) / 211 = 99.29% → 符合 (2025 template).
        await page.ClickAsync("#conclude");
        await Assertions.Expect(page.Locator("#conclusion-text")).ToHaveTextAsync("符合");
        Assert.DoesNotContain("handler=", page.Url, StringComparison.Ordinal); // post/redirect/get
        await Assertions.Expect(page.Locator("#flash")).ToContainTextAsync("已形成测评结论");
        Assert.Equal("99.29%", (await page.TextContentAsync("#conformity-rate"))?.Trim());
        await Shot("07-conclusion");

        // The two shortfalls became rectification tasks on the system page.
        await page.GotoAsync(systemUrl);
        Assert.Equal(2, await page.Locator("a[href^='/rectifications/']").CountAsync());
        Assert.Contains("符合", await page.TextContentAsync("table:has-text('得分/符合率')"), StringComparison.Ordinal);
        await Shot("08-system-after");
        await page.ClickAsync("button:has-text('退出')");

        // 6. The regulator (TOTP required) sees the sector dashboard with its ECharts.
        var regulator = platform.Credentials["regulator"];
        await page.FillAsync("#UserName", regulator.UserName);
        await page.FillAsync("#Password", regulator.Password);
        await page.FillAsync("#Code", await TotpCodes.FreshAsync(regulator.TotpSecret!));
        await page.ClickAsync("#login-submit");
        await page.WaitForSelectorAsync("#current-user");
        await page.GotoAsync(new Uri(platform.BaseAddress, "/dashboard").ToString());
        await page.WaitForSelectorAsync("body[data-charts-ready='true']");
        Assert.True(await page.Locator("#tier-chart canvas").CountAsync() > 0);
        Assert.Contains("三甲", await page.TextContentAsync("#table-tiers"), StringComparison.Ordinal);
        await Shot("09-dashboard");
    }

    internal static async Task LoginAsync(IPage page, PlatformFixture platform, string userName)
    {
        var account = platform.Credentials[userName];
        await page.GotoAsync(new Uri(platform.BaseAddress, "/account/login").ToString());
        await page.FillAsync("#UserName", account.UserName);
        await page.FillAsync("#Password", account.Password);
        await page.FillAsync("#Code", await TotpCodes.FreshAsync(account.TotpSecret!));
        await page.ClickAsync("#login-submit");
        await page.WaitForSelectorAsync("#current-user");
    }

    internal static async Task LogoutAsync(IPage page)
    {
        await page.ClickAsync("button:has-text('退出')");
        await Navigation.ArriveAsync(page, "/account/login", "#UserName");
    }

    [Fact]
    public async Task AdministratorEnrolsTotpByQrCodeOnFirstLogin()
    {
        await using var platform = await PlatformFixture.StartAsync(DatabaseKind.Sqlite);
        // A new regulator without a second factor: the first login must go through enrolment.
        await using (var db = MedGuard.Storage.Providers.MedGuardContextFactory.Create(platform.Target))
        {
            var user = db.Users.Single(u => u.UserName == "haidian");
            user.TotpEnabled = false;
            user.TotpSecretEncrypted = null;
            await db.SaveChangesAsync();
        }

        await using var browser = await Browser.LaunchAsync();
        var page = await browser.Context.NewPageAsync();
        var haidian = platform.Credentials["haidian"];
        await page.GotoAsync(new Uri(platform.BaseAddress, "/account/login").ToString());
        await page.FillAsync("#UserName", haidian.UserName);
        await page.FillAsync("#Password", haidian.Password);
        await page.ClickAsync("#login-submit");
        await Navigation.ArriveAsync(page, "/account/enrol", "#totp-qr");
        var qr = await page.GetAttributeAsync("#totp-qr", "src");
        Assert.StartsWith("data:image/png;base64,", qr, StringComparison.Ordinal);
        var secret = (await page.TextContentAsync("#totp-secret"))!.Trim();
        await page.ScreenshotAsync(new() { Path = Path.Combine(Artifacts.Screenshots, "sqlite-10-totp-enrolment.png") });
        await page.FillAsync("#Code", "000000");
        await page.ClickAsync("#enrol-submit");
        Assert.Contains("动态口令错误", await page.TextContentAsync(".alert-danger"), StringComparison.Ordinal);
        secret = (await page.TextContentAsync("#totp-secret"))!.Trim(); // a failed attempt starts a fresh secret
        await page.FillAsync("#Code", await TotpCodes.FreshAsync(secret));
        await page.ClickAsync("#enrol-submit");
        await page.WaitForSelectorAsync("#current-user");
        Assert.Contains("海淀区", await page.TextContentAsync("#current-user"), StringComparison.Ordinal);
    }
}

/// <summary>
/// Waits for a page reached by a redirect: polls the URL, then waits for an element of the new page. Not
/// <c>WaitForURLAsync</c>: when the URL already matches it waits for the <c>load</c> event by subscribing after checking,
/// and can miss it (playwright-dotnet #3364: a CI run here hung 30 s on /account/totp with the page loaded).
/// </summary>
internal static class Navigation
{
    public static async Task ArriveAsync(IPage page, string path, string selector)
    {
        // A path ending in '/' is a prefix; any other is the whole path (/systems/5 is neither /systems/55 nor /systems/5/grade).
        var boundary = path.EndsWith('/') ? "" : "(?:[?#]|$)";
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("^https?://[^/]+" + Regex.Escape(path) + boundary), new() { Timeout = 30_000 });
        await page.WaitForSelectorAsync(selector);
    }
}

/// <summary>Debian's chromium through Playwright, with a fresh profile; never a downloaded browser.</summary>
internal sealed class Browser : IAsyncDisposable
{
    private readonly IPlaywright playwright;
    private readonly string profile;

    private Browser(IPlaywright playwright, IBrowserContext context, string profile)
    {
        this.playwright = playwright;
        Context = context;
        this.profile = profile;
    }

    public IBrowserContext Context { get; }

    public static async Task<Browser> LaunchAsync()
    {
        var executable = Environment.GetEnvironmentVariable("MEDGUARD_CHROMIUM") is { Length: > 0 } e ? e : "/usr/bin/chromium";
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException($"找不到 chromium（{executable}）：请运行 ./test.sh，它会安装 tests/setup.d/browser.apt");
        }

        var profile = Path.Combine(Path.GetTempPath(), "medguard-chromium-" + Guid.NewGuid().ToString("N")[..12]);
        var playwright = await Playwright.CreateAsync();
        var context = await playwright.Chromium.LaunchPersistentContextAsync(profile, new()
        {
            ExecutablePath = executable,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
            Locale = "zh-CN",
            ViewportSize = new() { Width = 1440, Height = 1000 },
        });
        context.SetDefaultTimeout(30_000);
        // Web-first assertions poll until the page shows what they expect; a loaded CI machine needs more than 5 s.
        Assertions.SetDefaultExpectTimeout(30_000);
        return new Browser(playwright, context, profile);
    }

    public async ValueTask DisposeAsync()
    {
        await Context.CloseAsync();
        playwright.Dispose();
        try
        {
            Directory.Delete(profile, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
