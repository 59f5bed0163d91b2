using System.Collections.Concurrent;
using MedGuard.Domain.Platform;
using MedGuard.Security.Passwords;
using MedGuard.Security.Protection;
using MedGuard.Security.Totp;
using MedGuard.Server.Auditing;
using MedGuard.Server.Hosting;
using MedGuard.Storage;
using MedGuard.Storage.Providers;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Server.Accounts;

public enum PasswordOutcome
{
    Invalid,      // wrong name or password (one message for both: no user enumeration)
    Locked,
    Disabled,
    SignedIn,     // no second factor needed
    NeedsCode,    // TOTP enrolled: ask for the code
    NeedsEnrolment, // the role requires TOTP and none is enrolled yet
}

/// <summary>
/// Login with 等保 三级 controls: constant-time password check, lockout after repeated failures (wrong passwords and
/// wrong codes both count), TOTP with replay refusal, enrolment for roles that must have it; every attempt audited.
/// Works on the platform's own accounts in the system scope (a login happens before there is a tenant).
/// </summary>
public sealed class AccountService(DatabaseTarget database, PasswordHasher hasher, LoginLockout lockout,
    Sm4FieldProtector protector, AuditTrail audit, TimeProvider clock)
{
    public const string TotpPurpose = "user.totp";

    // Last accepted TOTP time step per user: a code is good once (in memory: one server process).
    private readonly ConcurrentDictionary<Guid, long> lastSteps = new();

    public async Task<(PasswordOutcome Outcome, PlatformUser? User)> CheckPasswordAsync(string userName, string password, string? from)
    {
        var normalized = (userName ?? "").Trim().ToUpperInvariant();
        await using var db = MedGuardContextFactory.Create(database);
        var user = normalized.Length == 0 ? null : await db.Users.FirstOrDefaultAsync(u => u.NormalizedUserName == normalized);
        var now = clock.GetUtcNow();
        if (user is null)
        {
            hasher.Verify(password ?? "", PasswordHasher.DummyHash); // same cost as a real check
            await audit.RecordAsync(new AuditEvent("login-failed", "PlatformUser", null, $"未知用户名 {Clip(userName)}") { UserName = "anonymous", SourceAddress = from });
            return (PasswordOutcome.Invalid, null);
        }

        AuditEvent Event(string action, string? detail = null) =>
            new(action, "PlatformUser", user.Id.ToString(), detail) { UserId = user.Id, UserName = user.UserName, SourceAddress = from };

        if (user.Disabled)
        {
            await audit.RecordAsync(Event("login-failed", "账号已停用"));
            return (PasswordOutcome.Disabled, null);
        }

        if (lockout.IsLocked(AsOffset(user.LockoutUntil), now))
        {
            await audit.RecordAsync(Event("login-failed", "账号已锁定"));
            return (PasswordOutcome.Locked, null);
        }

        if (!hasher.Verify(password ?? "", user.PasswordHash))
        {
            await RegisterFailureAsync(db, user, now);
            await audit.RecordAsync(Event("login-failed", user.LockoutUntil is null ? "口令错误" : "口令错误，账号已锁定"));
            return (user.LockoutUntil is null ? PasswordOutcome.Invalid : PasswordOutcome.Locked, null);
        }

        if (user.TotpEnabled)
        {
            await audit.RecordAsync(Event("login-password-ok", "口令正确，等待动态口令"));
            return (PasswordOutcome.NeedsCode, user);
        }

        if (ClaimNames.RequiresSecondFactor(user.Role))
        {
            await audit.RecordAsync(Event("login-password-ok", "口令正确，须先绑定动态口令"));
            return (PasswordOutcome.NeedsEnrolment, user);
        }

        await CompleteAsync(db, user, now);
        await audit.RecordAsync(Event("login", "口令登录成功"));
        return (PasswordOutcome.SignedIn, user);
    }

    /// <summary>Second step: the TOTP code of a user whose password was accepted.</summary>
    public async Task<(bool Ok, bool Locked, PlatformUser? User)> CheckCodeAsync(Guid userId, string code, string? from)
    {
        await using var db = MedGuardContextFactory.Create(database);
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == userId);
        var now = clock.GetUtcNow();
        if (user is null || user.Disabled || !user.TotpEnabled || user.TotpSecretEncrypted is null)
        {
            return (false, false, null);
        }

        if (lockout.IsLocked(AsOffset(user.LockoutUntil), now))
        {
            return (false, true, null);
        }

        var secret = System.Text.Encoding.ASCII.GetString(protector.UnprotectBytes(user.TotpSecretEncrypted, TotpPurpose));
        var step = TotpAuthenticator.Verify(secret, code, now.UtcDateTime, lastSteps.TryGetValue(user.Id, out var last) ? last : null);
        var who = new AuditEvent("", "PlatformUser", user.Id.ToString()) { UserId = user.Id, UserName = user.UserName, SourceAddress = from };
        if (step is null)
        {
            await RegisterFailureAsync(db, user, now);
            await audit.RecordAsync(who with { Action = "login-failed", Detail = "动态口令错误或已使用" });
            return (false, user.LockoutUntil is not null, null);
        }

        lastSteps[user.Id] = step.Value;
        await CompleteAsync(db, user, now);
        await audit.RecordAsync(who with { Action = "login", Detail = "口令 + 动态口令登录成功" });
        return (true, false, user);
    }

    /// <summary>Starts (or restarts) enrolment: a fresh secret, stored encrypted but not yet enabled.</summary>
    public async Task<string> BeginEnrolmentAsync(Guid userId)
    {
        await using var db = MedGuardContextFactory.Create(database);
        var user = await db.Users.FirstAsync(u => u.Id == userId);
        if (user.TotpEnabled)
        {
            throw new InvalidOperationException("该账号已绑定动态口令");
        }

        var secret = TotpAuthenticator.NewSecret();
        user.TotpSecretEncrypted = protector.ProtectBytes(System.Text.Encoding.ASCII.GetBytes(secret), TotpPurpose);
        await db.SaveChangesAsync();
        return secret;
    }

    /// <summary>Finishes enrolment with the first code from the authenticator app.</summary>
    public async Task<(bool Ok, PlatformUser? User)> CompleteEnrolmentAsync(Guid userId, string code, string? from)
    {
        await using var db = MedGuardContextFactory.Create(database);
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == userId);
        if (user is null || user.TotpEnabled || user.TotpSecretEncrypted is null)
        {
            return (false, null);
        }

        var now = clock.GetUtcNow();
        var secret = System.Text.Encoding.ASCII.GetString(protector.UnprotectBytes(user.TotpSecretEncrypted, TotpPurpose));
        var step = TotpAuthenticator.Verify(secret, code, now.UtcDateTime, null);
        var who = new AuditEvent("", "PlatformUser", user.Id.ToString()) { UserId = user.Id, UserName = user.UserName, SourceAddress = from };
        if (step is null)
        {
            await RegisterFailureAsync(db, user, now);
            await audit.RecordAsync(who with { Action = "totp-enrol-failed", Detail = "绑定时动态口令错误" });
            return (false, null);
        }

        lastSteps[user.Id] = step.Value;
        user.TotpEnabled = true;
        await CompleteAsync(db, user, now);
        await audit.RecordAsync(who with { Action = "totp-enrolled", Detail = "已绑定动态口令并登录" });
        return (true, user);
    }

    public string SecretOf(PlatformUser user) =>
        System.Text.Encoding.ASCII.GetString(protector.UnprotectBytes(user.TotpSecretEncrypted!, TotpPurpose));

    /// <summary>Re-reads a signed-in user on each request: a disabled or deleted account loses its session at once.</summary>
    public async Task<PlatformUser?> FindActiveAsync(Guid userId)
    {
        await using var db = MedGuardContextFactory.Create(database);
        return await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId && !u.Disabled);
    }

    private async Task RegisterFailureAsync(MedGuardDbContext db, PlatformUser user, DateTimeOffset now)
    {
        var (failures, until) = lockout.RegisterFailure(user.FailedLoginCount, now);
        user.FailedLoginCount = failures;
        user.LockoutUntil = until?.UtcDateTime;
        await db.SaveChangesAsync();
    }

    private static async Task CompleteAsync(MedGuardDbContext db, PlatformUser user, DateTimeOffset now)
    {
        user.FailedLoginCount = 0;
        user.LockoutUntil = null;
        user.LastLoginAt = now.UtcDateTime;
        await db.SaveChangesAsync();
    }

    private static DateTimeOffset? AsOffset(DateTime? utc) => utc is { } u ? new DateTimeOffset(DateTime.SpecifyKind(u, DateTimeKind.Utc)) : null;

    private static string Clip(string? text) => text is null ? "" : text.Length <= 32 ? text : text[..32];
}
