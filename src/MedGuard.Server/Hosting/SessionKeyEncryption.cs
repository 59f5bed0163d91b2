using System.Xml.Linq;
using MedGuard.Security.Protection;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace MedGuard.Server.Hosting;

/// <summary>
/// The session-cookie key ring at rest (data/keys/session-keys/*.xml): each key's XML is encrypted with SM4-GCM under
/// the platform's field key, so the folder alone (a backup, a copied disk) cannot forge or read session cookies.
/// </summary>
public static class SessionKeyEncryption
{
    public const string Purpose = "dataprotection.keyring";

    /// <summary>Data protection for the platform: keys beside the SM4 key, encrypted with it.</summary>
    public static IDataProtectionBuilder AddMedGuardDataProtection(this IServiceCollection services, string keyDirectory, Sm4FieldProtector protector)
    {
        services.AddSingleton(protector);
        var builder = services.AddDataProtection()
            .SetApplicationName("MedGuard")
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(keyDirectory, "session-keys")));
        services.Configure<KeyManagementOptions>(o => o.XmlEncryptor = new Sm4XmlEncryptor(protector));
        return builder;
    }
}

/// <summary>Writes a key's XML as SM4-GCM ciphertext; <see cref="Sm4XmlDecryptor"/> reads it back.</summary>
public sealed class Sm4XmlEncryptor(Sm4FieldProtector protector) : IXmlEncryptor
{
    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var ciphertext = protector.Protect(plaintextElement.ToString(SaveOptions.DisableFormatting), SessionKeyEncryption.Purpose);
        return new EncryptedXmlInfo(new XElement("sm4EncryptedKey", new XComment(" 会话密钥，已用 SM4 字段密钥加密 "), new XElement("value", ciphertext)), typeof(Sm4XmlDecryptor));
    }
}

/// <summary>Created by the data-protection system by type name, with the application's services.</summary>
public sealed class Sm4XmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        var protector = services.GetRequiredService<Sm4FieldProtector>();
        var value = encryptedElement.Element("value")?.Value ?? throw new InvalidDataException("会话密钥文件缺少密文");
        return XElement.Parse(protector.Unprotect(value, SessionKeyEncryption.Purpose));
    }
}
