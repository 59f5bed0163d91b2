using MedGuard.Domain.Assessment;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MedGuard.Storage.Configurations;

internal sealed class ItemResultConfiguration : IEntityTypeConfiguration<ItemResult>
{
    public void Configure(EntityTypeBuilder<ItemResult> builder)
    {
        builder.ToTable("ItemResults");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Id).ValueGeneratedNever();
        builder.Property(r => r.ItemCode).HasMaxLength(32).IsRequired();
        builder.Property(r => r.Risk).HasMaxLength(8);

        // One judgement per item per assessment.
        builder.HasIndex(r => new { r.AssessmentId, r.ItemCode }).IsUnique();
        builder.HasIndex(r => r.Result);
    }
}
