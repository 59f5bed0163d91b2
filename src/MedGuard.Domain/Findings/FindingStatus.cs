namespace MedGuard.Domain.Findings;

/// <summary>Where a stored finding is in its lifecycle (issue 12 §3).</summary>
public enum FindingStatus
{
    New = 1,             // 新发现
    Confirmed = 2,       // 已确认
    InRectification = 3, // 整改中
    Fixed = 4,           // 已修复
    RiskAccepted = 5,    // 风险接受（至某日）
    FalsePositive = 6,   // 误报
}

public static class FindingStatusNames
{
    public static string ToChinese(this FindingStatus status) => status switch
    {
        FindingStatus.New => "新发现",
        FindingStatus.Confirmed => "已确认",
        FindingStatus.InRectification => "整改中",
        FindingStatus.Fixed => "已修复",
        FindingStatus.RiskAccepted => "风险接受",
        FindingStatus.FalsePositive => "误报",
        _ => status.ToString(),
    };

    /// <summary>Open: still to be dealt with (新发现, 已确认, 整改中).</summary>
    public static bool IsOpen(this FindingStatus status) =>
        status is FindingStatus.New or FindingStatus.Confirmed or FindingStatus.InRectification;

    /// <summary>Parses the Chinese names or new/confirmed/in-rectification/fixed/risk-accepted/false-positive (any case).</summary>
    public static bool TryParse(string? text, out FindingStatus status)
    {
        switch (text?.Trim().ToLowerInvariant().Replace('_', '-'))
        {
            case "新发现": case "new": status = FindingStatus.New; return true;
            case "已确认": case "confirmed": status = FindingStatus.Confirmed; return true;
            case "整改中": case "in-rectification": case "inrectification": status = FindingStatus.InRectification; return true;
            case "已修复": case "fixed": status = FindingStatus.Fixed; return true;
            case "风险接受": case "risk-accepted": case "riskaccepted": status = FindingStatus.RiskAccepted; return true;
            case "误报": case "false-positive": case "falsepositive": status = FindingStatus.FalsePositive; return true;
            default: status = default; return false;
        }
    }

    public static FindingStatus Parse(string text) =>
        TryParse(text, out var s) ? s : throw new FormatException($"未知的发现状态 '{text}'（应为 新发现/已确认/整改中/已修复/风险接受/误报）");
}
