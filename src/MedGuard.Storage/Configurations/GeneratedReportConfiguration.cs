using MedGuard.Domain.Reports;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MedGuard.Storage.Configurations;

internal sealed class GeneratedReportConfiguration : IEntityTypeConfiguration<GeneratedReport>
{
    public void Configure(EntityTypeBuilder<GeneratedReport> builder)
    {
        builder.ToTable("GeneratedReports");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Id).ValueGeneratedNever();
        builder.Property(r => r.Kind).HasMaxLength(16);
        builder.Property(r => r.Title).HasMaxLength(300);
        builder.Property(r => r.Format).HasMaxLength(8);
        builder.Property(r => r.FileName).HasMaxLength(300);
        builder.Property(r => r.ContentHash).HasMaxLength(64);
        builder.Property(r => r.Signer).HasMaxLength(200);
        builder.Property(r => r.GeneratedBy).HasMaxLength(200);
        builder.Property(r => r.Region).HasMaxLength(12);
        builder.HasIndex(r => r.InstitutionId);
        builder.HasIndex(r => r.SystemId);
        builder.HasIndex(r => r.Region);
        builder.HasIndex(r => r.GeneratedAt);
    }
}
