using System.Security.Cryptography;
using MedGuard.Security.Protection;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;

namespace MedGuard.Security.Tests;

public class Sm4FieldProtectorTests
{
    [Fact]
    public void Sm4EngineMatchesTheStandardVector()
    {
        // GB/T 32907-2016 Appendix A example 1.
        var key = Convert.FromHexString("0123456789abcdeffedcba9876543210");
        var engine = new SM4Engine();
        engine.Init(true, new KeyParameter(key));
        var output = new byte[16];
        engine.ProcessBlock(key, 0, output, 0);
        Assert.Equal("681edf34d206965e86b3e94f536e4246", Convert.ToHexStringLower(output));
    }

    [Fact]
    public void RoundTripsAndBindsThePurpose()
    {
        var protector = new Sm4FieldProtector(RandomNumberGenerator.GetBytes(16));
        var stored = protector.Protect("患者 张三 银行卡 6222020200112233445", "evidence");
        Assert.StartsWith(Sm4FieldProtector.Prefix, stored, StringComparison.Ordinal);
        Assert.DoesNotContain("张三", stored, StringComparison.Ordinal);
        Assert.Equal("患者 张三 银行卡 6222020200112233445", protector.Unprotect(stored, "evidence"));
        Assert.Throws<CryptographicException>(() => protector.Unprotect(stored, "contact-phone"));
    }

    [Fact]
    public void TamperedCiphertextOrWrongKeyFails()
    {
        var key = RandomNumberGenerator.GetBytes(16);
        var stored = new Sm4FieldProtector(key).Protect("13800138000", "phone");
        var bytes = Convert.FromBase64String(stored[Sm4FieldProtector.Prefix.Length..]);
        bytes[14] ^= 1;
        var tampered = Sm4FieldProtector.Prefix + Convert.ToBase64String(bytes);
        Assert.Throws<CryptographicException>(() => new Sm4FieldProtector(key).Unprotect(tampered, "phone"));
        Assert.Throws<CryptographicException>(() => new Sm4FieldProtector(RandomNumberGenerator.GetBytes(16)).Unprotect(stored, "phone"));
        Assert.Throws<CryptographicException>(() => new Sm4FieldProtector(key).Unprotect("sm4gcm:short", "phone"));
    }

    [Fact]
    public void KeyFileIsCreatedOnceWithOwnerOnlyMode()
    {
        var dir = Path.Combine(Path.GetTempPath(), "medguard-key-" + Guid.NewGuid().ToString("N"));
        try
        {
            var path = Path.Combine(dir, "keys", "sm4.key");
            var first = FieldKeyFile.LoadOrCreate(path);
            var second = FieldKeyFile.LoadOrCreate(path);
            Assert.Equal(first, second);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            }

            File.WriteAllText(path, "zz");
            Assert.Throws<InvalidDataException>(() => FieldKeyFile.LoadOrCreate(path));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
