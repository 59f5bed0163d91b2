using MedGuard.Storage.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Storage;

/// <summary>The SQLite flavour of <see cref="MedGuardDbContext"/>: owns the migrations in Migrations/Sqlite.</summary>
public sealed class SqliteMedGuardDbContext(DbContextOptions<SqliteMedGuardDbContext> options, TenantScope scope)
    : MedGuardDbContext(options, scope);
