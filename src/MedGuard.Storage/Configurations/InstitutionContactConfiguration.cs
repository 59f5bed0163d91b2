using MedGuard.Domain.Institutions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MedGuard.Storage.Configurations;

internal sealed class InstitutionContactConfiguration : IEntityTypeConfiguration<InstitutionContact>
{
    public void Configure(EntityTypeBuilder<InstitutionContact> builder)
    {
        builder.ToTable("InstitutionContacts");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Id).ValueGeneratedNever();
        builder.Property(c => c.Name).HasMaxLength(100).IsRequired();
        builder.Property(c => c.Title).HasMaxLength(100);
        builder.Property(c => c.Phone).HasMaxLength(128); // SM4-GCM ciphertext (sm4gcm: + base64 of nonce, text, tag)
        builder.Property(c => c.Email).HasMaxLength(200);
        builder.HasIndex(c => c.InstitutionId);
    }
}
