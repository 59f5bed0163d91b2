using System.Net;
using System.Net.Sockets;
using MedGuard.Domain.Institutions;
using MedGuard.Domain.Inventory;
using MedGuard.Storage;
using MedGuard.Storage.Providers;
using Npgsql;

namespace MedGuard.Jobs.Tests;

/// <summary>
/// A fresh platform database for one test (SQLite file in a temporary folder, or a new PostgreSQL database on the
/// MEDGUARD_PG server), migrated, with its own key folder; and helpers to register institutions, assets and
/// authorizations, and to build the job engine on it.
/// </summary>
public sealed class CampaignWorld : IAsyncDisposable
{
    private readonly string _directory = System.IO.Directory.CreateTempSubdirectory("medguard-jobs-").FullName;
    private readonly string? _pgName;
    private readonly string? _pgServer;

    private CampaignWorld(DatabaseProvider provider)
    {
        if (provider == DatabaseProvider.Sqlite)
        {
            Target = DatabaseTarget.ForSqliteFile(Path.Combine(_directory, "data", "medguard.db"));
        }
        else
        {
            _pgServer = Environment.GetEnvironmentVariable("MEDGUARD_PG") is { Length: > 0 } pg
                ? pg
                : throw new InvalidOperationException("MEDGUARD_PG is not set: the PostgreSQL tests need the private server that ./test.sh starts");
            _pgName = "mg_jobs_" + Guid.NewGuid().ToString("N")[..16];
            Target = DatabaseTarget.Parse(new NpgsqlConnectionStringBuilder(_pgServer) { Database = _pgName }.ConnectionString);
        }
    }

    public DatabaseTarget Target { get; }

    public string KeyDirectory => Path.Combine(_directory, "keys");

    public string Directory => _directory;

    public static async Task<CampaignWorld> CreateAsync(DatabaseProvider provider)
    {
        var world = new CampaignWorld(provider);
        if (world._pgName is not null)
        {
            await using var connection = new NpgsqlConnection(world._pgServer);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{world._pgName}\"", connection);
            await command.ExecuteNonQueryAsync();
        }

        MedGuardContextFactory.Migrate(world.Target);
        return world;
    }

    public MedGuardDbContext Open() => MedGuardContextFactory.Create(Target);

    public JobEngineOptions Options(string worker = "test-worker") => new()
    {
        Database = Target,
        KeyDirectory = KeyDirectory,
        WorkerName = worker,
        Queues = [NetworkZone.Default],
        WorkerCount = 4,
        PumpInterval = TimeSpan.FromSeconds(1),
        HeartbeatStale = TimeSpan.FromSeconds(4),
    };

    public async Task<CampaignEngine> EngineAsync(string worker = "test-worker")
    {
        var options = Options(worker);
        var engine = new CampaignEngine(options, EngineStorage.Create(options));
        await engine.OpenAuditAsync();
        return engine;
    }

    public Institution AddInstitution(string name, string region = "330102")
    {
        using var db = Open();
        var institution = new Institution { Name = name, Region = region, Tier = HospitalTier.Secondary };
        db.Institutions.Add(institution);
        db.SaveChanges();
        return institution;
    }

    /// <summary>An address asset with an authorization for ports (valid through <paramref name="validUntil"/>, default next year).</summary>
    public Asset AddAddress(Guid institutionId, string address, double rate = 100, DateOnly? validUntil = null, string zone = NetworkZone.Default)
    {
        using var db = Open();
        var asset = new Asset { InstitutionId = institutionId, Kind = AssetKind.Ip, Value = Asset.Normalize(AssetKind.Ip, address), Zone = zone, CreatedAt = DateTimeOffset.UtcNow };
        db.Assets.Add(asset);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        db.AssetAuthorizations.Add(new AssetAuthorization
        {
            AssetId = asset.Id,
            InstitutionId = institutionId,
            AuthorizedBy = "院长 王五",
            ValidFrom = today.AddDays(-60),
            ValidUntil = validUntil ?? today.AddDays(365),
            Detectors = ["ports", "web"],
            MaxRatePerHost = rate,
            CreatedAt = DateTimeOffset.UtcNow,
        });
        db.SaveChanges();
        return asset;
    }

    public async ValueTask DisposeAsync()
    {
        if (_pgName is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(_pgServer);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_pgName}\" WITH (FORCE)", connection);
            await command.ExecuteNonQueryAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>TCP listeners on 127.0.0.1 the test opens itself, counting the connections each receives (the "packets").</summary>
public sealed class CountingListeners : IDisposable
{
    private readonly List<TcpListener> _listeners = [];
    private int _accepted;

    public CountingListeners(int count, IPAddress? address = null)
    {
        for (var i = 0; i < count; i++)
        {
            var listener = new TcpListener(address ?? IPAddress.Loopback, 0);
            listener.Start();
            _listeners.Add(listener);
            _ = AcceptAsync(listener);
        }
    }

    public int Accepted => Volatile.Read(ref _accepted);

    public IReadOnlyList<int> Ports => [.. _listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];

    public string PortList => string.Join(",", Ports);

    private async Task AcceptAsync(TcpListener listener)
    {
        try
        {
            while (true)
            {
                using var client = await listener.AcceptTcpClientAsync();
                Interlocked.Increment(ref _accepted);
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or InvalidOperationException)
        {
        }
    }

    public void Dispose()
    {
        foreach (var listener in _listeners)
        {
            listener.Stop();
        }
    }
}
