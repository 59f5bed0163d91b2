using System.Text;
using System.Text.Json;

namespace MedGuard.Reports.Signing;

/// <summary>
/// What a signed document carries (docs/reports.md): signer, time, the SM3 digest of the signed content, the manifest
/// of the parts it covers (name → SM3), the signer's SM2 public key and the signature. The signed message is
/// <see cref="Message"/>: signer, time and format are signed with the manifest, so none can be changed alone.
/// </summary>
public sealed record DocumentSignature
{
    public const string Algorithm = "SM2-SM3";

    public required string Signer { get; init; }

    public required DateTimeOffset SignedAt { get; init; }

    public required string Format { get; init; }

    public required IReadOnlyList<PartHash> Manifest { get; init; }

    public required string PublicKey { get; init; }

    /// <summary>SM3 of <see cref="Message"/>: the document's content hash as printed by verify.</summary>
    public string Digest { get; init; } = "";

    public string Signature { get; init; } = "";

    public byte[] Message()
    {
        var sb = new StringBuilder();
        sb.Append("MEDGUARD-SIGNATURE v1\n").Append("algorithm=").Append(Algorithm).Append('\n')
          .Append("signer=").Append(Signer).Append('\n')
          .Append("signedAt=").Append(SignedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture)).Append('\n')
          .Append("format=").Append(Format).Append('\n').Append("publicKey=").Append(PublicKey).Append('\n');
        foreach (var p in Manifest)
        {
            sb.Append(p.Name).Append('\t').Append(p.Sm3).Append('\n');
        }

        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    public static DocumentSignature Create(Sm2Key key, string signer, DateTimeOffset at, string format, IReadOnlyList<PartHash> manifest)
    {
        var unsigned = new DocumentSignature { Signer = signer, SignedAt = at, Format = format, Manifest = manifest, PublicKey = key.PublicKeyHex };
        var message = unsigned.Message();
        return unsigned with { Digest = Sm2Key.Sm3Hex(message), Signature = Convert.ToHexStringLower(key.Sign(message)) };
    }

    public bool SignatureValid() =>
        Sm2Key.Sm3Hex(Message()) == Digest && Sm2Key.Verify(PublicKey, Message(), Convert.FromHexString(Signature));

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public static DocumentSignature? FromJson(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<DocumentSignature>(json, JsonOptions);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}

/// <summary>One covered part: a zip entry of a docx/xlsx, or a PDF object (obj N), the PDF's cross-reference and trailer, or its whole body.</summary>
public sealed record PartHash(string Name, string Sm3);
