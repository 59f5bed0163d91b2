using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Hangfire.Storage.SQLite;
using MedGuard.Storage.Providers;
using Npgsql;

namespace MedGuard.Jobs;

/// <summary>
/// Where the job engine keeps its queues: the embedded default puts a Hangfire.Storage.SQLite file <c>jobs.db</c>
/// beside the platform's SQLite database (so a restart resumes); a PostgreSQL platform shares its database, schema
/// <c>hangfire</c>, so worker processes on other machines see the same queues (issue 14 §2).
/// </summary>
public static class EngineStorage
{
    public const string SchemaName = "hangfire";

    public const string SqliteFileName = "jobs.db";

    /// <summary>
    /// The platform's database as the engine connects to it. PostgreSQL: <c>No Reset On Close</c> — Npgsql otherwise
    /// runs <c>DISCARD ALL</c> on every pooled connection's next use, and the engine opens one per step of a task (the
    /// benchmark counted 12 per task). Neither our contexts nor Hangfire's storage leave session state behind (no
    /// temporary tables, prepared statements or advisory locks; Hangfire's locks are rows), so there is nothing to reset.
    /// </summary>
    public static DatabaseTarget Connections(DatabaseTarget database)
    {
        ArgumentNullException.ThrowIfNull(database);
        return database.Provider == DatabaseProvider.Postgres
            ? DatabaseTarget.Parse(new NpgsqlConnectionStringBuilder(database.ConnectionString) { NoResetOnClose = true }.ConnectionString)
            : database;
    }

    public static JobStorage Create(JobEngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var database = Connections(options.Database);
        if (database.Provider == DatabaseProvider.Sqlite)
        {
            var file = database.FilePath ?? throw new InvalidOperationException("内存中的 SQLite 数据库不能承载任务队列：请使用数据库文件或 PostgreSQL");
            var path = Path.Combine(Path.GetDirectoryName(file)!, SqliteFileName);
            MedGuardContextFactory.CreateOwnerOnly(path);
            return new SQLiteStorage(path, new SQLiteStorageOptions
            {
                QueuePollInterval = options.QueuePollInterval,
                InvisibilityTimeout = options.InvisibilityTimeout,
                // A lock outliving a dead process holds the pump back only this long.
                DistributedLockLifetime = TimeSpan.FromSeconds(30),
            });
        }

        var postgres = new PostgreSqlStorageOptions
        {
            SchemaName = SchemaName,
            PrepareSchemaIfNecessary = true,
            // A live worker keeps extending the fetched job's invisibility: a long scan is never handed out twice,
            // and a dead worker's job reappears InvisibilityTimeout after its last extension.
            UseSlidingInvisibilityTimeout = true,
            InvisibilityTimeout = options.InvisibilityTimeout,
            // LISTEN/NOTIFY wakes an idle worker when a job is enqueued: ms, not a poll interval, per task.
            EnableLongPolling = true,
            QueuePollInterval = TimeSpan.FromSeconds(1),
            DistributedLockTimeout = TimeSpan.FromSeconds(30),
        };
        return new PostgreSqlStorage(new NpgsqlConnectionFactory(database.ConnectionString, postgres), postgres);
    }
}
