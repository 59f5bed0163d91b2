using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MedGuard.TestTargets.HospitalPortal;

/// <summary>
/// Certificates for the portal's https listener. Vulnerable: self-signed, expired, issued for another host name,
/// (OpenSSL 3 refuses to serve RSA 1024, so the weak-key check is tested on a certificate object). Hardened: issued by a test CA (which the tests trust) for 127.0.0.1, valid, RSA 2048, SHA-256.
/// </summary>
public static class PortalCertificates
{
    public static (X509Certificate2 Server, X509Certificate2? Root) Create(PortalMode mode)
    {
        var now = DateTimeOffset.UtcNow;
        if (mode == PortalMode.Vulnerable)
        {
            using var weak = RSA.Create(2048);
            var request = new CertificateRequest("CN=his.hospital.test", weak, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            var san = new SubjectAlternativeNameBuilder();
            san.AddDnsName("his.hospital.test");
            request.CertificateExtensions.Add(san.Build());
            using var cert = request.CreateSelfSigned(now.AddDays(-400), now.AddDays(-30));
            return (Exportable(cert), null);
        }

        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=MedGuard Test Root CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = caRequest.CreateSelfSigned(now.AddDays(-2), now.AddDays(30));

        using var key = RSA.Create(2048);
        var leafRequest = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        leafRequest.CertificateExtensions.Add(names.Build());
        leafRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var leaf = leafRequest.Create(ca, now.AddDays(-1), now.AddDays(20), RandomNumberGenerator.GetBytes(12));
        using var withKey = leaf.CopyWithPrivateKey(key);
        return (Exportable(withKey), X509CertificateLoader.LoadCertificate(ca.Export(X509ContentType.Cert)));
    }

    // Kestrel on Linux needs the private key in an exportable, re-imported form.
    private static X509Certificate2 Exportable(X509Certificate2 cert) =>
        X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pkcs12, ""), "", X509KeyStorageFlags.Exportable);
}
