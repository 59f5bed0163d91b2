namespace MedGuard.Reports.Inputs;

/// <summary>The operating unit (运营使用单位) as the platform holds it; null fields print as marked blanks.</summary>
public sealed record UnitFacts
{
    public required string Name { get; init; }

    public string? CreditCode { get; init; }        // 统一社会信用代码

    public string? Address { get; init; }

    public string? RegionCode { get; init; }        // 行政区划代码

    public string? RegionName { get; init; }

    public string? Tier { get; init; }              // 三甲 / 三级 / 二级…

    public bool DirectlyAffiliated { get; init; }   // 委属/直属

    public ContactFacts? Head { get; init; }        // 单位负责人

    public ContactFacts? SecurityDepartment { get; init; }      // 网络安全责任部门

    public ContactFacts? DataSecurityDepartment { get; init; }  // 数据安全管理部门

    /// <summary>≥ 100 万条个人信息 etc. come from the sector survey; null when not answered.</summary>
    public long? PersonalDataRecords { get; init; }
}

public sealed record ContactFacts(string Name, string? Title, string? Phone, string? Email);
