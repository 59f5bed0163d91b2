using MedGuard.Domain.Institutions;
using MedGuard.Domain.Inventory;
using MedGuard.Domain.Systems;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MedGuard.Storage.Configurations;

internal sealed class AssetConfiguration : IEntityTypeConfiguration<Asset>
{
    public void Configure(EntityTypeBuilder<Asset> builder)
    {
        builder.ToTable("Assets");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Id).ValueGeneratedNever();
        builder.Property(a => a.Value).HasMaxLength(300).IsRequired();
        builder.Property(a => a.Name).HasMaxLength(200);
        builder.Property(a => a.Note).HasMaxLength(1000);
        builder.Property(a => a.ApkSha256).HasMaxLength(64);
        builder.Property(a => a.AppId).HasMaxLength(64);
        builder.Property(a => a.EntryUrl).HasMaxLength(500);
        // Existing rows get the default zone when the column arrives.
        builder.Property(a => a.Zone).HasMaxLength(NetworkZone.MaxLength).IsRequired().HasDefaultValue(NetworkZone.Default);
        builder.Ignore(a => a.Specificity);

        builder.HasOne<Institution>().WithMany().HasForeignKey(a => a.InstitutionId).OnDelete(DeleteBehavior.Cascade);
        // A system's retirement keeps its assets (they still exist on the network): the link is cleared.
        builder.HasOne<ProtectedSystem>().WithMany().HasForeignKey(a => a.SystemId).OnDelete(DeleteBehavior.SetNull);

        // One registration of a value per institution and kind.
        builder.HasIndex(a => new { a.InstitutionId, a.Kind, a.Value }).IsUnique();
        builder.HasIndex(a => a.SystemId);
        // Websites and apps tested (sector figures) count assets by kind.
        builder.HasIndex(a => new { a.Kind, a.InstitutionId });
    }
}

internal sealed class AssetAuthorizationConfiguration : IEntityTypeConfiguration<AssetAuthorization>
{
    public void Configure(EntityTypeBuilder<AssetAuthorization> builder)
    {
        builder.ToTable("AssetAuthorizations");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Id).ValueGeneratedNever();
        builder.Property(a => a.AuthorizedBy).HasMaxLength(200).IsRequired();
        builder.Property(a => a.LetterFileName).HasMaxLength(255);
        builder.Property(a => a.LetterSha256).HasMaxLength(64);
        builder.Property(a => a.AllowedWindow).HasMaxLength(16);

        builder.HasOne<Asset>().WithMany().HasForeignKey(a => a.AssetId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(a => a.AssetId);
        builder.HasIndex(a => new { a.InstitutionId, a.ValidUntil });
    }
}
