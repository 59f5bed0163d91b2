using MedGuard.Domain.Findings;
using MedGuard.Storage.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Storage;

/// <summary>The PostgreSQL flavour of <see cref="MedGuardDbContext"/>: owns the migrations in Migrations/Postgres.</summary>
public sealed class PostgresMedGuardDbContext(DbContextOptions<PostgresMedGuardDbContext> options, TenantScope scope)
    : MedGuardDbContext(options, scope)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);

        // Room on each page for a finding's next version: every import moves last-seen on each finding it sees again,
        // and with space left on the page PostgreSQL writes the new version there without touching the table's ten
        // indexes (a heap-only update; last-seen and the import id are indexed nowhere for that reason). A row is about
        // 600 bytes: at fillfactor 80 only 30 % of a full re-import's updates stayed heap-only (pg_stat_user_tables);
        // 50 leaves room on each page for a new version of most of its rows.
        modelBuilder.Entity<FindingRecord>().HasStorageParameter("fillfactor", 50);
    }
}
