namespace MedGuard.Domain.Institutions;

/// <summary>Hospital grade as the seed's survey splits the sector (医院等级).</summary>
public enum HospitalTier
{
    TertiaryA = 1, // 三甲
    Tertiary = 2,  // 三级 (普通三级)
    Secondary = 3, // 二级
    Primary = 4,   // 一级
    Other = 9,     // 其他 (public-health bodies, centres…)
}

public static class HospitalTierNames
{
    public static string ToChinese(this HospitalTier tier) => tier switch
    {
        HospitalTier.TertiaryA => "三甲",
        HospitalTier.Tertiary => "三级",
        HospitalTier.Secondary => "二级",
        HospitalTier.Primary => "一级",
        _ => "其他",
    };

    /// <summary>The grade as hospitals write it: the survey's five groups, and the 等次 (甲/乙/丙) within a level, which
    /// the survey does not split below 三甲 (三乙 counts as 三级, 二甲 as 二级).</summary>
    public static HospitalTier Parse(string text) => text.Trim() switch
    {
        "三甲" or "三级甲等" or "TertiaryA" => HospitalTier.TertiaryA,
        "三级" or "普通三级" or "三乙" or "三级乙等" or "三丙" or "三级丙等" or "Tertiary" => HospitalTier.Tertiary,
        "二级" or "二甲" or "二级甲等" or "二乙" or "二级乙等" or "二丙" or "二级丙等" or "Secondary" => HospitalTier.Secondary,
        "一级" or "一甲" or "一级甲等" or "一乙" or "一级乙等" or "一丙" or "一级丙等" or "Primary" => HospitalTier.Primary,
        "其他" or "Other" => HospitalTier.Other,
        _ => throw new FormatException($"未知的医院等级 '{text}'（应为 三甲/三乙/三级/二甲/二乙/二级/一级/其他）"),
    };
}
