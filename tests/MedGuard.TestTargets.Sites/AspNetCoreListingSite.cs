using Microsoft.Extensions.FileProviders;

namespace MedGuard.TestTargets.Sites;

/// <summary>ASP.NET Core's own <c>UseDirectoryBrowser</c> on /files (vulnerable) or only static files (fixed).</summary>
public sealed class AspNetCoreListingSite : ITestSite
{
    public string Name => "listing-aspnetcore";

    public string Description => "ASP.NET Core UseDirectoryBrowser 列出 /files；修复版只提供静态文件";

    public async Task<RunningSite> StartAsync(SiteTwin twin, SiteStartOptions options, CancellationToken cancellationToken = default)
    {
        var dir = InProcessSite.TempDirectory(Name);
        await File.WriteAllTextAsync(Path.Combine(dir, "说明.txt"), "影像科资料\n", cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(dir, "guide.txt"), "操作指南\n", cancellationToken);
        var files = new PhysicalFileProvider(dir);
        var site = await InProcessSite.StartAsync(Name, twin, options, app =>
        {
            app.MapGet("/", () => InProcessSite.Html("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>影像科</title></head><body><a href=\"/files/\">资料</a> <a href=\"/files/guide.txt\">指南</a></body></html>"));
            if (twin == SiteTwin.Vulnerable)
            {
                app.UseDirectoryBrowser(new DirectoryBrowserOptions { FileProvider = files, RequestPath = "/files" });
            }

            app.UseStaticFiles(new StaticFileOptions { FileProvider = files, RequestPath = "/files" });
        }, builder => builder.Services.AddDirectoryBrowser(), cancellationToken).ConfigureAwait(false);
        return new RunningSite(Name, twin, site.BaseUrl, async () =>
        {
            await site.DisposeAsync().ConfigureAwait(false);
            files.Dispose();
            Directory.Delete(dir, recursive: true);
        });
    }
}
