using MedGuard.Domain.Institutions;
using MedGuard.Domain.Inventory;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MedGuard.Storage.Configurations;

internal sealed class AssetCandidateConfiguration : IEntityTypeConfiguration<AssetCandidate>
{
    public void Configure(EntityTypeBuilder<AssetCandidate> builder)
    {
        builder.ToTable("AssetCandidates");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Id).ValueGeneratedNever();
        builder.Property(c => c.Origin).HasMaxLength(300).IsRequired();
        builder.Property(c => c.Host).HasMaxLength(255).IsRequired();
        builder.Property(c => c.ThirdParty).HasMaxLength(100);
        builder.Property(c => c.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(c => c.DecidedBy).HasMaxLength(100);
        builder.Property(c => c.DismissReason).HasMaxLength(500);
        builder.Ignore(c => c.Cleartext);

        builder.HasOne<Institution>().WithMany().HasForeignKey(c => c.InstitutionId).OnDelete(DeleteBehavior.Cascade);
        // The asset it became may be deleted later; the candidate keeps its decision.
        builder.HasOne<Asset>().WithMany().HasForeignKey(c => c.AcceptedAssetId).OnDelete(DeleteBehavior.SetNull);

        // One candidate per origin and institution: a re-import finds it instead of adding another.
        builder.HasIndex(c => new { c.InstitutionId, c.Origin }).IsUnique();
        builder.HasIndex(c => new { c.InstitutionId, c.Status });
        builder.HasIndex(c => c.AcceptedAssetId);
    }
}
