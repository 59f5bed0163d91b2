using MedGuard.Storage.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace MedGuard.Storage.Providers;

// Used only by `dotnet ef` (see Migrations/README.md). Adding a migration never connects, so the connection strings
// only have to name the provider; `dotnet ef database update` would use them, which is why they point at nothing real.

internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteMedGuardDbContext>
{
    public SqliteMedGuardDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<SqliteMedGuardDbContext>();
        MedGuardContextFactory.ConfigureSqlite(options, "Data Source=design-time.db");
        return new SqliteMedGuardDbContext(options.Options, TenantScope.System);
    }
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresMedGuardDbContext>
{
    public PostgresMedGuardDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<PostgresMedGuardDbContext>();
        MedGuardContextFactory.ConfigurePostgres(options, "Host=127.0.0.1;Database=medguard_design_time");
        return new PostgresMedGuardDbContext(options.Options, TenantScope.System);
    }
}
