using MedGuard.Storage.Providers;
using MedGuard.Storage.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace MedGuard.Storage.Tests;

public abstract class MigrationTests : StorageTestBase
{
    protected override bool MigrateOnStart => false;

    [Fact]
    public void MigrationsApplyOnAnEmptyDatabase()
    {
        using var db = Open();
        var all = db.Database.GetMigrations().ToList();
        Assert.NotEmpty(all);
        Assert.Equal(all, db.Database.GetPendingMigrations());

        db.Database.Migrate();

        Assert.Equal(all, db.Database.GetAppliedMigrations());
        Assert.Empty(db.Database.GetPendingMigrations());
        // Every mapped table exists and is empty.
        Assert.Equal(0, db.Institutions.Count() + db.InstitutionContacts.Count() + db.Systems.Count() + db.Gradings.Count()
            + db.Filings.Count() + db.Assessments.Count() + db.ItemResults.Count() + db.Rectifications.Count() + db.Agencies.Count()
            + db.AgencyAssignments.Count() + db.Users.Count() + db.AuditEntries.Count());
    }

    [Fact]
    public void MigratingTwiceChangesNothing()
    {
        using (var db = Open())
        {
            db.Database.Migrate();
            SampleProvince.WriteTo(db);
        }

        using (var db = Open())
        {
            db.Database.Migrate();
            Assert.Equal(3, db.Institutions.Count());
        }
    }

    [Fact]
    public void TheFactoryMigratesAndReportsWhatItApplied()
    {
        using (var db = Open())
        {
            Assert.Equal(db.Database.GetMigrations(), MedGuardContextFactory.Migrate(Target));
        }

        Assert.Empty(MedGuardContextFactory.Migrate(Target));
        if (Provider == DatabaseProvider.Sqlite)
        {
            using var db = Open();
            Assert.Equal("wal", db.Database.SqlQueryRaw<string>("PRAGMA journal_mode").AsEnumerable().Single());
        }
    }

    [Fact]
    public void TheModelHasNoChangesMissingFromTheMigrations()
    {
        // Fails when someone changes an entity or configuration and forgets `dotnet ef migrations add` for a provider.
        using var db = Open();
        Assert.False(db.Database.HasPendingModelChanges(), $"{Provider}: the model differs from the last migration's snapshot; add a migration (src/MedGuard.Storage/Migrations/README.md)");
    }

    [Fact]
    public void TheContextUsesItsProvidersOwnMigrationSet()
    {
        using var db = Open();
        var expected = Provider == DatabaseProvider.Sqlite ? "Microsoft.EntityFrameworkCore.Sqlite" : "Npgsql.EntityFrameworkCore.PostgreSQL";
        Assert.Equal(expected, db.Database.ProviderName);
        var migrationsAssembly = db.GetService<IMigrationsAssembly>();
        var ns = Provider == DatabaseProvider.Sqlite ? "MedGuard.Storage.Migrations.Sqlite" : "MedGuard.Storage.Migrations.Postgres";
        Assert.All(migrationsAssembly.Migrations.Values, type => Assert.Equal(ns, type.Namespace));
    }
}

public sealed class SqliteMigrationTests : MigrationTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

public sealed class PostgresMigrationTests : MigrationTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Postgres;
}
