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
        if (target.Provider == DatabaseProvider.Sqlite && target.FilePath is { } file)
        {
            CreateOwnerOnly(file);
        }

        using var context = Create(target);
        // One read of the history table (GetPendingMigrations would read it again).
        var applied = context.Database.GetAppliedMigrations().ToList();
        var pending = context.Database.GetMigrations().Except(applied, StringComparer.Ordinal).ToList();
        if (pending.Count == 0 && applied.Count > 0)
        {
            // Up to date: Migrate() would still diff the whole model against its snapshot (about a second on every
            // command-line start) only to find nothing to do.
            return pending;
        }

        context.Database.Migrate();
        // The sector pre-aggregate (issue 16) is counted once over what the database holds when its table arrives (at
        // once on a new database); every import keeps it since.
        if (!Sector.SectorTallies.IsBuiltAsync(context).GetAwaiter().GetResult())
        {
            Sector.SectorTallies.RebuildAsync(context).GetAwaiter().GetResult();
        }
        if (target.Provider == DatabaseProvider.Sqlite && target.FilePath is not null)
        {
            // Write-ahead logging lets the platform's readers go on while one request writes; the mode is stored in
            // the file, so setting it once is enough.
            context.Database.ExecuteSqlRaw("PRAGMA journal_mode=WAL;");
        }

        return pending;
    }

    /// <summary>
    /// Creates an empty SQLite file readable by its owner only (0600, like the key files), before SQLite would create
    /// it with the process umask (often world-readable). SQLite gives its -wal and -shm files the same mode.
    /// </summary>
    public static void CreateOwnerOnly(string file)
    {
        if (File.Exists(file))
        {
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using var _ = new FileStream(file, options);
        }
        catch (IOException) when (File.Exists(file))
        {
            // Created by another process in the meantime: theirs stands.
        }
    }

    internal static void ConfigureSqlite(DbContextOptionsBuilder options, string connectionString) =>
        options.UseSqlite(connectionString, sqlite => sqlite.MigrationsHistoryTable("__EFMigrationsHistory"));

    internal static void ConfigurePostgres(DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(connectionString, npgsql => npgsql.MigrationsHistoryTable("__EFMigrationsHistory"));
}
