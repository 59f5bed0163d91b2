using MedGuard.Domain.Institutions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MedGuard.Storage.Configurations;

internal sealed class InstitutionConfiguration : IEntityTypeConfiguration<Institution>
{
    public void Configure(EntityTypeBuilder<Institution> builder)
    {
        builder.ToTable("Institutions");
        builder.HasKey(i => i.Id);
        builder.Property(i => i.Id).ValueGeneratedNever();
        builder.Property(i => i.Name).HasMaxLength(200).IsRequired();
        builder.Property(i => i.CreditCode).HasMaxLength(18);
        builder.Property(i => i.Region).HasMaxLength(64).IsRequired();
        builder.Property(i => i.Address).HasMaxLength(300);

        // The survey is a value without identity: its columns sit in the institution's row (Survey_…).
        builder.ComplexProperty(i => i.Survey);

        builder.HasMany(i => i.Systems).WithOne(s => s.Institution).HasForeignKey(s => s.InstitutionId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(i => i.Contacts).WithOne().HasForeignKey(c => c.InstitutionId).OnDelete(DeleteBehavior.Cascade);

        builder.HasIndex(i => i.Region);
        builder.HasIndex(i => i.Tier);
        builder.HasIndex(i => i.Name);
        builder.HasIndex(i => i.CreditCode).IsUnique();
    }
}
