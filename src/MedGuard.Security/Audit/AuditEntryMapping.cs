using MedGuard.Domain.Platform;

namespace MedGuard.Security.Audit;

/// <summary>Between the stored <see cref="AuditEntry"/> and the hashed <see cref="AuditRecord"/>: one mapping, used
/// by the platform that writes the chain and by <c>medguard audit verify</c> that checks it.</summary>
public static class AuditEntryMapping
{
    public static AuditRecord ToRecord(this AuditEntry entry) => new()
    {
        Sequence = entry.Sequence,
        At = entry.Timestamp,
        UserId = entry.UserId?.ToString() ?? "",
        UserName = entry.UserName ?? "",
        SourceAddress = entry.SourceAddress ?? "",
        Action = entry.Action,
        EntityType = entry.EntityType ?? "",
        EntityId = entry.EntityId ?? "",
        Detail = entry.Detail ?? "",
        PreviousHash = entry.PreviousHash,
        Hash = entry.Hash,
    };

    public static AuditEntry ToEntry(this AuditRecord record) => new()
    {
        Sequence = record.Sequence,
        Timestamp = record.At,
        UserId = Guid.TryParse(record.UserId, out var id) ? id : null,
        UserName = record.UserName,
        SourceAddress = record.SourceAddress,
        Action = record.Action,
        EntityType = record.EntityType,
        EntityId = record.EntityId,
        Detail = record.Detail,
        PreviousHash = record.PreviousHash,
        Hash = record.Hash,
    };
}
