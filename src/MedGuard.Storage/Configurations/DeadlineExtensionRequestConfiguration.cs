using MedGuard.Domain.Assessment;
using MedGuard.Domain.Systems;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MedGuard.Storage.Configurations;

internal sealed class DeadlineExtensionRequestConfiguration : IEntityTypeConfiguration<DeadlineExtensionRequest>
{
    public void Configure(EntityTypeBuilder<DeadlineExtensionRequest> builder)
    {
        builder.ToTable("DeadlineExtensionRequests");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Id).ValueGeneratedNever();
        builder.Property(r => r.RequestedBy).HasMaxLength(100).IsRequired();
        builder.Property(r => r.Reason).HasMaxLength(1000).IsRequired();
        builder.Property(r => r.DecidedBy).HasMaxLength(100);
        builder.Property(r => r.DecisionNote).HasMaxLength(1000);

        builder.HasOne<RectificationItem>().WithMany().HasForeignKey(r => r.RectificationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<ProtectedSystem>().WithMany().HasForeignKey(r => r.SystemId).OnDelete(DeleteBehavior.Cascade);

        builder.HasIndex(r => new { r.RectificationId, r.Status });
        builder.HasIndex(r => r.SystemId);
    }
}
