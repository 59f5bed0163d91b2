namespace MedGuard.Detection.Web.Scanning;

/// <summary>The start URL got no response at all: a scan that reached nothing must not look like a clean site.</summary>
public sealed class SiteUnreachableException(Uri target, string reason)
    : Exception($"无法访问 {target}：{reason}。没有检测任何内容，请确认地址、端口和协议（http/https）后重试")
{
    public Uri Target { get; } = target;

    public string Reason { get; } = reason;
}
