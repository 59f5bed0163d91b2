using MedGuard.Domain.Systems;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MedGuard.Storage.Configurations;

internal sealed class GradingRecordConfiguration : IEntityTypeConfiguration<GradingRecord>
{
    public void Configure(EntityTypeBuilder<GradingRecord> builder)
    {
        builder.ToTable("Gradings");
        builder.HasKey(g => g.Id);
        builder.Property(g => g.Id).ValueGeneratedNever();
        builder.Property(g => g.MatrixEdition).HasMaxLength(64).IsRequired();
        builder.Ignore(g => g.Notation);
        builder.Ignore(g => g.Approval);
        builder.Property(g => g.ExpertReviewers).HasMaxLength(500);
        builder.Property(g => g.ApprovalDecidedBy).HasMaxLength(100);
        builder.Property(g => g.ApprovalRefusalReason).HasMaxLength(1000);

        // One current grading per system; a re-grading replaces it (the audit trail keeps the history).
        builder.HasIndex(g => g.SystemId).IsUnique();
        builder.HasIndex(g => g.Level);
    }
}
