using System.Security.Claims;
using MedGuard.Domain.Platform;
using MedGuard.Storage.Tenancy;

namespace MedGuard.Server.Hosting;

/// <summary>The claims the session cookie carries, and the tenant scope they stand for.</summary>
public static class ClaimNames
{
    public const string DisplayName = "display_name";
    public const string RoleName = "role_name";
    public const string Region = "region";
    public const string Institution = "institution";
    public const string Agency = "agency";

    /// <summary>The server-side session (<c>UserSession.Id</c>) the cookie stands for.</summary>
    public const string Session = "sid";

    /// <summary>On the short-lived pending cookie: what the user must do before a session (<see cref="PendingEnrol"/>
    /// or <see cref="PendingPassword"/>).</summary>
    public const string Pending = "pending";

    public const string PendingEnrol = "enrol";

    public const string PendingPassword = "password";

    public static string RoleChinese(UserRole role) => role switch
    {
        UserRole.Admin => "系统管理员",
        UserRole.RegulatorStaff => "监管人员",
        UserRole.InstitutionStaff => "医疗机构人员",
        UserRole.AgencyStaff => "测评机构人员",
        _ => "未知",
    };

    /// <summary>Every role sees findings (weaknesses of hospitals), so every role uses a second factor (等保 三级
    /// 8.1.4.1 d).</summary>
    public static bool RequiresSecondFactor(UserRole role) => Enum.IsDefined(role);

    /// <summary>The claims of a session (<paramref name="session"/> is the server-side id) or of a pending step.</summary>
    public static ClaimsPrincipal Principal(PlatformUser user, string scheme, string? session = null, string? pending = null)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, user.Id.ToString()),
            new(ClaimTypes.Name, user.UserName),
            new(ClaimTypes.Role, user.Role.ToString()),
            new(DisplayName, user.DisplayName),
            new(RoleName, RoleChinese(user.Role)),
        };
        if (user.Region is { } region)
        {
            claims.Add(new(Region, region));
        }

        if (user.InstitutionId is { } institution)
        {
            claims.Add(new(Institution, institution.ToString()));
        }

        if (user.AgencyId is { } agency)
        {
            claims.Add(new(Agency, agency.ToString()));
        }

        if (session is not null)
        {
            claims.Add(new(Session, session));
        }

        if (pending is not null)
        {
            claims.Add(new(Pending, pending));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme));
    }

    public static Guid UserId(this ClaimsPrincipal principal) =>
        Guid.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : Guid.Empty;

    public static UserRole? Role(this ClaimsPrincipal principal) =>
        Enum.TryParse<UserRole>(principal.FindFirstValue(ClaimTypes.Role), out var role) ? role : null;

    /// <summary>The tenant scope of a signed-in principal; throws for anonymous or malformed principals.</summary>
    public static TenantScope Scope(this ClaimsPrincipal principal)
    {
        var userId = principal.UserId();
        return principal.Role() switch
        {
            UserRole.Admin => TenantScope.System,
            UserRole.RegulatorStaff => TenantScope.ForRegulator(principal.FindFirstValue(Region) ?? "", userId),
            UserRole.InstitutionStaff => TenantScope.ForInstitution(Guid.TryParse(principal.FindFirstValue(Institution), out var i) ? i : Guid.Empty, userId),
            UserRole.AgencyStaff => TenantScope.ForAgency(Guid.TryParse(principal.FindFirstValue(Agency), out var a) ? a : Guid.Empty, userId),
            _ => throw new UnauthorizedAccessException("未登录"),
        };
    }
}
