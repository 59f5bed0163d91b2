namespace MedGuard.TestTargets.Sites;

/// <summary>
/// Python's own <c>http.server</c> (python3 -m http.server) serving a folder on 127.0.0.1 as a child process: /backup/
/// has no index.html, so the server lists it (vulnerable); the fixed twin puts an index.html there, as a site would.
/// </summary>
public sealed class PythonListingSite : ITestSite
{
    public string Name => "listing-python";

    public string Description => "真实 Python http.server：/backup/ 目录无首页而被列出；修复版放置首页";

    public string? MissingPrerequisite() => ChildServer.OnPath("python3") ? null : "需要 python3";

    public async Task<RunningSite> StartAsync(SiteTwin twin, SiteStartOptions options, CancellationToken cancellationToken = default)
    {
        var dir = InProcessSite.TempDirectory(Name);
        Directory.CreateDirectory(Path.Combine(dir, "backup"));
        await File.WriteAllTextAsync(Path.Combine(dir, "index.html"),
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>检验科</title></head><body><a href=\"/backup/\">历史资料</a></body></html>",
            cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(dir, "backup", "lis-2026.txt"), "检验记录导出\n", cancellationToken);
        if (twin == SiteTwin.Fixed)
        {
            await File.WriteAllTextAsync(Path.Combine(dir, "backup", "index.html"),
                "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>历史资料</title></head><body><p>请登录后查看。</p></body></html>", cancellationToken);
        }

        var port = options.Port != 0 ? options.Port : ChildServer.FreePort();
        var stop = await ChildServer.StartAsync("python3", ["-m", "http.server", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--directory", dir],
            dir, port, cancellationToken: cancellationToken).ConfigureAwait(false);
        return new RunningSite(Name, twin, new Uri($"http://127.0.0.1:{port}/"), async () =>
        {
            await stop().ConfigureAwait(false);
            Directory.Delete(dir, recursive: true);
        });
    }
}
