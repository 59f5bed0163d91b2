using System.Security.Cryptography;
using MedGuard.Security.Protection;
using MedGuard.Server.Tenancy;
using MedGuard.Storage.Auditing;

namespace MedGuard.Server.Auditing;

/// <summary>
/// Sensitive fields are stored SM4-encrypted (vulnerability evidence, fix evidence, contact phones) and opened only
/// where a page shows them — and every opening is an audited read (查看敏感信息).
/// </summary>
public sealed class SensitiveFields(Sm4FieldProtector protector, AuditTrail audit)
{
    public const string ContactPhone = "contact.phone";
    public const string ItemEvidence = "item.evidence";
    public const string FixEvidence = "rectification.fix-evidence";

    public string? Seal(string? plaintext, string purpose) =>
        string.IsNullOrEmpty(plaintext) ? plaintext : protector.Protect(plaintext, purpose);

    /// <summary>Decrypts for display; a value that fails authentication shows as a marker, never as an error page.</summary>
    public string? Open(string? stored, string purpose)
    {
        if (string.IsNullOrEmpty(stored) || !Sm4FieldProtector.IsProtected(stored))
        {
            return stored;
        }

        try
        {
            return protector.Unprotect(stored, purpose);
        }
        catch (CryptographicException)
        {
            return "【密文校验失败：数据可能被篡改】";
        }
    }

    /// <summary>Records that <paramref name="http"/>'s user read sensitive data of an entity.</summary>
    public Task RecordReadAsync(HttpContext http, string entityType, string entityId, string what) =>
        audit.RecordAsync(new AuditEvent("read-sensitive", entityType, entityId, what).From(http));
}
