namespace MedGuard.Domain.Institutions;

/// <summary>Whose contact this is, as the 2025 filing form (表一) asks for them.</summary>
public enum ContactRole
{
    Head = 1,                   // 单位负责人
    SecurityDepartment = 2,     // 网络安全责任部门
    DataSecurityDepartment = 3, // 数据安全管理部门
    Other = 9,
}

/// <summary>A contact person of an institution (联系人).</summary>
public sealed class InstitutionContact
{
    public Guid Id { get; set; } = Guid.NewGuid();

    public Guid InstitutionId { get; set; }

    public ContactRole Role { get; set; } = ContactRole.SecurityDepartment;

    public required string Name { get; set; }

    /// <summary>Department or position (部门/职务).</summary>
    public string? Title { get; set; }

    public string? Phone { get; set; }

    public string? Email { get; set; }
}
