namespace MedGuard.TestTargets.Sites;

/// <summary>
/// Real PHP (php -S, Debian's php-cli) with <c>display_errors</c> on (vulnerable) or off (fixed): a news page that
/// divides by the id it is given, so a non-numeric id ends in an uncaught DivisionByZeroError whose message, file path
/// and stack trace the vulnerable twin shows.
/// </summary>
public sealed class PhpErrorSite : ITestSite
{
    public string Name => "errors-php";

    public string Description => "真实 PHP（php -S）：display_errors=On 时错误页显示文件路径与堆栈；修复版关闭 display_errors";

    public string? MissingPrerequisite() => ChildServer.OnPath("php") ? null : "需要 php（apt-get install php-cli）";

    public async Task<RunningSite> StartAsync(SiteTwin twin, SiteStartOptions options, CancellationToken cancellationToken = default)
    {
        var dir = InProcessSite.TempDirectory(Name);
        await File.WriteAllTextAsync(Path.Combine(dir, "index.php"),
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>医院新闻</title></head><body><a href=\"news.php?id=1\">院内新闻</a></body></html>\n",
            cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(dir, "news.php"), """
            <?php
            $id = $_GET['id'] ?? '1';
            $pages = intdiv(100, (int)$id);
            ?><!DOCTYPE html><html><head><meta charset="utf-8"><title>新闻</title></head><body><p>共 <?= $pages ?> 页</p></body></html>

            """, cancellationToken);
        var port = options.Port != 0 ? options.Port : ChildServer.FreePort();
        var display = twin == SiteTwin.Vulnerable ? "1" : "0";
        var stop = await ChildServer.StartAsync("php",
            ["-n", "-d", $"display_errors={display}", "-d", "error_reporting=E_ALL", "-d", "log_errors=0", "-S", $"127.0.0.1:{port}", "-t", dir],
            dir, port, cancellationToken: cancellationToken).ConfigureAwait(false);
        return new RunningSite(Name, twin, new Uri($"http://127.0.0.1:{port}/"), async () =>
        {
            await stop().ConfigureAwait(false);
            Directory.Delete(dir, recursive: true);
        });
    }
}
