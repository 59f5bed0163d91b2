using MedGuard.Domain.Institutions;
using MedGuard.Domain.Systems;
using MedGuard.Server.Lifecycle;
using MedGuard.Storage;

namespace MedGuard.Server.Inventory;

/// <summary>What a new 定级对象 (protected system) is given when it is registered, by the page or the API.</summary>
public sealed record NewSystem(string? Name, GradingObjectType Type, BusinessKind Business, bool IsCore, bool InternetFacing);

/// <summary>
/// The institutions' inventory as the pages and the API both change it: the sector survey's answers (DOMAIN.md §7) and
/// new protected systems. One place for the rules, so a page and an endpoint cannot drift apart.
/// </summary>
public sealed class InventoryService(TimeProvider clock)
{
    public const int MaxSystemNameLength = 200;

    /// <summary>Why a new system cannot be registered as given; empty when it can.</summary>
    public static List<string> Check(NewSystem input)
    {
        var problems = new List<string>();
        var name = input.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > MaxSystemNameLength)
        {
            problems.Add($"请填写定级对象名称（{MaxSystemNameLength} 字以内）");
        }

        if (!Enum.IsDefined(input.Type) || !Enum.IsDefined(input.Business))
        {
            problems.Add("请选择定级对象类型和业务类型");
        }

        return problems;
    }

    /// <summary>Registers a checked system of an institution the context can see (the tenant save guard refuses any
    /// other); <see cref="LifecycleException"/> names what is wrong with the input.</summary>
    public static async Task<ProtectedSystem> AddSystemAsync(MedGuardDbContext db, Guid institutionId, NewSystem input)
    {
        var problems = Check(input);
        if (problems.Count > 0)
        {
            throw new LifecycleException(string.Join("；", problems));
        }

        var system = new ProtectedSystem
        {
            InstitutionId = institutionId,
            Name = input.Name!.Trim(),
            Type = input.Type,
            Business = input.Business,
            IsCore = input.IsCore,
            InternetFacing = input.InternetFacing,
        };
        db.Systems.Add(system);
        await db.SaveChangesAsync();
        return system;
    }

    /// <summary>Saves an institution's survey answers, dated today; refuses negative counts.</summary>
    public async Task SaveSurveyAsync(MedGuardDbContext db, Institution institution, InstitutionSurvey answers)
    {
        if (answers.SecurityStaffCount is < 0 || answers.PersonalDataRecords is < 0)
        {
            throw new LifecycleException("人数和记录量不能为负数");
        }

        var to = institution.Survey;
        to.SecurityStaffCount = answers.SecurityStaffCount;
        to.PersonalDataRecords = answers.PersonalDataRecords;
        to.UsesCryptoDevices = answers.UsesCryptoDevices;
        to.UsesCryptoAlgorithms = answers.UsesCryptoAlgorithms;
        to.UsesDomesticCryptoProducts = answers.UsesDomesticCryptoProducts;
        to.UsesDomesticOperatingSystem = answers.UsesDomesticOperatingSystem;
        to.UsesDomesticDatabase = answers.UsesDomesticDatabase;
        to.UsesDomesticMiddleware = answers.UsesDomesticMiddleware;
        to.LacksProfessionals = answers.LacksProfessionals;
        to.SurveyedOn = DateOnly.FromDateTime(clock.GetLocalNow().DateTime);
        await db.SaveChangesAsync();
    }
}
