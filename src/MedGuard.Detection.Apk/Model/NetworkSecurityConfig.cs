namespace MedGuard.Detection.Apk.Model;

/// <summary>What the app's network security config (网络安全配置) allows.</summary>
public sealed record NetworkSecurityConfig(string Path, bool CleartextPermitted, IReadOnlyList<string> CleartextDomains, bool TrustsUserCertificates);
