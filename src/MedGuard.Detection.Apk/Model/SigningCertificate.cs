namespace MedGuard.Detection.Apk.Model;

/// <summary>The signing certificate (签名证书) of an APK, from its v1 signature block.</summary>
public sealed record SigningCertificate(string Subject, string Issuer, DateTimeOffset NotBefore, DateTimeOffset NotAfter, string Sha256, string File);
