using MedGuard.Domain.Assessment;
using MedGuard.Domain.Systems;

namespace MedGuard.Server.Pages;

/// <summary>Chinese names of domain values for pages.</summary>
public static class Names
{
    public static string ObjectType(GradingObjectType type) => type switch
    {
        GradingObjectType.InformationSystem => "信息系统",
        GradingObjectType.BasicNetwork => "基础信息网络",
        GradingObjectType.CloudPlatform => "云计算平台",
        GradingObjectType.MobileInternet => "移动互联系统",
        GradingObjectType.InternetOfThings => "物联网",
        GradingObjectType.IndustrialControl => "工业控制系统",
        GradingObjectType.BigData => "大数据",
        GradingObjectType.DataResource => "数据资源",
        _ => "单一设备（不可定级）",
    };

    public static string Business(BusinessKind kind) => kind switch
    {
        BusinessKind.His => "HIS",
        BusinessKind.Lis => "LIS",
        BusinessKind.Pacs => "PACS",
        BusinessKind.Emr => "EMR",
        BusinessKind.Portal => "门户网站",
        BusinessKind.MobileApp => "移动应用",
        BusinessKind.WeChat => "微信公众号",
        BusinessKind.Platform => "信息平台",
        _ => "其他",
    };

    public static string Status(RectificationStatus status) => status switch
    {
        RectificationStatus.Open => "待整改",
        RectificationStatus.InProgress => "整改中",
        RectificationStatus.Fixed => "已整改待复测",
        RectificationStatus.Verified => "复测通过",
        _ => "风险接受",
    };
}
