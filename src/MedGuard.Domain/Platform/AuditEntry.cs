namespace MedGuard.Domain.Platform;

/// <summary>
/// One line of the audit trail: who did what, when, from where. Entries are chained — <see cref="Hash"/> covers this
/// entry's fields and <see cref="PreviousHash"/> — so that editing or deleting one breaks the chain. Storage treats the
/// table as append-only.
/// </summary>
public sealed class AuditEntry
{
    public Guid Id { get; set; } = Guid.NewGuid();

    /// <summary>Position in the chain, 1, 2, 3… (unique).</summary>
    public long Sequence { get; set; }

    public DateTime Timestamp { get; set; } = DateTime.UtcNow;

    public Guid? UserId { get; set; }

    public string? UserName { get; set; }

    /// <summary>Client address (IP) the action came from.</summary>
    public string? SourceAddress { get; set; }

    /// <summary>What was done: create, update, delete, read-sensitive, login, login-failed…</summary>
    public required string Action { get; set; }

    public string? EntityType { get; set; }

    public string? EntityId { get; set; }

    public string? Detail { get; set; }

    /// <summary>Hex hash of the previous entry (empty for the first).</summary>
    public string PreviousHash { get; set; } = "";

    public string Hash { get; set; } = "";
}
