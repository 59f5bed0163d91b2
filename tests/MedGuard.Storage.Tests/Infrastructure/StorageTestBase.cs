using MedGuard.Storage.Providers;
using MedGuard.Storage.Tenancy;

namespace MedGuard.Storage.Tests.Infrastructure;

/// <summary>
/// Base of every provider-dependent test class: each test gets a fresh database of the provider the derived class
/// names, migrated to the latest migration. Test classes are abstract and derived once per provider, so the SAME
/// tests run on SQLite and on PostgreSQL.
/// </summary>
public abstract class StorageTestBase : IAsyncLifetime
{
    private TestDatabase? _database;

    protected abstract DatabaseProvider Provider { get; }

    protected DatabaseTarget Target => _database?.Target ?? throw new InvalidOperationException("database not created");

    /// <summary>Opens a context on the test's database for <paramref name="scope"/> (system when null).</summary>
    protected MedGuardDbContext Open(TenantScope? scope = null) => MedGuardContextFactory.Create(Target, scope);

    /// <summary>Opens a context that judges assignments and statistics on <paramref name="today"/>.</summary>
    protected MedGuardDbContext Open(TenantScope scope, DateOnly today) => MedGuardContextFactory.Create(Target, scope, today);

    /// <summary>Whether InitializeAsync applies the migrations (the migration tests start from an empty database).</summary>
    protected virtual bool MigrateOnStart => true;

    public async Task InitializeAsync()
    {
        _database = Provider == DatabaseProvider.Sqlite ? TestDatabase.CreateSqlite() : await TestDatabase.CreatePostgresAsync();
        if (MigrateOnStart)
        {
            MedGuardContextFactory.CreateMigrated(Target).Dispose();
        }
    }

    public virtual async Task DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
