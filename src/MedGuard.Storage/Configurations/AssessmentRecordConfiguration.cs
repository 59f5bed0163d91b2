using MedGuard.Domain.Assessment;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MedGuard.Storage.Configurations;

internal sealed class AssessmentRecordConfiguration : IEntityTypeConfiguration<AssessmentRecord>
{
    public void Configure(EntityTypeBuilder<AssessmentRecord> builder)
    {
        builder.ToTable("Assessments");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Id).ValueGeneratedNever();
        builder.Property(a => a.Agency).HasMaxLength(200);
        builder.Property(a => a.ReportNumber).HasMaxLength(64);
        builder.Property(a => a.Template).HasMaxLength(8).IsRequired();
        builder.Property(a => a.Conclusion).HasMaxLength(16);
        builder.Ignore(a => a.KindName);

        // Rows from before the 自查/等级测评 split were all entered as 等级测评.
        builder.Property(a => a.Kind).HasDefaultValue(AssessmentKind.LevelAssessment).HasSentinel((AssessmentKind)0);

        builder.HasMany(a => a.Results).WithOne().HasForeignKey(r => r.AssessmentId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<AssessmentAgency>().WithMany().HasForeignKey(a => a.AgencyId).OnDelete(DeleteBehavior.SetNull);

        builder.HasIndex(a => new { a.SystemId, a.AssessedOn });
        builder.HasIndex(a => a.AgencyId);
    }
}
