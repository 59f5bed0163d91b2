namespace MedGuard.Storage.Sector;

/// <summary>
/// The 15 APK risk kinds in the order the report prints its per-app table (DOMAIN.md §6), by the titles the APK rules
/// give their findings (several rules share one kind: three certificate checks, static and dynamic receivers).
/// </summary>
public static class ApkRiskKinds
{
    public static IReadOnlyList<string> Titles { get; } =
    [
        "WebView组件系统隐藏接口未移除漏洞",
        "Android平台WebView控件跨域访问高危漏洞",
        "Android主机名\\证书弱校验风险",
        "WebView File域同源策略绕过漏洞",
        "Webview绕过证书校验漏洞",
        "WebView控件AddJavaScriptInterface导致任意命令执行漏洞",
        "Android弱加密风险",
        "allowBackUp文件备份漏洞",
        "Activity组件暴露风险",
        "Service组件暴露风险",
        "ContentProvider组件暴露风险",
        "Broadcast Receiver组件暴露风险（含动态注册）",
        "SendBroadcast信息泄漏风险",
        "Android应用拒绝服务漏洞",
        "ZIP文件解压目录遍历风险",
    ];
}
