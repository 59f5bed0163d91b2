namespace MedGuard.TestTargets.Sites;

/// <summary>
/// An <see cref="InProcessSite"/> with a fresh SQLite database file in a temporary directory, deleted when the site stops.
/// </summary>
public static class KestrelSite
{
    public static async Task<RunningSite> StartAsync(string name, SiteTwin twin, SiteStartOptions options, Action<WebApplication, string> map,
        CancellationToken cancellationToken)
    {
        var dir = Directory.CreateTempSubdirectory($"medguard-site-{name}-");
        var database = $"Data Source={Path.Combine(dir.FullName, "site.db")};Pooling=False";
        var site = await InProcessSite.StartAsync(name, twin, options, app => map(app, database), cancellationToken: cancellationToken).ConfigureAwait(false);
        return new RunningSite(name, twin, site.BaseUrl, async () =>
        {
            await site.DisposeAsync().ConfigureAwait(false);
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
