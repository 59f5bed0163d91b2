using MedGuard.Domain.Platform;

namespace MedGuard.Storage.Tenancy;

/// <summary>Whose data a database context may see and change.</summary>
public enum TenantKind
{
    /// <summary>Everything: the CLI, migrations, seeding, and platform administrators.</summary>
    System = 0,

    /// <summary>监管部门: the institutions of its region (prefix of the 行政区划 code) and everything under them.</summary>
    Regulator = 1,

    /// <summary>医疗机构: itself and everything under it.</summary>
    Institution = 2,

    /// <summary>测评机构: only the systems assigned to it, and their assessments and rectifications.</summary>
    Agency = 3,
}

/// <summary>
/// The tenant a <see cref="MedGuardDbContext"/> works for. It is fixed when the context is created and enforced in
/// one place — the context's global query filters (reads) and its save guard (writes) — so that no page or endpoint
/// has to remember it.
/// </summary>
public sealed record TenantScope
{
    private TenantScope(TenantKind kind, string region, Guid institutionId, Guid agencyId, Guid userId)
    {
        Kind = kind;
        Region = region;
        InstitutionId = institutionId;
        AgencyId = agencyId;
        UserId = userId;
    }

    public TenantKind Kind { get; }

    /// <summary>Region prefix, for <see cref="TenantKind.Regulator"/> (empty otherwise).</summary>
    public string Region { get; }

    /// <summary>For <see cref="TenantKind.Institution"/> (empty otherwise).</summary>
    public Guid InstitutionId { get; }

    /// <summary>For <see cref="TenantKind.Agency"/> (empty otherwise).</summary>
    public Guid AgencyId { get; }

    /// <summary>The logged-in user, when there is one: a user may read its own account row whatever its scope.</summary>
    public Guid UserId { get; }

    /// <summary>No restriction (CLI, migrations, administrators).</summary>
    public static TenantScope System { get; } = new(TenantKind.System, "", Guid.Empty, Guid.Empty, Guid.Empty);

    public static TenantScope ForRegulator(string region, Guid userId = default)
    {
        // An empty prefix would match every region: a regulator without a region is a configuration error, not "all".
        if (string.IsNullOrWhiteSpace(region))
        {
            throw new ArgumentException("监管范围必须指定行政区划（region 不能为空）", nameof(region));
        }

        return new(TenantKind.Regulator, region.Trim(), Guid.Empty, Guid.Empty, userId);
    }

    public static TenantScope ForInstitution(Guid institutionId, Guid userId = default) =>
        institutionId == Guid.Empty
            ? throw new ArgumentException("机构范围必须指定机构 id", nameof(institutionId))
            : new(TenantKind.Institution, "", institutionId, Guid.Empty, userId);

    public static TenantScope ForAgency(Guid agencyId, Guid userId = default) =>
        agencyId == Guid.Empty
            ? throw new ArgumentException("测评机构范围必须指定测评机构 id", nameof(agencyId))
            : new(TenantKind.Agency, "", Guid.Empty, agencyId, userId);

    /// <summary>The scope a platform user works in, from its role.</summary>
    public static TenantScope ForUser(PlatformUser user) => user.Role switch
    {
        UserRole.Admin => System,
        UserRole.RegulatorStaff => ForRegulator(user.Region ?? "", user.Id),
        UserRole.InstitutionStaff => ForInstitution(user.InstitutionId ?? Guid.Empty, user.Id),
        UserRole.AgencyStaff => ForAgency(user.AgencyId ?? Guid.Empty, user.Id),
        _ => throw new ArgumentOutOfRangeException(nameof(user), user.Role, "未知角色"),
    };

    /// <summary>Whether an institution with this id and region lies inside the scope (the same rule as the query filter).</summary>
    public bool CoversInstitution(Guid institutionId, string region) => Kind switch
    {
        TenantKind.System => true,
        TenantKind.Regulator => region.StartsWith(Region, StringComparison.Ordinal),
        TenantKind.Institution => institutionId == InstitutionId,
        _ => false,
    };

    public override string ToString() => Kind switch
    {
        TenantKind.System => "系统",
        TenantKind.Regulator => $"监管部门(区划 {Region})",
        TenantKind.Institution => $"医疗机构({InstitutionId})",
        TenantKind.Agency => $"测评机构({AgencyId})",
        _ => Kind.ToString(),
    };
}
