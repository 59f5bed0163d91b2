using MedGuard.Domain.Assessment;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MedGuard.Storage.Configurations;

internal sealed class AssessmentAgencyConfiguration : IEntityTypeConfiguration<AssessmentAgency>
{
    public void Configure(EntityTypeBuilder<AssessmentAgency> builder)
    {
        builder.ToTable("AssessmentAgencies");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Id).ValueGeneratedNever();
        builder.Property(a => a.Name).HasMaxLength(200).IsRequired();
        builder.Property(a => a.CreditCode).HasMaxLength(18);
        builder.Property(a => a.CertificateNumber).HasMaxLength(64);
        builder.Property(a => a.Region).HasMaxLength(64);
        builder.Property(a => a.ContactName).HasMaxLength(100);
        builder.Property(a => a.ContactPhone).HasMaxLength(40);

        builder.HasMany(a => a.Assignments).WithOne(x => x.Agency).HasForeignKey(x => x.AgencyId).OnDelete(DeleteBehavior.Cascade);

        builder.HasIndex(a => a.Name).IsUnique();
        builder.HasIndex(a => a.CreditCode).IsUnique();
    }
}
