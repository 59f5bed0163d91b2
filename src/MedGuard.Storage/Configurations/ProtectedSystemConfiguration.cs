using MedGuard.Domain.Systems;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MedGuard.Storage.Configurations;

internal sealed class ProtectedSystemConfiguration : IEntityTypeConfiguration<ProtectedSystem>
{
    public void Configure(EntityTypeBuilder<ProtectedSystem> builder)
    {
        builder.ToTable("ProtectedSystems");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.Name).HasMaxLength(200).IsRequired();
        builder.Property(s => s.Description).HasMaxLength(2000);

        builder.HasOne(s => s.Grading).WithOne().HasForeignKey<GradingRecord>(g => g.SystemId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(s => s.Filing).WithOne().HasForeignKey<FilingRecord>(f => f.SystemId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(s => s.Assessments).WithOne().HasForeignKey(a => a.SystemId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(s => s.Rectifications).WithOne().HasForeignKey(r => r.SystemId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(s => s.AgencyAssignments).WithOne().HasForeignKey(a => a.SystemId).OnDelete(DeleteBehavior.Cascade);

        builder.HasIndex(s => new { s.InstitutionId, s.Name });
        builder.HasIndex(s => s.Business);
    }
}
