namespace MedGuard.Standards.Catalog;

public enum RequirementKind
{
    Technical, // 技术要求
    Management, // 管理要求
}

/// <summary>The ten categories (安全类) of GB/T 22239-2019 with their GB/T 28448 codes, in the standard's order.</summary>
public sealed record Category(string Code, string Name, RequirementKind Kind, int Order)
{
    public static readonly IReadOnlyList<Category> All =
    [
        new("PES", "安全物理环境", RequirementKind.Technical, 1),
        new("CNS", "安全通信网络", RequirementKind.Technical, 2),
        new("ABS", "安全区域边界", RequirementKind.Technical, 3),
        new("CES", "安全计算环境", RequirementKind.Technical, 4),
        new("SMC", "安全管理中心", RequirementKind.Technical, 5),
        new("PSS", "安全管理制度", RequirementKind.Management, 6),
        new("ORS", "安全管理机构", RequirementKind.Management, 7),
        new("HRS", "安全管理人员", RequirementKind.Management, 8),
        new("CMS", "安全建设管理", RequirementKind.Management, 9),
        new("MMS", "安全运维管理", RequirementKind.Management, 10),
    ];

    public static Category? FindByCode(string code) => All.FirstOrDefault(c => c.Code == code);

    public static Category? FindByName(string name) => All.FirstOrDefault(c => c.Name == name.Trim());

    public static string KindName(RequirementKind kind) => kind == RequirementKind.Technical ? "技术要求" : "管理要求";
}
