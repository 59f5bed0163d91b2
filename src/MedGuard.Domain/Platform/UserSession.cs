namespace MedGuard.Domain.Platform;

/// <summary>
/// One login, kept server-side (会话管理): the cookie carries only <see cref="Id"/>, and every request checks this row,
/// so logging out, an administrator's forced reset or the absolute lifetime end the session even for a copied cookie.
/// </summary>
public sealed class UserSession
{
    /// <summary>Random (256 bits, base64url): unguessable, and meaningless without the cookie's encryption.</summary>
    public required string Id { get; set; }

    public Guid UserId { get; set; }

    public DateTime CreatedAt { get; set; }

    /// <summary>Last request seen (updated at most once a minute): the idle timeout is measured from here.</summary>
    public DateTime LastSeenAt { get; set; }

    /// <summary>Absolute end, however active the session is.</summary>
    public DateTime ExpiresAt { get; set; }

    public DateTime? RevokedAt { get; set; }

    /// <summary>Why it ended: 退出, 管理员重置口令, 修改口令…</summary>
    public string? RevokedReason { get; set; }

    public string? SourceAddress { get; set; }
}

/// <summary>A password hash a user had before (口令历史): a new password may not repeat the last few.</summary>
public sealed class PasswordHistoryEntry
{
    public Guid Id { get; set; } = Guid.NewGuid();

    public Guid UserId { get; set; }

    public required string PasswordHash { get; set; }

    /// <summary>When this password stopped being the current one.</summary>
    public DateTime ReplacedAt { get; set; }
}
