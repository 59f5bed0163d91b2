using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace MedGuard.TestTargets.Sites;

/// <summary>
/// Starts a site that is an ASP.NET Core app in this process, on 127.0.0.1 (port from the options or the OS), with the
/// request log the benchmark reads. Used by the sites that are ASP.NET themselves or that emulate a server we cannot
/// run here (their Description says which).
/// </summary>
public static class InProcessSite
{
    public static async Task<RunningSite> StartAsync(string name, SiteTwin twin, SiteStartOptions options, Action<WebApplication> map,
        Action<WebApplicationBuilder>? configure = null, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, options.Port);
            k.AddServerHeader = false;
        });
        configure?.Invoke(builder);
        var app = builder.Build();
        if (options.RequestLog is { } logFile)
        {
            var log = new StreamWriter(logFile, append: true) { AutoFlush = true };
            var gate = new Lock();
            app.Use(async (HttpContext ctx, RequestDelegate next) =>
            {
                lock (gate)
                {
                    log.WriteLine($"{ctx.Request.Method} {ctx.Request.Path}{ctx.Request.QueryString}");
                }

                await next(ctx);
            });
            app.Lifetime.ApplicationStopped.Register(log.Dispose);
        }

        map(app);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new RunningSite(name, twin, new Uri(address.TrimEnd('/') + "/"), async () =>
        {
            await app.StopAsync().ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
        });
    }

    /// <summary>An HTML page as a result.</summary>
    public static IResult Html(string html, int status = 200) => Results.Content(html, "text/html; charset=utf-8", null, status);

    /// <summary>A temporary directory for a child server's files, removed when the site stops.</summary>
    public static string TempDirectory(string name)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"mg-site-{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }
}
