using System.Security.Claims;
using MedGuard.Server.Hosting;

namespace MedGuard.Server.Lifecycle;

/// <summary>How a decision records who made it: the user's display name, else the account name.</summary>
public static class ActorNames
{
    public static string DisplayName(this ClaimsPrincipal user)
    {
        var name = user.FindFirstValue(ClaimNames.DisplayName);
        name = string.IsNullOrWhiteSpace(name) ? user.Identity?.Name ?? "未知用户" : name;
        return name.Length <= 100 ? name : name[..100];
    }
}
