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

    public static string RoleChinese(UserRole role) => role switch
    {
        UserRole.Admin => "系统管理员",
        UserRole.RegulatorStaff => "监管人员",
        UserRole.InstitutionStaff => "医疗机构人员",
        UserRole.AgencyStaff => "测评机构人员",
        _ => "未知",
    };

    /// <summary>Administrators and regulator staff must use a second factor (等保 三级 8.1.4.1 d).</summary>
    public static bool RequiresSecondFactor(UserRole role) => role is UserRole.Admin or UserRole.RegulatorStaff;

    public static ClaimsPrincipal Principal(PlatformUser user, string scheme)
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
