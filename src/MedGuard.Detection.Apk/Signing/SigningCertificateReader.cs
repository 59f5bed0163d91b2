using System.Buffers.Binary;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MedGuard.Detection.Apk.Model;
using MedGuard.Detection.Apk.Zip;

namespace MedGuard.Detection.Apk.Signing;

/// <summary>
/// Finds the signing certificates: from the v1 signature (META-INF/*.RSA|DSA|EC, a PKCS#7 SignedData) or, when the
/// APK has none, from the v2 block (APK Signing Block, ID 0x7109871a) right before the central directory.
/// </summary>
public static class SigningCertificateReader
{
    public static IReadOnlyList<SigningCertificate> Read(ZipArchiveReader zip)
    {
        var result = new List<SigningCertificate>();
        foreach (var entry in zip.Entries.Where(e => e.Name.StartsWith("META-INF/", StringComparison.OrdinalIgnoreCase)
            && (e.Name.EndsWith(".RSA", StringComparison.OrdinalIgnoreCase) || e.Name.EndsWith(".DSA", StringComparison.OrdinalIgnoreCase) || e.Name.EndsWith(".EC", StringComparison.OrdinalIgnoreCase))))
        {
            try
            {
                foreach (var der in CertificatesOfPkcs7(zip.Read(entry)))
                {
                    result.Add(Describe(der, entry.Name));
                }
            }
            catch (Exception ex) when (ex is AsnContentException or CryptographicException or ApkFormatException)
            {
                // A broken signature file is reported as "no certificate", not as a broken APK.
            }
        }

        if (result.Count == 0)
        {
            try
            {
                result.AddRange(CertificatesOfV2Block(zip).Select(der => Describe(der, "APK Signing Block v2")));
            }
            catch (Exception ex) when (ex is CryptographicException or ArgumentOutOfRangeException)
            {
            }
        }

        return result;
    }

    private static SigningCertificate Describe(byte[] der, string file)
    {
        using var cert = X509CertificateLoader.LoadCertificate(der);
        return new SigningCertificate(cert.Subject, cert.Issuer, cert.NotBefore.ToUniversalTime(), cert.NotAfter.ToUniversalTime(),
            Convert.ToHexStringLower(SHA256.HashData(der)), file);
    }

    private static List<byte[]> CertificatesOfPkcs7(byte[] data)
    {
        var certs = new List<byte[]>();
        var contentInfo = new AsnReader(data, AsnEncodingRules.BER).ReadSequence();
        contentInfo.ReadObjectIdentifier();
        var signedData = contentInfo.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0)).ReadSequence();
        signedData.ReadInteger();
        signedData.ReadSetOf();
        signedData.ReadSequence();
        var tag0 = new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true);
        if (signedData.HasData && signedData.PeekTag().HasSameClassAndValue(tag0))
        {
            var set = signedData.ReadSetOf(tag0);
            while (set.HasData)
            {
                certs.Add(set.ReadEncodedValue().ToArray());
            }
        }

        return certs;
    }

    private static List<byte[]> CertificatesOfV2Block(ZipArchiveReader zip)
    {
        var certs = new List<byte[]>();
        var data = zip.RawBytes;
        var cd = (int)zip.CentralDirectoryOffset;
        if (cd < 32 || !data.Slice(cd - 16, 16).SequenceEqual("APK Sig Block 42"u8))
        {
            return certs;
        }

        var size = BinaryPrimitives.ReadInt64LittleEndian(data[(cd - 24)..]);
        if (size < 24 || size > cd - 8)
        {
            return certs;
        }

        var pairs = data[(int)(cd - size - 8 + 8)..(cd - 24)];
        while (pairs.Length >= 12)
        {
            var length = BinaryPrimitives.ReadInt64LittleEndian(pairs);
            if (length < 4 || length > pairs.Length - 8)
            {
                break;
            }

            var id = BinaryPrimitives.ReadUInt32LittleEndian(pairs[8..]);
            var value = pairs.Slice(12, (int)length - 4);
            if (id is 0x7109871a or 0xf05368c0)
            {
                // signers → signer → signed data → (digests, certificates)
                var signers = LengthPrefixed(ref value);
                while (signers.Length > 4)
                {
                    var signer = LengthPrefixed(ref signers);
                    var signedData = LengthPrefixed(ref signer);
                    _ = LengthPrefixed(ref signedData);
                    var certificates = LengthPrefixed(ref signedData);
                    while (certificates.Length > 4)
                    {
                        certs.Add(LengthPrefixed(ref certificates).ToArray());
                    }
                }

                break;
            }

            pairs = pairs[(int)(8 + length)..];
        }

        return certs;
    }

    private static ReadOnlySpan<byte> LengthPrefixed(ref ReadOnlySpan<byte> span)
    {
        if (span.Length < 4)
        {
            throw new ArgumentOutOfRangeException(nameof(span));
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(span);
        if (length < 0 || length > span.Length - 4)
        {
            throw new ArgumentOutOfRangeException(nameof(span));
        }

        var value = span.Slice(4, length);
        span = span[(4 + length)..];
        return value;
    }
}
