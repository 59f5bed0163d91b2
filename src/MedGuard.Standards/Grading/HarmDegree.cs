namespace MedGuard.Standards.Grading;

/// <summary>侵害程度 — the degree of harm to the object.</summary>
public enum HarmDegree
{
    General = 1,  // 一般损害
    Serious = 2,  // 严重损害
    Critical = 3, // 特别严重损害
}

public static class HarmDegrees
{
    public static string ToChinese(this HarmDegree degree) => degree switch
    {
        HarmDegree.General => "一般损害",
        HarmDegree.Serious => "严重损害",
        _ => "特别严重损害",
    };

    public static string Key(this HarmDegree degree) => degree switch
    {
        HarmDegree.General => "general",
        HarmDegree.Serious => "serious",
        _ => "critical",
    };

    public static HarmDegree Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "general" or "一般" or "一般损害" => HarmDegree.General,
        "serious" or "严重" or "严重损害" => HarmDegree.Serious,
        "critical" or "特别严重" or "特别严重损害" => HarmDegree.Critical,
        _ => throw new FormatException($"未知的侵害程度 '{text}'（应为 general/serious/critical 或 一般/严重/特别严重）"),
    };
}
