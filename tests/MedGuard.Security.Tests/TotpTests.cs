using MedGuard.Security.Totp;

namespace MedGuard.Security.Tests;

public class TotpTests
{
    [Fact]
    public void CurrentCodeVerifiesOnceThenIsRefusedAsReplay()
    {
        var secret = TotpAuthenticator.NewSecret();
        var now = DateTime.UtcNow;
        var code = TotpAuthenticator.CodeAt(secret, now);
        var step = TotpAuthenticator.Verify(secret, code, now, lastUsedStep: null);
        Assert.NotNull(step);
        Assert.Null(TotpAuthenticator.Verify(secret, code, now, lastUsedStep: step));
    }

    [Fact]
    public void OldOrWrongCodesFail()
    {
        var secret = TotpAuthenticator.NewSecret();
        var now = DateTime.UtcNow;
        Assert.Null(TotpAuthenticator.Verify(secret, TotpAuthenticator.CodeAt(secret, now.AddMinutes(-5)), now, null));
        Assert.Null(TotpAuthenticator.Verify(secret, "12345", now, null));
        Assert.Null(TotpAuthenticator.Verify(secret, "abcdef", now, null));
        Assert.Null(TotpAuthenticator.Verify("not base32 !!", "123456", now, null));
    }

    [Fact]
    public void QrCodeIsAPngDataUriOfTheProvisioningUri()
    {
        var secret = TotpAuthenticator.NewSecret();
        var uri = TotpAuthenticator.QrCodeDataUri(secret, "admin");
        Assert.StartsWith("data:image/png;base64,", uri, StringComparison.Ordinal);
        var png = Convert.FromBase64String(uri["data:image/png;base64,".Length..]);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, png[..4]);
        Assert.Contains("secret=" + secret, TotpAuthenticator.ProvisioningUri(secret, "admin"), StringComparison.Ordinal);
    }
}
