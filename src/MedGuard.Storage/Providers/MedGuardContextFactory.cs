using MedGuard.Storage.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Storage.Providers;

/// <summary>Opens a <see cref="MedGuardDbContext"/> of the right provider for a <see cref="DatabaseTarget"/>.</summary>
public static class MedGuardContextFactory
{
    /// <summary>Creates a context for the target, seeing and writing only what <paramref name="scope"/> allows.</summary>
    public static MedGuardDbContext Create(DatabaseTarget target, TenantScope? scope = null)
    {
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
            return new SqliteMedGuardDbContext(options.Options, scope);
        }

        var pgOptions = new DbContextOptionsBuilder<PostgresMedGuardDbContext>();
        ConfigurePostgres(pgOptions, target.ConnectionString);
        return new PostgresMedGuardDbContext(pgOptions.Options, scope);
    }

    /// <summary>Creates the context and applies any migration it lacks (creating the database file if needed).</summary>
    public static MedGuardDbContext CreateMigrated(DatabaseTarget target, TenantScope? scope = null)
    {
        using (var system = Create(target))
        {
            system.Database.Migrate();
        }

        return Create(target, scope);
    }

    internal static void ConfigureSqlite(DbContextOptionsBuilder options, string connectionString) =>
        options.UseSqlite(connectionString, sqlite => sqlite.MigrationsHistoryTable("__EFMigrationsHistory"));

    internal static void ConfigurePostgres(DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(connectionString, npgsql => npgsql.MigrationsHistoryTable("__EFMigrationsHistory"));
}
