using MedGuard.Domain.Platform;
using MedGuard.Server.Accounts;
using MedGuard.Server.Hosting;
using MedGuard.Server.Lifecycle;
using MedGuard.Storage;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Server.Api;

/// <summary>/api/users (administrators): the platform's accounts, and a new one checked by the same
/// <see cref="AccountService"/> rules as the users page.</summary>
public static class UsersApi
{
    public static void MapUsersApi(this RouteGroupBuilder api)
    {
        api.MapGet("/users", async (MedGuardDbContext db) => Results.Ok(await db.Users.AsNoTracking().OrderBy(u => u.UserName)
            .Select(u => new UserView(u.Id, u.UserName, u.DisplayName, u.Role.ToString(), u.Region, u.InstitutionId, u.AgencyId, u.TotpEnabled, u.Disabled)).ToListAsync()))
            .RequireAuthorization(Policies.Admin);
        api.MapPost("/users", async (NewUserRequest body, MedGuardDbContext db, AccountService accounts) =>
        {
            var role = Enum.TryParse<UserRole>(body.Role, true, out var r) ? r : throw new LifecycleException($"未知的角色 {body.Role}");
            var name = body.UserName?.Trim() ?? "";
            var problems = await accounts.CheckNewUserAsync(db, name, body.Password ?? "");
            if (problems.Count > 0)
            {
                throw new LifecycleException(string.Join("；", problems));
            }

            var user = new PlatformUser
            {
                UserName = name,
                DisplayName = body.DisplayName?.Trim() ?? name,
                Role = role,
                Region = body.Region,
                InstitutionId = body.InstitutionId,
                AgencyId = body.AgencyId,
            };
            accounts.Enrol(db, user, body.Password!); // refuses a regulator without region, an institution user without institution…
            await db.SaveChangesAsync();
            return Results.Created($"/api/users/{user.Id}", new UserView(user.Id, user.UserName, user.DisplayName, user.Role.ToString(), user.Region, user.InstitutionId, user.AgencyId, false, false));
        }).RequireAuthorization(Policies.Admin);
    }
}
