using MedGuard.Domain.Platform;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace MedGuard.Storage;

/// <summary>A text too long for its column, refused before it reaches the database (a clear 400, not a 500).</summary>
public sealed class FieldTooLongException(string field, int maxLength, int length)
    : Exception($"“{field}”最多 {maxLength} 个字符，提交的内容有 {length} 个字符，请删减后重试")
{
    public string Field { get; } = field;

    public int MaxLength { get; } = maxLength;
}

/// <summary>
/// Server-side length limits for every string property, run before each SaveChanges: the limit is the property's
/// configured max length (<c>HasMaxLength</c>, which also sizes the PostgreSQL column), and for the few unbounded
/// text columns (evidence, notes) <see cref="UnboundedTextLimit"/>. SQLite would store any length and PostgreSQL
/// would fail the whole save with an error, so the check is here, once, for both.
/// </summary>
internal static class TextLengthGuard
{
    /// <summary>The cap on text columns without a configured length (free text, possibly stored as SM4 ciphertext).</summary>
    public const int UnboundedTextLimit = 20_000;

    // Chinese names of the free-text fields people type, for the message; others are named Entity.Property.
    private static readonly Dictionary<string, string> Labels = new(StringComparer.Ordinal)
    {
        ["Institution.Name"] = "机构名称",
        ["Institution.Address"] = "地址",
        ["Institution.CreditCode"] = "统一社会信用代码",
        ["InstitutionContact.Name"] = "联系人姓名",
        ["InstitutionContact.Title"] = "职务",
        ["InstitutionContact.Email"] = "电子邮箱",
        ["ProtectedSystem.Name"] = "定级对象名称",
        ["RectificationItem.Title"] = "整改事项",
        ["RectificationItem.Owner"] = "责任人",
        ["RectificationItem.FixEvidence"] = "整改证据",
        ["RectificationItem.RetestNote"] = "复测说明",
        ["ItemResult.Evidence"] = "测评证据",
        ["FilingRecord.CertificateNumber"] = "备案证明编号",
        ["FilingRecord.PoliceOrgan"] = "受理公安机关",
        ["AssessmentAgency.Name"] = "测评机构名称",
        ["PlatformUser.DisplayName"] = "姓名",
        ["PlatformUser.UserName"] = "用户名",
    };

    public static void Check(DbContext context)
    {
        foreach (var entry in context.ChangeTracker.Entries())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified))
            {
                continue;
            }

            foreach (var property in entry.Properties)
            {
                if (property.Metadata.ClrType != typeof(string) || property.CurrentValue is not string text
                    || (entry.State == EntityState.Modified && !property.IsModified))
                {
                    continue;
                }

                // The audit trail clips its own fields; its detail is the platform's text, not a form's.
                var limit = property.Metadata.GetMaxLength() ?? (entry.Entity is AuditEntry ? int.MaxValue : UnboundedTextLimit);
                if (text.Length > limit)
                {
                    throw new FieldTooLongException(LabelOf(entry, property), limit, text.Length);
                }
            }
        }
    }

    private static string LabelOf(EntityEntry entry, PropertyEntry property)
    {
        var key = $"{entry.Metadata.ClrType.Name}.{property.Metadata.Name}";
        return Labels.GetValueOrDefault(key, key);
    }
}
