using MedGuard.Domain.Systems;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MedGuard.Storage.Configurations;

internal sealed class FilingRecordConfiguration : IEntityTypeConfiguration<FilingRecord>
{
    public void Configure(EntityTypeBuilder<FilingRecord> builder)
    {
        builder.ToTable("Filings");
        builder.HasKey(f => f.Id);
        builder.Property(f => f.Id).ValueGeneratedNever();
        builder.Property(f => f.CertificateNumber).HasMaxLength(64);
        builder.Property(f => f.PoliceOrgan).HasMaxLength(200);
        builder.HasIndex(f => f.SystemId).IsUnique();
        builder.HasIndex(f => f.CertificateNumber);
    }
}
