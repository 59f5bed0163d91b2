using MedGuard.Domain.Platform;
using MedGuard.Server.Accounts;
using MedGuard.Server.Hosting;
using MedGuard.Server.Tenancy;
using MedGuard.Storage;
using MedGuard.Storage.Auditing;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Server.Pages.Admin;

[Authorize(Policy = Policies.Admin)]
public sealed class UsersModel(MedGuardDbContext db, AccountService accounts) : PageModel
{
    public sealed class NewUserInput
    {
        public string UserName { get; set; } = "";

        public string DisplayName { get; set; } = "";

        public string Password { get; set; } = "";

        public UserRole Role { get; set; } = UserRole.InstitutionStaff;

        public string? Tenant { get; set; }
    }

    public IReadOnlyList<PlatformUser> Users { get; private set; } = [];

    public Dictionary<Guid, string> Tenants { get; private set; } = [];

    public List<string> Errors { get; } = [];

    public string? Message { get; private set; }

    [BindProperty]
    public NewUserInput NewUser { get; set; } = new();

    public string TenantName(PlatformUser u) =>
        Tenants.GetValueOrDefault(u.InstitutionId ?? u.AgencyId ?? Guid.Empty) ?? (u.Role == UserRole.Admin ? "全部" : "");

    public async Task OnGetAsync()
    {
        Message = TempData["message"] as string;
        await LoadAsync();
    }

    public async Task<IActionResult> OnPostCreateAsync()
    {
        var name = NewUser.UserName.Trim();
        Errors.AddRange(await accounts.CheckNewUserAsync(db, name, NewUser.Password));
        var user = new PlatformUser { UserName = name, DisplayName = NewUser.DisplayName.Trim(), Role = NewUser.Role };
        var tenant = NewUser.Tenant?.Trim() ?? "";
        switch (NewUser.Role)
        {
            case UserRole.RegulatorStaff:
                if (!System.Text.RegularExpressions.Regex.IsMatch(tenant, "^[0-9]{2,12}$"))
                {
                    Errors.Add("监管人员须填写其行政区划代码（如 11、110108）");
                }

                user.Region = tenant;
                break;
            case UserRole.InstitutionStaff:
                user.InstitutionId = await db.Institutions.Where(i => i.Name == tenant).Select(i => (Guid?)i.Id).FirstOrDefaultAsync();
                if (user.InstitutionId is null)
                {
                    Errors.Add($"找不到医疗机构“{tenant}”");
                }

                break;
            case UserRole.AgencyStaff:
                user.AgencyId = await db.Agencies.Where(a => a.Name == tenant).Select(a => (Guid?)a.Id).FirstOrDefaultAsync();
                if (user.AgencyId is null)
                {
                    Errors.Add($"找不到测评机构“{tenant}”");
                }

                break;
        }

        if (Errors.Count > 0)
        {
            await LoadAsync();
            return Page();
        }

        accounts.Enrol(db, user, NewUser.Password);
        await db.SaveChangesAsync();
        TempData["message"] = $"已创建用户 {user.UserName}";
        return RedirectToPage();
    }

    public Task<IActionResult> OnPostToggleAsync(Guid userId) => ChangeAsync(userId, u =>
    {
        if (u.Id == User.UserId())
        {
            return "不能停用自己的账号";
        }

        u.Disabled = !u.Disabled;
        return u.Disabled ? $"已停用 {u.UserName}" : $"已启用 {u.UserName}";
    });

    public Task<IActionResult> OnPostUnlockAsync(Guid userId) => ChangeAsync(userId, u =>
    {
        u.LockoutUntil = null;
        u.FailedLoginCount = 0;
        return $"已解锁 {u.UserName}";
    });

    public Task<IActionResult> OnPostResetTotpAsync(Guid userId) => ChangeAsync(userId, u =>
    {
        u.TotpEnabled = false;
        u.TotpSecretEncrypted = null;
        return $"已重置 {u.UserName} 的动态口令，下次登录时重新绑定";
    });

    /// <summary>强制重置口令: every session of the user ends now; the next login must set a new password.</summary>
    public async Task<IActionResult> OnPostForceResetAsync(Guid userId)
    {
        var user = await accounts.ForcePasswordResetAsync(userId, new AuditEvent("password-reset-forced").From(HttpContext));
        if (user is null)
        {
            return NotFound();
        }

        TempData["message"] = $"已要求 {user.UserName} 重置口令：其登录已全部结束，下次登录时须设置新口令";
        return RedirectToPage();
    }

    private async Task<IActionResult> ChangeAsync(Guid userId, Func<PlatformUser, string> change)
    {
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == userId);
        if (user is null)
        {
            return NotFound();
        }

        TempData["message"] = change(user);
        await db.SaveChangesAsync();
        return RedirectToPage();
    }

    private async Task LoadAsync()
    {
        Users = await db.Users.AsNoTracking().OrderBy(u => u.Role).ThenBy(u => u.UserName).ToListAsync();
        var institutionIds = Users.Where(u => u.InstitutionId is not null).Select(u => u.InstitutionId!.Value).ToList();
        var agencyIds = Users.Where(u => u.AgencyId is not null).Select(u => u.AgencyId!.Value).ToList();
        Tenants = (await db.Institutions.Where(i => institutionIds.Contains(i.Id)).Select(i => new { i.Id, i.Name }).ToListAsync())
            .Concat(await db.Agencies.Where(a => agencyIds.Contains(a.Id)).Select(a => new { a.Id, a.Name }).ToListAsync())
            .ToDictionary(x => x.Id, x => x.Name);
    }
}
