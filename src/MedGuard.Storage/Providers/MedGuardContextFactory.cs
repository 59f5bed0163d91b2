using MedGuard.Storage.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Storage.Providers;

/// <summary>Opens a <see cref="MedGuardDbContext"/> of the right provider for a <see cref="DatabaseTarget"/>.</summary>
public static class MedGuardContextFactory
{
    /// <summary>Creates a context for the target, seeing and writing only what <paramref name="scope"/> allows.</summary>
    /// <param name="today">The date agency assignments and statistics are judged on (the local date when null).</param>
    public static MedGuardDbContext Create(DatabaseTarget target, TenantScope? scope = null, DateOnly? today = null)
    {
        var day = today ?? DateOnly.FromDateTime(DateTime.Now);
        scope ??= TenantScope.System;
        if (target.Provider == DatabaseProvider.Sqlite)
        {
            if (target.FilePath is { } path)
            {
                // SQLite creates the file but not its directory (./data on a fresh checkout).
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            }

            var options = new DbContextOptionsBuilder<SqliteMedGuardDbContext>();
            ConfigureSqlite(options, target.ConnectionString);
            return new SqliteMedGuardDbContext(options.Options, scope) { Today = day };
        }

        var pgOptions = new DbContextOptionsBuilder<PostgresMedGuardDbContext>();
        ConfigurePostgres(pgOptions, target.ConnectionString);
        return new PostgresMedGuardDbContext(pgOptions.Options, scope) { Today = day };
    }

    /// <summary>Creates the context and applies any migration it lacks (creating the database if needed).</summary>
    public static MedGuardDbContext CreateMigrated(DatabaseTarget target, TenantScope? scope = null, DateOnly? today = null)
    {
        Migrate(target);
        return Create(target, scope, today);
    }

    /// <summary>
    /// Applies every migration the database lacks (creating the SQLite file or the PostgreSQL database if needed) and
    /// returns the ones it applied, oldest first.
    /// </summary>
    public static IReadOnlyList<string> Migrate(DatabaseTarget target)
    {
        using var context = Create(target);
        var pending = context.Database.GetPendingMigrations().ToList();
        context.Database.Migrate();
        if (target.Provider == DatabaseProvider.Sqlite && target.FilePath is not null)
        {
            // Write-ahead logging lets the platform's readers go on while one request writes; the mode is stored in
            // the file, so setting it once is enough.
            context.Database.ExecuteSqlRaw("PRAGMA journal_mode=WAL;");
        }

        return pending;
    }

    internal static void ConfigureSqlite(DbContextOptionsBuilder options, string connectionString) =>
        options.UseSqlite(connectionString, sqlite => sqlite.MigrationsHistoryTable("__EFMigrationsHistory"));

    internal static void ConfigurePostgres(DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(connectionString, npgsql => npgsql.MigrationsHistoryTable("__EFMigrationsHistory"));
}
