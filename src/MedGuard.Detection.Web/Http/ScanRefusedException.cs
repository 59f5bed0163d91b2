namespace MedGuard.Detection.Web.Http;

/// <summary>The pipeline refused to send a request: outside scope, over budget, host skipped, or unsafe method.</summary>
public class ScanRefusedException(string message) : Exception(message);

public sealed class OutOfScopeException(Uri url) : ScanRefusedException($"{url} 不在授权检测范围内，已拒绝发送")
{
    public Uri Url { get; } = url;
}

public sealed class RequestBudgetExhaustedException(string host, int budget)
    : ScanRefusedException($"主机 {host} 的请求预算（{budget} 个）已用完");

public sealed class HostSkippedException(string host)
    : ScanRefusedException($"主机 {host} 连续失败次数过多，已跳过");

public sealed class UnsafeMethodException(string method)
    : ScanRefusedException($"安全模式下不发送 {method} 请求");
