namespace MedGuard.Security.Passwords;

/// <summary>
/// 登录失败处理 — after <see cref="MaxFailures"/> wrong passwords or codes in a row the account is locked for
/// <see cref="LockDuration"/> (GB/T 22239 8.1.4.1 b): 登录失败处理功能…限制非法登录次数). A success resets the count.
/// </summary>
public sealed class LoginLockout
{
    public int MaxFailures { get; init; } = 5;

    public TimeSpan LockDuration { get; init; } = TimeSpan.FromMinutes(15);

    public bool IsLocked(DateTimeOffset? lockedUntil, DateTimeOffset now) => lockedUntil is { } until && until > now;

    /// <summary>The state after one more failure: the new count, and the lock end when the count reached the limit.</summary>
    public (int Failures, DateTimeOffset? LockedUntil) RegisterFailure(int failures, DateTimeOffset now)
    {
        failures++;
        return failures >= MaxFailures ? (0, now + LockDuration) : (failures, null);
    }
}
