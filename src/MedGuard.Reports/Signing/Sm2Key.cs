using Org.BouncyCastle.Asn1.GM;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;

namespace MedGuard.Reports.Signing;

/// <summary>
/// An SM2 key pair (GB/T 32918, curve sm2p256v1; signatures over SM3 with the standard's default user ID). The private
/// key comes from a key file outside the database, like the SM4 field key: the hosts read it with
/// <c>FieldKeyFile.LoadOrCreate(path, 32)</c> and pass the bytes here.
/// </summary>
public sealed class Sm2Key
{
    private static readonly X9ECParameters Curve = GMNamedCurves.GetByName("sm2p256v1");
    private static readonly ECDomainParameters Domain = new(Curve.Curve, Curve.G, Curve.N, Curve.H);
    private readonly ECPrivateKeyParameters privateKey;

    /// <param name="secret">32 bytes of key material; reduced into [1, n−1] so any file content of that size is a key.</param>
    public Sm2Key(byte[] secret)
    {
        if (secret.Length != 32)
        {
            throw new ArgumentException("SM2 私钥应为 32 字节", nameof(secret));
        }

        var d = new BigInteger(1, secret).Mod(Curve.N.Subtract(BigInteger.One)).Add(BigInteger.One);
        privateKey = new ECPrivateKeyParameters(d, Domain);
        PublicKeyHex = Convert.ToHexStringLower(Domain.G.Multiply(d).Normalize().GetEncoded(false));
    }

    /// <summary>The public key, uncompressed point (04‖x‖y) in hex.</summary>
    public string PublicKeyHex { get; }

    public byte[] Sign(byte[] message)
    {
        var signer = new SM2Signer(new SM3Digest());
        signer.Init(true, new ParametersWithRandom(privateKey, new SecureRandom()));
        signer.BlockUpdate(message, 0, message.Length);
        return signer.GenerateSignature();
    }

    public static bool Verify(string publicKeyHex, byte[] message, byte[] signature)
    {
        try
        {
            var point = Domain.Curve.DecodePoint(Convert.FromHexString(publicKeyHex));
            var signer = new SM2Signer(new SM3Digest());
            signer.Init(false, new ECPublicKeyParameters(point, Domain));
            signer.BlockUpdate(message, 0, message.Length);
            return signer.VerifySignature(signature);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>SM3 of <paramref name="data"/> in lower-case hex.</summary>
    public static string Sm3Hex(ReadOnlySpan<byte> data)
    {
        var digest = new SM3Digest();
        digest.BlockUpdate(data);
        var output = new byte[digest.GetDigestSize()];
        digest.DoFinal(output, 0);
        return Convert.ToHexStringLower(output);
    }
}
