using MedGuard.Domain.Campaigns;

namespace MedGuard.Server.Campaigns;

/// <summary>Chinese names the campaign pages and the API show.</summary>
public static class CampaignNames
{
    public static string ToChinese(this CampaignRoundStatus status) => status switch
    {
        CampaignRoundStatus.Running => "运行中",
        CampaignRoundStatus.Completed => "已完成",
        CampaignRoundStatus.Cancelled => "已取消",
        CampaignRoundStatus.Failed => "超时",
        _ => status.ToString(),
    };

    public static string Detector(string detector) => detector switch
    {
        "ports" => "端口检测",
        "web" => "网站检测",
        "apk" => "App 检测",
        "logic" => "业务逻辑检测",
        _ => detector,
    };

    /// <summary>Bootstrap badge class of a campaign status.</summary>
    public static string Badge(CampaignStatus status) => status switch
    {
        CampaignStatus.Running => "text-bg-primary",
        CampaignStatus.Completed => "text-bg-success",
        CampaignStatus.Cancelled => "text-bg-secondary",
        CampaignStatus.Failed => "text-bg-danger",
        _ => "text-bg-info",
    };
}
