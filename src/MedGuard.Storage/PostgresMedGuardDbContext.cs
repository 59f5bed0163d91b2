using MedGuard.Storage.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Storage;

/// <summary>The PostgreSQL flavour of <see cref="MedGuardDbContext"/>: owns the migrations in Migrations/Postgres.</summary>
public sealed class PostgresMedGuardDbContext(DbContextOptions<PostgresMedGuardDbContext> options, TenantScope scope)
    : MedGuardDbContext(options, scope);
