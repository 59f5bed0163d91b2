namespace MedGuard.Domain.Systems;

/// <summary>What a hospital system does — the seed's survey asks about HIS in particular.</summary>
public enum BusinessKind
{
    Other = 0,
    His = 1,       // 医院信息系统
    Lis = 2,       // 检验信息系统
    Pacs = 3,      // 影像归档和通信系统
    Emr = 4,       // 电子病历
    Portal = 5,    // 门户网站
    MobileApp = 6, // 移动应用 / 小程序
    WeChat = 7,    // 微信公众号
    Platform = 8,  // 区域/医院信息平台
}
