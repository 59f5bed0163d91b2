using MedGuard.Domain.Findings;

namespace MedGuard.Server.Pages.Findings;

/// <summary>Chinese names and badges of finding values for pages.</summary>
public static class FindingNames
{
    public static string Detector(string detector) => detector switch
    {
        "ports" => "端口与服务",
        "web" => "网站",
        "apk" => "App",
        "logic" => "业务逻辑",
        _ => detector,
    };

    public static string SeverityBadge(Severity severity) => severity switch
    {
        Severity.High => "bg-danger",
        Severity.Medium => "bg-warning text-dark",
        Severity.Low => "bg-info text-dark",
        _ => "bg-secondary",
    };

    /// <summary>The status as a reader wants it: 风险接受 names its end.</summary>
    public static string Status(FindingStatus status, DateOnly? acceptedUntil) =>
        status == FindingStatus.RiskAccepted && acceptedUntil is { } until ? $"风险接受（至 {until:yyyy-MM-dd}）" : status.ToChinese();
}
