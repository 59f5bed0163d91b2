using MedGuard.Server.Demo;
using MedGuard.Server.Hosting;
using MedGuard.Storage.Providers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace MedGuard.Server.Tests;

public enum DatabaseKind
{
    Sqlite,
    Postgres,
}

/// <summary>
/// The platform started in-process on 127.0.0.1 with port 0 (Kestrel picks a free port), on a fresh database of the
/// given kind with the demo province loaded, a key file of its own, and the demo users' credentials.
/// </summary>
public sealed class PlatformFixture : IAsyncDisposable
{
    public static readonly DateOnly DemoToday = new(2026, 6, 30);

    private readonly string directory;
    private readonly string? postgresDatabase;
    private readonly string? postgresAdmin;

    private PlatformFixture(WebApplication app, string directory, string database, DemoCredentials credentials, string? postgresDatabase, string? postgresAdmin)
    {
        App = app;
        this.directory = directory;
        Database = database;
        Credentials = credentials;
        this.postgresDatabase = postgresDatabase;
        this.postgresAdmin = postgresAdmin;
        BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    public WebApplication App { get; }

    public Uri BaseAddress { get; }

    /// <summary>Connection string (or SQLite path) of the platform's database, for tampering and CLI checks.</summary>
    public string Database { get; }

    public DemoCredentials Credentials { get; }

    public DatabaseTarget Target => DatabaseTarget.Parse(Database);

    public string KeyFile => Path.Combine(directory, "keys", "sm4.key");

    /// <summary>The audit chain's head outside the database (beside the key).</summary>
    public string AnchorFile => Path.Combine(directory, "keys", "audit-head");

    /// <summary>The folder of the key files (SM4 key, audit chain key, audit anchor, session key ring).</summary>
    public string KeyDirectory => Path.Combine(directory, "keys");

    /// <summary>The audit chain's HMAC-SM3 key file.</summary>
    public string AuditKeyFile => Path.Combine(directory, "keys", "audit-chain.key");

    public static async Task<PlatformFixture> StartAsync(DatabaseKind kind, Action<PlatformOptions>? configure = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "medguard-server-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(directory);
        string database;
        string? pgName = null, pgAdmin = null;
        if (kind == DatabaseKind.Sqlite)
        {
            database = Path.Combine(directory, "medguard.db");
        }
        else
        {
            pgAdmin = Environment.GetEnvironmentVariable("MEDGUARD_PG")
                ?? throw new InvalidOperationException("MEDGUARD_PG 未设置：PostgreSQL 测试需要 ./test.sh 启动的数据库（请运行 ./test.sh）");
            pgName = "medguard_server_" + Guid.NewGuid().ToString("N")[..12];
            await using (var connection = new NpgsqlConnection(pgAdmin))
            {
                await connection.OpenAsync();
                await using var create = new NpgsqlCommand($"CREATE DATABASE \"{pgName}\"", connection);
                await create.ExecuteNonQueryAsync();
            }

            database = new NpgsqlConnectionStringBuilder(pgAdmin) { Database = pgName }.ConnectionString;
        }

        var app = MedGuardServer.Build(["--urls", "http://127.0.0.1:0", "--environment", "Production"], o =>
        {
            o.Database = database;
            o.KeyFile = Path.Combine(directory, "keys", "sm4.key");
            o.DemoCredentialsFile = Path.Combine(directory, "demo-credentials.txt");
            o.DemoToday = DemoToday;

            // The job engine runs only where a test drives it (CampaignEndToEndTests): the others plan rounds themselves
            // and read task states an engine would change under them.
            o.Jobs.Enabled = false;
            configure?.Invoke(o);
        });
        var credentials = await MedGuardServer.PrepareAsync(app) ?? throw new InvalidOperationException("演示数据未载入");
        await app.StartAsync();
        return new PlatformFixture(app, directory, database, credentials, pgName, pgAdmin);
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        if (postgresDatabase is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(postgresAdmin);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{postgresDatabase}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
