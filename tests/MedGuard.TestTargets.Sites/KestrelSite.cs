namespace MedGuard.TestTargets.Sites;

/// <summary>
/// Starts an in-process ASP.NET Core site (Kestrel) on 127.0.0.1 with the request log every site keeps, and a fresh
/// SQLite database file in a temporary directory that is deleted when the site stops.
/// </summary>
public static class KestrelSite
{
    public static async Task<RunningSite> StartAsync(string name, SiteTwin twin, SiteStartOptions options, Action<WebApplication, string> map,
        CancellationToken cancellationToken)
    {
        var dir = Directory.CreateTempSubdirectory($"medguard-site-{name}-");
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, options.Port));
        var app = builder.Build();
        var log = options.RequestLog;
        var logLock = new Lock();
        app.Use(async (HttpContext context, RequestDelegate next) =>
        {
            if (log is not null)
            {
                lock (logLock)
                {
                    File.AppendAllText(log, $"{context.Request.Method} {context.Request.Path}{context.Request.QueryString}\n");
                }
            }

            await next(context).ConfigureAwait(false);
        });
        map(app, $"Data Source={Path.Combine(dir.FullName, "site.db")};Pooling=False");
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Urls.First();
        var port = new Uri(address).Port;
        return new RunningSite(name, twin, new Uri($"http://127.0.0.1:{port}/"), async () =>
        {
            await app.StopAsync().ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            dir.Delete(recursive: true);
        });
    }

    /// <summary>Runs <paramref name="sql"/> (schema and rows) on the site's database.</summary>
    public static void Seed(string connectionString, string sql)
    {
        using var c = new Microsoft.Data.Sqlite.SqliteConnection(connectionString);
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }
}
