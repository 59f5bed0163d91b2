namespace MedGuard.Domain.Systems;

/// <summary>安全保护等级 — the security protection level, 第一级 to 第五级.</summary>
public enum ProtectionLevel
{
    Level1 = 1,
    Level2 = 2,
    Level3 = 3,
    Level4 = 4,
    Level5 = 5,
}

public static class ProtectionLevelNames
{
    private static readonly string[] Numerals = ["", "一", "二", "三", "四", "五"];

    /// <summary>第三级.</summary>
    public static string ToChinese(this ProtectionLevel level) => $"第{Numerals[(int)level]}级";

    /// <summary>The Chinese numeral of a level number (3 → 三), for texts such as 第三级.</summary>
    public static string Numeral(int level) =>
        level is >= 1 and <= 5 ? Numerals[level] : level.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static ProtectionLevel FromNumber(int level) =>
        level is >= 1 and <= 5 ? (ProtectionLevel)level : throw new ArgumentOutOfRangeException(nameof(level), level, "等级应为 1–5");
}
