namespace MedGuard.Domain.Findings;

/// <summary>Severity of a detection finding, as the seed grades them: 高 / 中 / 低, plus informational.</summary>
public enum Severity
{
    Info = 0,
    Low = 1,    // 低
    Medium = 2, // 中
    High = 3,   // 高
}

public static class SeverityNames
{
    public static string ToChinese(this Severity severity) => severity switch
    {
        Severity.High => "高",
        Severity.Medium => "中",
        Severity.Low => "低",
        _ => "信息",
    };

    /// <summary>Parses 高/中/低/信息 or high/medium/low/info (any case).</summary>
    public static bool TryParse(string? text, out Severity severity)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "高": case "high": severity = Severity.High; return true;
            case "中": case "medium": severity = Severity.Medium; return true;
            case "低": case "low": severity = Severity.Low; return true;
            case "信息": case "info": severity = Severity.Info; return true;
            default: severity = Severity.Info; return false;
        }
    }

    public static Severity Parse(string text) =>
        TryParse(text, out var s) ? s : throw new FormatException($"未知的严重程度 '{text}'（应为 高/中/低/信息）");
}
