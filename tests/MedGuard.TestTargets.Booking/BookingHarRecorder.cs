using Microsoft.Playwright;

namespace MedGuard.TestTargets.Booking;

/// <summary>What one recorded walk booked (and cancelled again) and where its HAR file is.</summary>
public sealed record BookingHarRecording(string HarPath, long OrderId, string OrderNo);

/// <summary>
/// Records what a hospital's tester would record in a browser (issue 15, recorder path): one test identity's normal
/// booking through the H5 pages in Debian's headless chromium (never a downloaded browser) — WeChat authorization with
/// the identity's login code, department 测试科室（勿约）, its first doctor, the first bookable slot, confirm (captcha,
/// fee), pay, my orders, order detail, cancel — saved as a HAR with bodies. The walk cancels what it booked, so it
/// leaves no booking behind.
/// </summary>
public static class BookingHarRecorder
{
    /// <summary>The in-app browser of WeChat on a phone: the user agent the hospital's H5 pages see.</summary>
    public const string WeChatUserAgent =
        "Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.44(0x18002c2f) NetType/WIFI Language/zh_CN";

    public static async Task<BookingHarRecording> RecordAsync(Uri baseUrl, string loginCode, string harPath)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        var executable = Environment.GetEnvironmentVariable("MEDGUARD_CHROMIUM") is { Length: > 0 } e ? e : "/usr/bin/chromium";
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException($"找不到 chromium（{executable}）：请运行 ./test.sh，它会安装 tests/setup.d/browser.apt");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(harPath))!);
        using var playwright = await Playwright.CreateAsync().ConfigureAwait(false);
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = executable,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        }).ConfigureAwait(false);
        var context = await browser.NewContextAsync(new()
        {
            RecordHarPath = harPath,
            RecordHarContent = HarContentPolicy.Embed,
            RecordHarMode = HarMode.Full,
            Locale = "zh-CN",
            UserAgent = WeChatUserAgent,
            ViewportSize = new() { Width = 390, Height = 844 },
            IsMobile = true,
        }).ConfigureAwait(false);
        context.SetDefaultTimeout(30_000);
        try
        {
            var page = await context.NewPageAsync().ConfigureAwait(false);
            await page.GotoAsync(new Uri(baseUrl, "h5/index.html").ToString()).ConfigureAwait(false);

            // WeChat's authorization page: the tester is signed in as the test identity.
            await page.Locator("a.wx-user#" + loginCode).ClickAsync().ConfigureAwait(false);
            await page.Locator($"a.dept[data-dept-id='{BookingSeed.TestDeptId}']").ClickAsync().ConfigureAwait(false);
            await page.Locator("a.doctor").First.ClickAsync().ConfigureAwait(false);
            await page.Locator("a.book").First.ClickAsync().ConfigureAwait(false);

            await page.Locator("#patient option").First.WaitForAsync(new() { State = WaitForSelectorState.Attached }).ConfigureAwait(false);
            await page.Locator("#captcha").ClickAsync().ConfigureAwait(false);
            await page.Locator("#submit").ClickAsync().ConfigureAwait(false);
            var orderNo = (await page.Locator("#order-no").InnerTextAsync().ConfigureAwait(false)).Trim();
            await page.Locator("#pay").ClickAsync().ConfigureAwait(false);
            await page.Locator("#to-orders").ClickAsync().ConfigureAwait(false);

            // My orders, newest first: the one just booked.
            var mine = page.Locator(".order").First;
            var orderId = long.Parse(await mine.GetAttributeAsync("data-order-id").ConfigureAwait(false) ?? "0", System.Globalization.CultureInfo.InvariantCulture);
            await mine.Locator("a.detail").ClickAsync().ConfigureAwait(false);
            await page.Locator("#cancel").ClickAsync().ConfigureAwait(false);
            await page.Locator("#status", new() { HasText = "已取消" }).WaitForAsync().ConfigureAwait(false);
            return new BookingHarRecording(Path.GetFullPath(harPath), orderId, orderNo);
        }
        finally
        {
            // Closing the context writes the HAR file.
            await context.CloseAsync().ConfigureAwait(false);
        }
    }
}
