using System.Security.Cryptography;
using MedGuard.Domain.Platform;
using MedGuard.Security.Passwords;
using MedGuard.Security.Protection;
using MedGuard.Security.Totp;
using MedGuard.Server.Hosting;
using MedGuard.Storage;
using MedGuard.Storage.Auditing;
using MedGuard.Storage.Providers;
using MedGuard.Storage.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Server.Accounts;

public enum LoginOutcome
{
    Failed,             // any failure: unknown, disabled, locked, wrong password, wrong code — one answer for all
    SignedIn,
    NeedsEnrolment,     // password right, no TOTP enrolled yet: enrol before anything else
    MustChangePassword, // both factors right, an administrator forced a reset: choose a new password first
}

/// <summary>
/// Login with 等保 三级 controls (GB/T 22239 8.1.4.1): constant-time password check, TOTP with replay refusal for
/// every role, lockout after repeated failures that holds under parallel requests and across server processes,
/// server-side sessions, password change with history; every attempt audited. Works on the platform's own accounts
/// in the system scope (a login happens before there is a tenant).
/// </summary>
public sealed class AccountService(DatabaseTarget database, PasswordHasher hasher, LoginLockout lockout, PasswordPolicy policy,
    Sm4FieldProtector protector, AuditTrail audit, PlatformOptions options, TimeProvider clock)
{
    public const string TotpPurpose = "user.totp";

    /// <summary>A new password may not repeat the current one or the ones before it, this many in all.</summary>
    public const int PasswordHistoryDepth = 5;

    /// <summary>How often a session's last-seen time is written (not on every request).</summary>
    private static readonly TimeSpan SeenGranularity = TimeSpan.FromMinutes(1);

    /// <summary>One step: name, password and 动态口令 together, so a failure never says which factor was wrong.</summary>
    public async Task<(LoginOutcome Outcome, PlatformUser? User)> LoginAsync(string? userName, string? password, string? code, string? from)
    {
        password ??= "";
        var normalized = PlatformUser.Normalize(userName ?? "");
        await using var db = MedGuardContextFactory.Create(database);
        var user = normalized.Length == 0 || normalized.Length > 64 ? null : await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.NormalizedUserName == normalized);
        if (user is null)
        {
            hasher.Verify(password, PasswordHasher.DummyHash); // same cost as a real check: no enumeration by timing
            await audit.RecordAsync(new AuditEvent("login-failed", "PlatformUser", null, $"未知用户名 {Clip(userName)}") { UserName = "anonymous", SourceAddress = from });
            return (LoginOutcome.Failed, null);
        }

        AuditEvent Event(string action, string detail) =>
            new(action, "PlatformUser", user.Id.ToString(), detail) { UserId = user.Id, UserName = user.UserName, SourceAddress = from };

        if (user.Disabled)
        {
            hasher.Verify(password, PasswordHasher.DummyHash);
            await audit.RecordAsync(Event("login-failed", "账号已停用"));
            return (LoginOutcome.Failed, null);
        }

        if (!await ReserveGuessAsync(db, user.Id))
        {
            hasher.Verify(password, PasswordHasher.DummyHash);
            await audit.RecordAsync(Event("login-failed", "账号已锁定，未校验口令"));
            return (LoginOutcome.Failed, null);
        }

        if (!hasher.Verify(password, user.PasswordHash))
        {
            await audit.RecordAsync(Event("login-failed", "口令错误" + await LockNoteAsync(db, user.Id)));
            return (LoginOutcome.Failed, null);
        }

        if (user.TotpEnabled)
        {
            if (!await AcceptCodeAsync(db, user, code))
            {
                await audit.RecordAsync(Event("login-failed", "动态口令错误或已使用" + await LockNoteAsync(db, user.Id)));
                return (LoginOutcome.Failed, null);
            }
        }

        var needsEnrolment = !user.TotpEnabled && ClaimNames.RequiresSecondFactor(user.Role);
        await ClearFailuresAsync(db, user.Id, signedIn: !needsEnrolment);
        if (needsEnrolment)
        {
            // 动态口令 is required for every role (each can see findings): enrol before the first session.
            await audit.RecordAsync(Event("login-password-ok", "口令正确，须先绑定动态口令"));
            return (LoginOutcome.NeedsEnrolment, user);
        }

        if (user.MustChangePassword)
        {
            await audit.RecordAsync(Event("login-password-ok", "身份鉴别通过，须先修改口令（管理员已要求重置）"));
            return (LoginOutcome.MustChangePassword, user);
        }

        await audit.RecordAsync(Event("login", user.TotpEnabled ? "口令 + 动态口令登录成功" : "口令登录成功"));
        return (LoginOutcome.SignedIn, user);
    }

    /// <summary>Starts (or restarts) enrolment: a fresh secret, stored encrypted but not yet enabled; null when the
    /// account is already enrolled (or gone).</summary>
    public async Task<string?> BeginEnrolmentAsync(Guid userId)
    {
        await using var db = MedGuardContextFactory.Create(database);
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == userId && !u.Disabled);
        if (user is null || user.TotpEnabled)
        {
            return null;
        }

        var secret = TotpAuthenticator.NewSecret();
        user.TotpSecretEncrypted = protector.ProtectBytes(System.Text.Encoding.ASCII.GetBytes(secret), TotpPurpose);
        await db.SaveChangesAsync();
        return secret;
    }

    /// <summary>Finishes enrolment with the first code from the authenticator app (a wrong code counts as a failure).</summary>
    public async Task<(bool Ok, PlatformUser? User)> CompleteEnrolmentAsync(Guid userId, string code, string? from)
    {
        await using var db = MedGuardContextFactory.Create(database);
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId && !u.Disabled);
        if (user is null || user.TotpEnabled || user.TotpSecretEncrypted is null || !await ReserveGuessAsync(db, user.Id))
        {
            return (false, null);
        }

        var who = new AuditEvent("", "PlatformUser", user.Id.ToString()) { UserId = user.Id, UserName = user.UserName, SourceAddress = from };
        if (!await AcceptCodeAsync(db, user, code))
        {
            await audit.RecordAsync(who with { Action = "totp-enrol-failed", Detail = "绑定时动态口令错误" + await LockNoteAsync(db, user.Id) });
            return (false, null);
        }

        await db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.TotpEnabled, true));
        await ClearFailuresAsync(db, user.Id, signedIn: true);
        user.TotpEnabled = true;
        await audit.RecordAsync(who with { Action = "totp-enrolled", Detail = "已绑定动态口令" });
        return (true, user);
    }

    public async Task<PlatformUser?> FindAsync(Guid userId)
    {
        await using var db = MedGuardContextFactory.Create(database);
        return await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId && !u.Disabled);
    }

    public string SecretOf(PlatformUser user) =>
        System.Text.Encoding.ASCII.GetString(protector.UnprotectBytes(user.TotpSecretEncrypted!, TotpPurpose));

    /// <summary>Records a new server-side session for a user who passed every factor; returns its id for the cookie.</summary>
    public async Task<string> StartSessionAsync(PlatformUser user, string? from)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var session = new UserSession
        {
            Id = Base64Url(RandomNumberGenerator.GetBytes(32)),
            UserId = user.Id,
            CreatedAt = now,
            LastSeenAt = now,
            ExpiresAt = now.AddMinutes(options.SessionAbsoluteMinutes),
            SourceAddress = Clip(from, 64),
        };
        await using var db = MedGuardContextFactory.Create(database);
        db.UserSessions.Add(session);
        await db.SaveChangesAsync();
        return session.Id;
    }

    /// <summary>
    /// The check behind every authenticated request: the session exists, is not revoked, has not passed its absolute
    /// end nor the idle timeout, and its account is active. Returns the account, or null to end the session.
    /// </summary>
    public async Task<PlatformUser?> ValidateSessionAsync(string? sessionId, Guid userId)
    {
        if (string.IsNullOrEmpty(sessionId) || sessionId.Length > 64)
        {
            return null;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = MedGuardContextFactory.Create(database);
        // One round trip on every request: the session and its account together.
        var row = await db.UserSessions.AsNoTracking()
            .Where(s => s.Id == sessionId && s.UserId == userId && s.RevokedAt == null && s.ExpiresAt > now)
            .Join(db.Users.AsNoTracking().Where(u => !u.Disabled && !u.MustChangePassword), s => s.UserId, u => u.Id,
                (s, u) => new { s.LastSeenAt, User = u })
            .FirstOrDefaultAsync();
        if (row is null || row.LastSeenAt.AddMinutes(options.SessionTimeoutMinutes) <= now)
        {
            return null;
        }

        if (now - row.LastSeenAt >= SeenGranularity)
        {
            await db.UserSessions.Where(s => s.Id == sessionId).ExecuteUpdateAsync(s => s.SetProperty(x => x.LastSeenAt, now));
        }

        return row.User;
    }

    /// <summary>Ends one session server-side: its cookie, even a copy, is refused from now on.</summary>
    public async Task RevokeSessionAsync(string? sessionId, string reason)
    {
        if (string.IsNullOrEmpty(sessionId))
        {
            return;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = MedGuardContextFactory.Create(database);
        await db.UserSessions.Where(s => s.Id == sessionId && s.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, now).SetProperty(x => x.RevokedReason, reason));
    }

    /// <summary>Ends every session of a user (forced reset, password change), except <paramref name="keep"/>.</summary>
    public async Task<int> RevokeAllSessionsAsync(Guid userId, string reason, string? keep = null)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = MedGuardContextFactory.Create(database);
        return await db.UserSessions.Where(s => s.UserId == userId && s.RevokedAt == null && s.Id != keep)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, now).SetProperty(x => x.RevokedReason, reason));
    }

    /// <summary>
    /// The user changes their own password: the current one is checked (a wrong one counts as a login failure), the
    /// new one must meet <see cref="PasswordPolicy"/> and differ from the last <see cref="PasswordHistoryDepth"/>.
    /// Every other session of the user ends. Returns the problems, in Chinese; empty on success.
    /// </summary>
    public async Task<IReadOnlyList<string>> ChangePasswordAsync(Guid userId, string? current, string? proposed, string? from, string? keepSession)
    {
        await using var db = MedGuardContextFactory.Create(database);
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == userId && !u.Disabled);
        if (user is null)
        {
            return ["账号不存在或已停用"];
        }

        var who = new AuditEvent("", "PlatformUser", user.Id.ToString()) { UserId = user.Id, UserName = user.UserName, SourceAddress = from };
        if (!await ReserveGuessAsync(db, user.Id) || !hasher.Verify(current ?? "", user.PasswordHash))
        {
            await audit.RecordAsync(who with { Action = "password-change-failed", Detail = "当前口令错误或账号已锁定" + await LockNoteAsync(db, user.Id) });
            return ["当前口令错误（或错误次数过多，账号已锁定）"];
        }

        await ClearFailuresAsync(db, user.Id, signedIn: false);
        await db.Entry(user).ReloadAsync();
        proposed ??= "";
        var problems = policy.Check(proposed, user.UserName).ToList();
        if (problems.Count == 0)
        {
            var recent = await db.PasswordHistory.Where(h => h.UserId == user.Id).OrderByDescending(h => h.ReplacedAt)
                .Select(h => h.PasswordHash).Take(PasswordHistoryDepth - 1).ToListAsync();
            if (hasher.Verify(proposed, user.PasswordHash) || recent.Any(hash => hasher.Verify(proposed, hash)))
            {
                problems.Add($"新口令不得与最近 {PasswordHistoryDepth} 次使用过的口令相同");
            }
        }

        if (problems.Count > 0)
        {
            await audit.RecordAsync(who with { Action = "password-change-failed", Detail = "新口令不符合要求：" + string.Join("；", problems) });
            return problems;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        if (user.PasswordHash is { } old)
        {
            db.PasswordHistory.Add(new PasswordHistoryEntry { UserId = user.Id, PasswordHash = old, ReplacedAt = now });
        }

        user.PasswordHash = hasher.Hash(proposed);
        user.PasswordChangedAt = now;
        user.MustChangePassword = false;
        await db.SaveChangesAsync();
        var ended = await RevokeAllSessionsAsync(user.Id, "修改口令", keepSession);
        await audit.RecordAsync(who with { Action = "password-changed", Detail = $"用户修改了自己的口令，结束其他会话 {ended} 个" });
        return [];
    }

    /// <summary>
    /// What stands against a new account (the users page and POST /api/users): the name's form, its uniqueness (case
    /// does not count) and the password policy. Empty when it may be created.
    /// </summary>
    public async Task<List<string>> CheckNewUserAsync(MedGuardDbContext db, string userName, string password)
    {
        var problems = new List<string>();
        if (!System.Text.RegularExpressions.Regex.IsMatch(userName, "^[A-Za-z0-9._-]{3,64}$"))
        {
            problems.Add("用户名须为 3–64 位字母、数字或 . _ -");
        }

        var normalized = PlatformUser.Normalize(userName);
        if (await db.Users.AnyAsync(u => u.NormalizedUserName == normalized))
        {
            problems.Add("用户名已存在（用户名唯一，不区分大小写）");
        }

        problems.AddRange(policy.Check(password, userName));
        return problems;
    }

    /// <summary>Adds a checked account (<see cref="CheckNewUserAsync"/>) with its password hashed; refuses a role without
    /// the tenant it needs (a regulator without region, a hospital user without institution…). The caller saves.</summary>
    public void Enrol(MedGuardDbContext db, PlatformUser user, string password)
    {
        user.NormalizedUserName = PlatformUser.Normalize(user.UserName);
        _ = TenantScope.ForUser(user);
        user.PasswordHash = hasher.Hash(password);
        db.Users.Add(user);
    }

    /// <summary>An administrator forces a reset: every session ends now, and the next login must set a new password.</summary>
    public async Task<PlatformUser?> ForcePasswordResetAsync(Guid userId, AuditEvent by)
    {
        await using var db = MedGuardContextFactory.Create(database);
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == userId);
        if (user is null)
        {
            return null;
        }

        user.MustChangePassword = true;
        await db.SaveChangesAsync();
        var ended = await RevokeAllSessionsAsync(user.Id, "管理员要求重置口令");
        await audit.RecordAsync(by with
        {
            Action = "password-reset-forced",
            EntityType = "PlatformUser",
            EntityId = user.Id.ToString(),
            Detail = $"管理员要求 {user.UserName} 下次登录时修改口令，结束其会话 {ended} 个",
        });
        return user;
    }

    /// <summary>
    /// Takes one guess from the account's allowance before anything is checked, in one SQL statement: parallel
    /// requests (or processes) cannot all read "4 failures" and each check a password. A lock that has run out
    /// is cleared first. False when no guess is left (the account is locked).
    /// </summary>
    private async Task<bool> ReserveGuessAsync(MedGuardDbContext db, Guid userId)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await db.Users.Where(u => u.Id == userId && u.LockoutUntil != null && u.LockoutUntil <= now)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.FailedLoginCount, 0).SetProperty(u => u.LockoutUntil, (DateTime?)null));
        var max = lockout.MaxFailures;
        DateTime? until = now + lockout.LockDuration;
        // SET expressions read the row as it was before the statement (SQLite and PostgreSQL alike).
        var reserved = await db.Users.Where(u => u.Id == userId && u.LockoutUntil == null && u.FailedLoginCount < max)
            .ExecuteUpdateAsync(s => s
                .SetProperty(u => u.FailedLoginCount, u => u.FailedLoginCount + 1)
                .SetProperty(u => u.LockoutUntil, u => u.FailedLoginCount + 1 >= max ? until : null));
        return reserved == 1;
    }

    /// <summary>A code is accepted once: the step is claimed in the database, so a replay to another process fails too.</summary>
    private async Task<bool> AcceptCodeAsync(MedGuardDbContext db, PlatformUser user, string? code)
    {
        if (user.TotpSecretEncrypted is null)
        {
            return false;
        }

        var step = TotpAuthenticator.Verify(SecretOf(user), code, clock.GetUtcNow().UtcDateTime, user.LastTotpStep);
        if (step is not { } accepted)
        {
            return false;
        }

        return await db.Users.Where(u => u.Id == user.Id && (u.LastTotpStep == null || u.LastTotpStep < accepted))
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.LastTotpStep, accepted)) == 1;
    }

    private async Task ClearFailuresAsync(MedGuardDbContext db, Guid userId, bool signedIn)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(s => s
            .SetProperty(u => u.FailedLoginCount, 0)
            .SetProperty(u => u.LockoutUntil, (DateTime?)null)
            .SetProperty(u => u.LastLoginAt, u => signedIn ? (DateTime?)now : u.LastLoginAt));
    }

    private static async Task<string> LockNoteAsync(MedGuardDbContext db, Guid userId) =>
        await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => u.LockoutUntil).FirstOrDefaultAsync() is null ? "" : "，账号已锁定";

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Clip(string? text, int max = 32) => text is null ? "" : text.Length <= max ? text : text[..max];
}
