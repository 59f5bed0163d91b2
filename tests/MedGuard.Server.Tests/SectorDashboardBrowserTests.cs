using System.Globalization;
using System.Text.Json;
using MedGuard.Storage.Providers;
using MedGuard.Storage.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using MiniExcelLibs;
using Xunit.Abstractions;

namespace MedGuard.Server.Tests;

/// <summary>
/// The sector dashboard (issue 16) in real Chromium on the demo province: its tables and charts show what a direct SQL
/// count of the database gives; a chart bar leads to the institutions behind it, one of them to its findings, one finding
/// to its page; a table exports as .xlsx with the same numbers and a chart as PNG; bad filters get an empty state or 403;
/// a hospital sees itself beside its tier's average. Screenshots go to artifacts/screenshots.
/// </summary>
public sealed class SectorDashboardBrowserTests(ITestOutputHelper output)
{
    private static async Task<long> SqlAsync(PlatformFixture platform, string sql)
    {
        await using var db = MedGuardContextFactory.Create(platform.Target, TenantScope.System, PlatformFixture.DemoToday);
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    private static async Task<double> CellAsync(IPage page, string table, int row, int column) =>
        double.Parse(await page.Locator($"#table-{table} tbody tr:nth-child({row}) td:nth-child({column})").GetAttributeAsync("data-number") ?? "NaN", CultureInfo.InvariantCulture);

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task FiguresEqualTheDatabaseAndDrillDownToAFinding(DatabaseKind kind)
    {
        await using var platform = await PlatformFixture.StartAsync(kind);
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.Context.NewPageAsync();
        var prefix = kind.ToString().ToLowerInvariant();
        async Task Shot(string name, bool full = false)
        {
            var path = Path.Combine(Artifacts.Screenshots, $"{prefix}-dashboard-{name}.png");
            await page.ScreenshotAsync(new() { Path = path, FullPage = full });
            output.WriteLine($"screenshot: {path}");
        }

        await BrowserWalkthroughTests.LoginAsync(page, platform, "regulator");
        await page.GotoAsync(new Uri(platform.BaseAddress, "/dashboard").ToString());
        await page.WaitForSelectorAsync("body[data-charts-ready='true']");
        await Shot("01-top");
        await Shot("02-full", full: true);

        // Detection next to the survey: the ports row of the severity table (高 / 中 / 低) equals the database.
        Assert.Equal(await SqlAsync(platform, "SELECT COUNT(*) FROM \"Findings\" WHERE \"Detector\" = 'ports' AND \"Severity\" = 'High'"), await CellAsync(page, "severity", 1, 2));
        Assert.Equal(await SqlAsync(platform, "SELECT COUNT(*) FROM \"Findings\" WHERE \"Detector\" = 'ports' AND \"Severity\" = 'Medium'"), await CellAsync(page, "severity", 1, 3));
        Assert.Equal(await SqlAsync(platform, "SELECT COUNT(DISTINCT \"InstitutionId\") FROM \"DetectionImports\""),
            long.Parse((await page.TextContentAsync("#figure-units-tested"))!.Trim(), CultureInfo.InvariantCulture));
        // 等保: 三甲's graded systems (定级率's numerator, in the cell's tooltip) and institutions.
        var tertiaryA = page.Locator("#table-tiers tbody tr", new() { HasText = "三甲" }).First;
        Assert.Equal(await SqlAsync(platform, "SELECT COUNT(*) FROM \"Institutions\" WHERE \"Tier\" = 'TertiaryA'"),
            long.Parse((await tertiaryA.Locator("td:nth-child(2)").TextContentAsync())!.Trim(), CultureInfo.InvariantCulture));
        var graded = await SqlAsync(platform, "SELECT COUNT(*) FROM \"Gradings\" g JOIN \"ProtectedSystems\" s ON s.\"Id\" = g.\"SystemId\" JOIN \"Institutions\" i ON i.\"Id\" = s.\"InstitutionId\" WHERE i.\"Tier\" = 'TertiaryA'");
        var systems = await SqlAsync(platform, "SELECT COUNT(*) FROM \"ProtectedSystems\" s JOIN \"Institutions\" i ON i.\"Id\" = s.\"InstitutionId\" WHERE i.\"Tier\" = 'TertiaryA'");
        Assert.StartsWith($"{graded}/{systems}：", await tertiaryA.Locator("td:nth-child(4)").GetAttributeAsync("title"), StringComparison.Ordinal);
        Assert.Contains("已定级的定级对象", await page.TextContentAsync("#detection-cards") + await tertiaryA.Locator("td:nth-child(4)").GetAttributeAsync("title"), StringComparison.Ordinal);

        // The severity table exports as .xlsx with the same numbers.
        var export = await page.Context.APIRequest.GetAsync(new Uri(platform.BaseAddress, await page.GetAttributeAsync("#export-severity", "href")).ToString());
        Assert.Equal(200, export.Status);
        using (var sheet = new MemoryStream(await export.BodyAsync()))
        {
            var rows = sheet.Query(useHeaderRow: true).Cast<IDictionary<string, object>>().ToList();
            Assert.Equal("端口", rows[0]["检测类型"]);
            Assert.Equal(await CellAsync(page, "severity", 1, 2), Convert.ToDouble(rows[0]["高"], CultureInfo.InvariantCulture));
            Assert.Equal(await CellAsync(page, "severity", 1, 6), Convert.ToDouble(rows[0]["合计"], CultureInfo.InvariantCulture));
        }

        // A chart exports as PNG: the image its 导出 PNG button saves (ECharts getDataURL, client-side).
        Assert.Equal(1, await page.Locator("button.chart-png[data-chart='severity-chart']").CountAsync());
        var dataUrl = await page.EvaluateAsync<string>("() => echarts.getInstanceByDom(document.getElementById('severity-chart')).getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: '#fff' })");
        var png = Convert.FromBase64String(dataUrl[(dataUrl.IndexOf(',', StringComparison.Ordinal) + 1)..]);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png.Take(4).ToArray());
        Assert.True(png.Length > 5_000);

        // Drill-down: the 端口 / 高 bar of the severity chart → the institutions behind it → one → its finding.
        var point = JsonSerializer.Deserialize<double[]>(await page.EvaluateAsync<string>(
            "() => { const c = echarts.getInstanceByDom(document.getElementById('severity-chart')); const b = c.getModel().getSeriesByIndex(0).getData().getItemLayout(0); return JSON.stringify([b.x + b.width / 2, b.y + b.height / 2]); }"))!;
        var box = (await page.Locator("#severity-chart").BoundingBoxAsync())!;
        await page.Mouse.ClickAsync((float)(box.X + point[0]), (float)(box.Y + point[1]));
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/dashboard/institutions\\?.*detector=ports&severity=High"));
        Assert.Equal(await SqlAsync(platform, "SELECT COUNT(DISTINCT \"InstitutionId\") FROM \"Findings\" WHERE \"Detector\" = 'ports' AND \"Severity\" = 'High'"),
            long.Parse((await page.TextContentAsync("#drill-total"))!, CultureInfo.InvariantCulture));
        await Shot("03-drill");
        await page.ClickAsync("#drill-institutions tbody tr:first-child a");
        await page.WaitForSelectorAsync("#drill-findings");
        var title = (await page.TextContentAsync("#drill-findings tbody tr:first-child a"))!.Trim();
        await page.ClickAsync("#drill-findings tbody tr:first-child a");
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/findings/[0-9a-f-]{36}$"));
        Assert.Contains(title, await page.ContentAsync(), StringComparison.Ordinal);

        // Bad input: an unknown region, a period ending before it starts → an empty state, not a stack trace.
        var bad = await page.GotoAsync(new Uri(platform.BaseAddress, "/dashboard?region=999999").ToString());
        Assert.Equal(400, bad!.Status);
        Assert.Contains("没有这个行政区划", await page.TextContentAsync("#sector-problem"), StringComparison.Ordinal);
        bad = await page.GotoAsync(new Uri(platform.BaseAddress, "/dashboard?from=2026-06-30&to=2026-01-01&tier=Nope").ToString());
        Assert.Equal(400, bad!.Status);
        Assert.Contains("没有这个医院等级", await page.TextContentAsync("#sector-problem"), StringComparison.Ordinal);
        var empty = await page.GotoAsync(new Uri(platform.BaseAddress, "/dashboard?from=2030-01-01&to=2030-12-31").ToString());
        Assert.Equal(200, empty!.Status);
        Assert.Equal("0", (await page.TextContentAsync("#figure-units-tested"))!.Trim());
    }

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task DistrictsAndHospitalsSeeOnlyTheirOwn(DatabaseKind kind)
    {
        await using var platform = await PlatformFixture.StartAsync(kind);
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.Context.NewPageAsync();

        // The 海淀 district: its institutions only; another district's list is 403, another's institution 404.
        await BrowserWalkthroughTests.LoginAsync(page, platform, "haidian");
        await page.GotoAsync(new Uri(platform.BaseAddress, "/dashboard").ToString());
        await page.WaitForSelectorAsync("body[data-charts-ready='true']");
        var total = page.Locator("#table-tiers tbody tr", new() { HasText = "合计" });
        Assert.Equal(await SqlAsync(platform, "SELECT COUNT(*) FROM \"Institutions\" WHERE \"Region\" LIKE '110108%'"),
            long.Parse((await total.Locator("td:nth-child(2)").TextContentAsync())!, CultureInfo.InvariantCulture));
        var forbidden = await page.GotoAsync(new Uri(platform.BaseAddress, "/dashboard/institutions?region=110105").ToString());
        Assert.Equal(403, forbidden!.Status);
        Assert.Contains("不在您的管辖范围", await page.TextContentAsync("#sector-problem"), StringComparison.Ordinal);
        Guid outside;
        await using (var db = MedGuardContextFactory.Create(platform.Target, TenantScope.System, PlatformFixture.DemoToday))
        {
            outside = await db.Institutions.Where(i => !i.Region.StartsWith("110108")).Select(i => i.Id).FirstAsync();
        }

        var notFound = await page.GotoAsync(new Uri(platform.BaseAddress, $"/dashboard/institutions?institution={outside}").ToString());
        Assert.Equal(404, notFound!.Status);
        var export = await page.Context.APIRequest.GetAsync(new Uri(platform.BaseAddress, "/dashboard?handler=export&table=tiers&region=12").ToString());
        Assert.Equal(403, export.Status);
        await page.ClickAsync("button:has-text('退出')");

        // The demo hospital: itself beside its tier's average; its numbers are its own findings.
        await BrowserWalkthroughTests.LoginAsync(page, platform, "hospital");
        await page.GotoAsync(new Uri(platform.BaseAddress, "/dashboard").ToString());
        await page.WaitForSelectorAsync("body[data-charts-ready='true']");
        Assert.True(await page.Locator("#tier-comparison tbody tr").CountAsync() > 5);
        Guid own;
        await using (var db = MedGuardContextFactory.Create(platform.Target, TenantScope.System, PlatformFixture.DemoToday))
        {
            own = await db.Institutions.Where(i => i.Name == MedGuard.Server.Demo.DemoProvince.DemoHospitalName).Select(i => i.Id).FirstAsync();
        }

        var ownId = kind == DatabaseKind.Sqlite ? own.ToString().ToUpperInvariant() : own.ToString();
        Assert.Equal(await SqlAsync(platform, $"SELECT COUNT(*) FROM \"Findings\" WHERE \"Detector\" = 'ports' AND \"InstitutionId\" = '{ownId}'"),
            double.Parse(await page.Locator("#table-severity tbody tr:nth-child(1) td:nth-child(6)").GetAttributeAsync("data-number") ?? "NaN", CultureInfo.InvariantCulture));
        var total2 = page.Locator("#table-tiers tbody tr", new() { HasText = "合计" });
        Assert.Equal("1", (await total2.Locator("td:nth-child(2)").TextContentAsync())!.Trim());
        var path = Path.Combine(Artifacts.Screenshots, $"{kind.ToString().ToLowerInvariant()}-dashboard-04-hospital.png");
        await page.ScreenshotAsync(new() { Path = path });
        output.WriteLine($"screenshot: {path}");
    }
}
