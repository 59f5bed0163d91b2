namespace MedGuard.Security.Audit;

/// <summary>
/// One audit entry as the chain sees it (审计记录: who, when, what, from where — GB/T 22239 8.1.4.3). The fields
/// mirror the stored <c>AuditEntry</c>; this shape is what gets hashed, so it is independent of any database.
/// </summary>
public sealed record AuditRecord
{
    /// <summary>Position in the chain, 1-based and without gaps: a deleted entry shows as a gap.</summary>
    public required long Sequence { get; init; }

    /// <summary>When, in UTC, truncated to milliseconds (PostgreSQL keeps microseconds, SQLite text: both round-trip ms).</summary>
    public required DateTime At { get; init; }

    /// <summary>Who: the user's id, when a user acted.</summary>
    public string UserId { get; init; } = "";

    /// <summary>Who: the user name, or <c>system</c> / <c>anonymous</c>.</summary>
    public string UserName { get; init; } = "";

    /// <summary>From where: the client address.</summary>
    public string SourceAddress { get; init; } = "";

    /// <summary>What kind of event: <c>login</c>, <c>create</c>, <c>update</c>, <c>read-sensitive</c>…</summary>
    public required string Action { get; init; }

    public string EntityType { get; init; } = "";

    public string EntityId { get; init; } = "";

    /// <summary>Details in Chinese or JSON (never a secret or a decrypted sensitive value).</summary>
    public string Detail { get; init; } = "";

    /// <summary>Hex SM3 of the previous entry (<see cref="AuditChain.GenesisHash"/>, empty, for the first).</summary>
    public required string PreviousHash { get; init; }

    /// <summary>Hex SM3(previous hash ‖ canonical entry).</summary>
    public required string Hash { get; init; }
}
