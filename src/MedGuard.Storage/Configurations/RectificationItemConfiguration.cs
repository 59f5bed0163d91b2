using MedGuard.Domain.Assessment;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MedGuard.Storage.Configurations;

internal sealed class RectificationItemConfiguration : IEntityTypeConfiguration<RectificationItem>
{
    public void Configure(EntityTypeBuilder<RectificationItem> builder)
    {
        builder.ToTable("Rectifications");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Id).ValueGeneratedNever();
        builder.Property(r => r.Title).HasMaxLength(500).IsRequired();
        builder.Property(r => r.ItemCode).HasMaxLength(32);
        builder.Property(r => r.FindingFingerprint).HasMaxLength(64);
        builder.Property(r => r.Risk).HasMaxLength(8);
        builder.Property(r => r.Owner).HasMaxLength(100);

        // Deleting an assessment keeps the tasks it produced (they may be half done): the link is cleared.
        builder.HasOne<AssessmentRecord>().WithMany().HasForeignKey(r => r.AssessmentId).OnDelete(DeleteBehavior.SetNull);

        builder.HasIndex(r => new { r.SystemId, r.Status });
        builder.HasIndex(r => r.AssessmentId);
        builder.HasIndex(r => r.DueOn);
        builder.HasIndex(r => r.FindingFingerprint);
    }
}
