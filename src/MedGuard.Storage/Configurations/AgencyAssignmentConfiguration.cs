using MedGuard.Domain.Assessment;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MedGuard.Storage.Configurations;

internal sealed class AgencyAssignmentConfiguration : IEntityTypeConfiguration<AgencyAssignment>
{
    public void Configure(EntityTypeBuilder<AgencyAssignment> builder)
    {
        builder.ToTable("AgencyAssignments");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Id).ValueGeneratedNever();
        builder.Property(a => a.InstitutionRegion).HasMaxLength(64).IsRequired();

        // InstitutionId is a copy kept by the save guard; no foreign key, so that deleting an institution cascades
        // through its systems only (one path — SQLite and PostgreSQL would accept two, SQL Server would not).
        builder.HasIndex(a => new { a.AgencyId, a.SystemId }).IsUnique();
        builder.HasIndex(a => a.SystemId);
        builder.HasIndex(a => a.InstitutionId);
        builder.HasIndex(a => a.InstitutionRegion);
    }
}
