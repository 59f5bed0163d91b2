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

    public static HospitalTier Parse(string text) => text.Trim() switch
    {
        "三甲" or "三级甲等" or "TertiaryA" => HospitalTier.TertiaryA,
        "三级" or "普通三级" or "Tertiary" => HospitalTier.Tertiary,
        "二级" or "Secondary" => HospitalTier.Secondary,
        "一级" or "Primary" => HospitalTier.Primary,
        "其他" or "Other" => HospitalTier.Other,
        _ => throw new FormatException($"未知的医院等级 '{text}'（应为 三甲/三级/二级/一级/其他）"),
    };
}
