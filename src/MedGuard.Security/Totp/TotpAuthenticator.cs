using OtpNet;
using QRCoder;

namespace MedGuard.Security.Totp;

/// <summary>
/// 双因素认证 — RFC 6238 TOTP (30 s, 6 digits, SHA-1, as every authenticator app expects) for the second factor that
/// 等保 三级 asks of administrators (8.1.4.1 d): 两种或两种以上组合的鉴别技术).
/// </summary>
public sealed class TotpAuthenticator
{
    public const string Issuer = "MedGuard医盾";

    public static string NewSecret() => Base32Encoding.ToString(KeyGeneration.GenerateRandomKey(20));

    public static string CodeAt(string secret, DateTime utc) => new OtpNet.Totp(Base32Encoding.ToBytes(secret)).ComputeTotp(utc);

    /// <summary>
    /// Verifies <paramref name="code"/> within one step either side of now. Returns the matched time step so that the
    /// caller can store it and refuse the same code a second time (replay), or null when the code is wrong or was used.
    /// </summary>
    public static long? Verify(string secret, string? code, DateTime utcNow, long? lastUsedStep)
    {
        code = code?.Trim().Replace(" ", "", StringComparison.Ordinal);
        if (string.IsNullOrEmpty(code) || code.Length != 6 || !code.All(char.IsAsciiDigit))
        {
            return null;
        }

        byte[] key;
        try
        {
            key = Base32Encoding.ToBytes(secret);
        }
        catch (ArgumentException)
        {
            return null;
        }

        var totp = new OtpNet.Totp(key);
        if (!totp.VerifyTotp(utcNow, code, out var step, new VerificationWindow(previous: 1, future: 1)))
        {
            return null;
        }

        return lastUsedStep is { } last && step <= last ? null : step;
    }

    public static string ProvisioningUri(string secret, string userName) =>
        $"otpauth://totp/{Uri.EscapeDataString(Issuer)}:{Uri.EscapeDataString(userName)}?secret={secret}&issuer={Uri.EscapeDataString(Issuer)}&digits=6&period=30";

    /// <summary>The enrolment QR code as a PNG data URI, ready for an &lt;img src&gt;.</summary>
    public static string QrCodeDataUri(string secret, string userName)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(ProvisioningUri(secret, userName), QRCodeGenerator.ECCLevel.M);
        var png = new PngByteQRCode(data).GetGraphic(5);
        return "data:image/png;base64," + Convert.ToBase64String(png);
    }
}
