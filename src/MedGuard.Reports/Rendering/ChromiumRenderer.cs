using PuppeteerSharp;
using PuppeteerSharp.Media;

namespace MedGuard.Reports.Rendering;

/// <summary>
/// Debian's chromium (never a downloaded browser) driven over CDP by PuppeteerSharp: HTML → PDF, SVG → PNG. One browser
/// is started on first use and shared by every render until disposed (a server keeps one; a CLI run one per command).
/// </summary>
public sealed class ChromiumRenderer : IAsyncDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly string executable;
    private IBrowser? browser;
    private DirectoryInfo? profile;

    public ChromiumRenderer(string? executable = null)
    {
        this.executable = executable ?? DefaultExecutable;
    }

    /// <summary>MEDGUARD_CHROMIUM, else /usr/bin/chromium (tests/setup.d/browser.apt).</summary>
    public static string DefaultExecutable => Environment.GetEnvironmentVariable("MEDGUARD_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public async Task<byte[]> PdfAsync(string html, string footerText, CancellationToken cancellationToken = default)
    {
        var b = await BrowserAsync(cancellationToken).ConfigureAwait(false);
        await using var page = await b.NewPageAsync().ConfigureAwait(false);
        await page.SetContentAsync(html, new SetContentOptions { WaitUntil = [WaitUntilNavigation.Load], Timeout = 60_000 }).ConfigureAwait(false);
        await page.EvaluateExpressionAsync("document.fonts.ready").ConfigureAwait(false);
        return await page.PdfDataAsync(new PdfOptions
        {
            Format = PaperFormat.A4,
            PrintBackground = true,
            DisplayHeaderFooter = true,
            HeaderTemplate = "<span></span>",
            FooterTemplate = $"<div style=\"width:100%;font-size:9px;text-align:center;font-family:'{ChartSvg.FontFamily}'\">{System.Net.WebUtility.HtmlEncode(footerText)}　第 <span class=\"pageNumber\"></span> 页 / 共 <span class=\"totalPages\"></span> 页</div>",
            MarginOptions = new MarginOptions { Top = "20mm", Bottom = "20mm", Left = "18mm", Right = "18mm" },
        }).ConfigureAwait(false);
    }

    /// <summary>Renders an SVG image to PNG at its own size (scale 2 for print).</summary>
    public async Task<byte[]> PngAsync(string svg, int width, int height, CancellationToken cancellationToken = default)
    {
        var b = await BrowserAsync(cancellationToken).ConfigureAwait(false);
        await using var page = await b.NewPageAsync().ConfigureAwait(false);
        await page.SetViewportAsync(new ViewPortOptions { Width = width, Height = height, DeviceScaleFactor = 2 }).ConfigureAwait(false);
        await page.SetContentAsync($"<!doctype html><html><body style=\"margin:0\">{svg}</body></html>").ConfigureAwait(false);
        await page.EvaluateExpressionAsync("document.fonts.ready").ConfigureAwait(false);
        return await page.ScreenshotDataAsync(new ScreenshotOptions { Type = ScreenshotType.Png, Clip = new Clip { X = 0, Y = 0, Width = width, Height = height } }).ConfigureAwait(false);
    }

    private async Task<IBrowser> BrowserAsync(CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (browser is { IsClosed: false })
            {
                return browser;
            }

            if (!File.Exists(executable))
            {
                throw new InvalidOperationException($"找不到 chromium（{executable}）：生成 PDF 和图表需要 Debian 的 chromium 软件包，或用环境变量 MEDGUARD_CHROMIUM 指定路径");
            }

            profile ??= Directory.CreateTempSubdirectory("medguard-reports-chromium-");
            browser = await Puppeteer.LaunchAsync(new LaunchOptions
            {
                ExecutablePath = executable,
                Headless = true,
                HeadlessMode = HeadlessMode.True,
                UserDataDir = profile.FullName,
                Timeout = 60_000,
                Args =
                [
                    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--disable-dev-shm-usage", "--disable-extensions", "--disable-default-apps", "--disable-breakpad", "--mute-audio",
                    // Documents are self-contained: nothing is fetched from anywhere.
                    "--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
                ],
            }).WaitAsync(cancellationToken).ConfigureAwait(false);
            return browser;
        }
        finally
        {
            gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (browser is not null)
        {
            await browser.CloseAsync().ConfigureAwait(false);
            await browser.DisposeAsync().ConfigureAwait(false);
        }

        try
        {
            profile?.Delete(true);
        }
        catch (IOException)
        {
        }

        gate.Dispose();
    }
}
