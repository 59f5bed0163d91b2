using MedGuard.Storage.Providers;
using Npgsql;

namespace MedGuard.Storage.Tests.Infrastructure;

/// <summary>A fresh, empty database for one test, thrown away afterwards.</summary>
public abstract class TestDatabase : IAsyncDisposable
{
    public abstract DatabaseTarget Target { get; }

    public abstract ValueTask DisposeAsync();

    public static TestDatabase CreateSqlite() => new SqliteTestDatabase();

    public static async Task<TestDatabase> CreatePostgresAsync()
    {
        var database = new PostgresTestDatabase();
        await database.CreateAsync();
        return database;
    }

    private sealed class SqliteTestDatabase : TestDatabase
    {
        private readonly string _directory = Directory.CreateTempSubdirectory("medguard-sqlite-").FullName;

        // A sub-directory that does not exist yet: the factory must create it, as it creates ./data.
        public override DatabaseTarget Target => DatabaseTarget.ForSqliteFile(Path.Combine(_directory, "data", "medguard.db"));

        public override ValueTask DisposeAsync()
        {
            Directory.Delete(_directory, recursive: true);
            return ValueTask.CompletedTask;
        }
    }

    private sealed class PostgresTestDatabase : TestDatabase
    {
        private readonly string _server = PostgresServer.ConnectionString;
        private readonly string _name = "mg_test_" + Guid.NewGuid().ToString("N")[..16];

        public override DatabaseTarget Target => DatabaseTarget.Parse(new NpgsqlConnectionStringBuilder(_server) { Database = _name }.ConnectionString);

        public async Task CreateAsync()
        {
            await using var connection = new NpgsqlConnection(_server);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{_name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }

        public override async ValueTask DisposeAsync()
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(_server);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_name}\" WITH (FORCE)", connection);
            await command.ExecuteNonQueryAsync();
        }
    }
}

/// <summary>The PostgreSQL server that ./test.sh starts (tests/setup.d/postgres.sh).</summary>
public static class PostgresServer
{
    public const string EnvironmentVariable = "MEDGUARD_PG";

    /// <summary>Its connection string; a missing variable fails the test, never skips it.</summary>
    public static string ConnectionString =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{EnvironmentVariable} is not set: the PostgreSQL tests need the private server that ./test.sh starts " +
                "(tests/setup.d/postgres.sh). Run ./test.sh, or source tests/setup.d/postgres.sh and export the variable.");
}
