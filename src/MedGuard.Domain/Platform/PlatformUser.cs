namespace MedGuard.Domain.Platform;

/// <summary>What a platform user may do; the tenant scope follows from it.</summary>
public enum UserRole
{
    Admin = 1,            // 系统管理员
    RegulatorStaff = 2,   // 监管人员 (卫生健康委): its region
    InstitutionStaff = 3, // 医疗机构人员: its institution
    AgencyStaff = 4,      // 测评机构人员: the systems assigned to its agency
}

/// <summary>A person who logs in to the platform (等保 三级: unique names, lockout, a second factor).</summary>
public sealed class PlatformUser
{
    public Guid Id { get; set; } = Guid.NewGuid();

    /// <summary>Unique, case-insensitively: stored as typed, compared through <see cref="NormalizedUserName"/>.</summary>
    public required string UserName { get; set; }

    /// <summary>
    /// <see cref="Normalize"/>d copy of the user name, carrying the unique index (PostgreSQL compares case-sensitively).
    /// Storage sets it on every save; look users up with <c>u.NormalizedUserName == PlatformUser.Normalize(typed)</c>.
    /// </summary>
    public string NormalizedUserName { get; set; } = "";

    public required string DisplayName { get; set; }

    public UserRole Role { get; set; }

    /// <summary>For regulator staff: the region (行政区划) prefix it oversees.</summary>
    public string? Region { get; set; }

    public Guid? InstitutionId { get; set; }

    public Guid? AgencyId { get; set; }

    /// <summary>Self-describing hash string (algorithm, parameters, salt, hash); the platform chooses the algorithm.</summary>
    public string? PasswordHash { get; set; }

    /// <summary>The TOTP secret, encrypted (SM4) under the key kept outside the database.</summary>
    public byte[]? TotpSecretEncrypted { get; set; }

    public bool TotpEnabled { get; set; }

    public int FailedLoginCount { get; set; }

    /// <summary>UTC instant until which logins are refused.</summary>
    public DateTime? LockoutUntil { get; set; }

    public DateTime? LastLoginAt { get; set; }

    /// <summary>The last TOTP time step accepted: a code is good once, across requests and server processes.</summary>
    public long? LastTotpStep { get; set; }

    /// <summary>Set by an administrator's forced reset: the next login must choose a new password first.</summary>
    public bool MustChangePassword { get; set; }

    public DateTime? PasswordChangedAt { get; set; }

    public DateTime CreatedAt { get; set; } = DateTime.UtcNow;

    public bool Disabled { get; set; }

    /// <summary>The form user names are compared in: trimmed, upper-case invariant.</summary>
    public static string Normalize(string userName) => userName.Trim().ToUpperInvariant();
}
