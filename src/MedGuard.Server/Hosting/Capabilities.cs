using System.Security.Claims;
using MedGuard.Domain.Platform;

namespace MedGuard.Server.Hosting;

/// <summary>
/// What each role may do, on top of the tenant scope (which decides on which data): regulators oversee and change
/// nothing; institutions keep their own inventory, grading, filing and rectification; agencies enter assessments of
/// the systems assigned to them; administrators do everything.
/// </summary>
public static class Capabilities
{
    public static bool CanEditInventory(this ClaimsPrincipal user) => user.Role() is UserRole.Admin or UserRole.InstitutionStaff;

    public static bool CanAssess(this ClaimsPrincipal user) => user.Role() is UserRole.Admin or UserRole.AgencyStaff or UserRole.InstitutionStaff;

    public static bool CanRectify(this ClaimsPrincipal user) => user.Role() is UserRole.Admin or UserRole.InstitutionStaff;

    /// <summary>复测 — a re-test result is entered by the assessor (or an administrator).</summary>
    public static bool CanRetest(this ClaimsPrincipal user) => user.Role() is UserRole.Admin or UserRole.AgencyStaff;

    public static bool SeesSector(this ClaimsPrincipal user) => user.Role() is UserRole.Admin or UserRole.RegulatorStaff;

    /// <summary>The sector figures page: a hospital sees its own (本院态势) beside its tier's average.</summary>
    public static bool SeesOwnSituation(this ClaimsPrincipal user) => user.Role() is UserRole.InstitutionStaff;
}
