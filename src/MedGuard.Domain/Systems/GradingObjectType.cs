namespace MedGuard.Domain.Systems;

/// <summary>Types of grading object (定级对象) per GB/T 22240-2020 and the 2025 filing form.</summary>
public enum GradingObjectType
{
    InformationSystem = 1,   // 信息系统 (其他信息系统: HIS, LIS, PACS, EMR, portal…)
    BasicNetwork = 2,        // 基础信息网络 / 通信网络设施
    CloudPlatform = 3,       // 云计算平台
    MobileInternet = 4,      // 采用移动互联技术的系统
    InternetOfThings = 5,    // 物联网
    IndustrialControl = 6,   // 工业控制系统
    BigData = 7,             // 大数据 (平台/应用/资源)
    DataResource = 8,        // 数据资源 (2025 filing form)
    SingleDevice = 99,       // 单一设备 — never a grading object; kept so that the error can be named
}
