using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace MedGuard.Reports.Signing;

public enum VerificationStatus
{
    Valid,    // 有效
    Altered,  // 已被修改
    Unsigned, // 未签名
}

/// <summary>The verdict on a file: valid, altered (with what changed), or unsigned.</summary>
public sealed record VerificationResult(VerificationStatus Status, DocumentSignature? Signature, IReadOnlyList<string> Changes, bool? TrustedKey = null)
{
    /// <summary>One Chinese line for people: 签名有效（签名人 …）/ 文件已被修改：… / 文件未签名.</summary>
    public string Message => Status switch
    {
        VerificationStatus.Valid => $"签名有效：签名人 {Signature!.Signer}，签名时间 {Signature.SignedAt:yyyy-MM-dd HH:mm:ss zzz}，SM3 摘要 {Signature.Digest}"
            + (TrustedKey == false ? "（注意：签名公钥不是本平台的签名公钥）" : TrustedKey == true ? "（本平台签名公钥）" : ""),
        VerificationStatus.Altered => "签名验证失败，文件已被修改：" + string.Join("；", Changes),
        _ => "文件未签名（没有 MedGuard SM2 签名）",
    };
}

/// <summary>
/// SM2 signatures of generated documents (design in docs/reports.md):
/// <list type="bullet">
/// <item>docx / xlsx: every zip entry is hashed with SM3 (the manifest); the signature is a custom XML part
/// <c>customXml/medguardSignature.xml</c> (declared in [Content_Types].xml before hashing, so the declaration is
/// covered). Verify names the entries changed, added or removed (word/document.xml, xl/worksheets/sheet2.xml…).</item>
/// <item>PDF: a trailing signed block after the file's %%EOF — a comment line <c>%MEDGUARD-SIGNATURE base64(JSON)</c>
/// followed by the original startxref and %%EOF again, so readers still find the cross-reference table. The manifest
/// covers the body and each object (obj N) and the xref/trailer, so verify names which objects changed.</item>
/// </list>
/// </summary>
public static partial class ReportSignatures
{
    public const string SignaturePart = "customXml/medguardSignature.xml";

    /// <summary>The platform's SM2 signing key in its key folder (beside the SM4 key, outside the database; 0600).</summary>
    public const string KeyFileName = "report-sm2.key";

    private const string PdfMarker = "%MEDGUARD-SIGNATURE ";
    private static readonly XNamespace Ns = "urn:medguard:report-signature:v1";

    public static byte[] Sign(byte[] file, Sm2Key key, string signer, DateTimeOffset signedAt)
    {
        if (IsPdf(file))
        {
            var body = PdfBody(file, out _);
            var signature = DocumentSignature.Create(key, signer, signedAt, "pdf", PdfManifest(body));
            var startxref = LastStartXref(body) ?? throw new InvalidDataException("PDF 缺少 startxref，无法签名");
            var block = Encoding.ASCII.GetBytes($"{PdfMarker}{Convert.ToBase64String(Encoding.UTF8.GetBytes(signature.ToJson()))}\nstartxref\n{startxref}\n%%EOF\n");
            return [.. body, .. block];
        }

        if (!IsZip(file))
        {
            throw new InvalidDataException("只能签名 docx、xlsx 或 PDF 文件");
        }

        using var stream = new MemoryStream();
        stream.Write(file);
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Update, leaveOpen: true))
        {
            zip.GetEntry(SignaturePart)?.Delete();
            DeclarePart(zip);
            var format = zip.GetEntry("word/document.xml") is not null ? "docx" : "xlsx";
            var signature = DocumentSignature.Create(key, signer, signedAt, format, ZipManifest(zip));
            var entry = zip.CreateEntry(SignaturePart, CompressionLevel.Optimal);
            using var writer = new StreamWriter(entry.Open(), new UTF8Encoding(false));
            new XDocument(new XDeclaration("1.0", "UTF-8", "yes"), new XElement(Ns + "signature",
                new XAttribute(XNamespace.Xmlns + "mg", Ns.NamespaceName),
                new XAttribute("signer", signature.Signer),
                new XAttribute("signedAt", signature.SignedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture)),
                new XAttribute("algorithm", DocumentSignature.Algorithm),
                new XAttribute("digest", signature.Digest),
                new XElement(Ns + "data", signature.ToJson()))).Save(writer);
        }

        return stream.ToArray();
    }

    public static VerificationResult Verify(byte[] file, string? trustedPublicKey = null)
    {
        DocumentSignature? signature;
        IReadOnlyList<PartHash> actual;
        if (IsPdf(file))
        {
            var body = PdfBody(file, out var block);
            if (block is null)
            {
                return new VerificationResult(VerificationStatus.Unsigned, null, []);
            }

            signature = ParsePdfBlock(block);
            actual = PdfManifest(body);
            if (signature is not null && !TailMatches(body, block))
            {
                return Altered(signature, ["签名块后的文件尾（startxref/%%EOF）被修改"]);
            }
        }
        else if (IsZip(file))
        {
            try
            {
                using var zip = new ZipArchive(new MemoryStream(file), ZipArchiveMode.Read);
                var entry = zip.GetEntry(SignaturePart);
                if (entry is null)
                {
                    return new VerificationResult(VerificationStatus.Unsigned, null, []);
                }

                using (var reader = new StreamReader(entry.Open(), Encoding.UTF8))
                {
                    signature = ParseXml(reader.ReadToEnd());
                }

                actual = ZipManifest(zip);
            }
            catch (InvalidDataException)
            {
                return new VerificationResult(VerificationStatus.Altered, null, ["文件不是有效的 zip 包（docx/xlsx 结构被破坏）"]);
            }
        }
        else
        {
            return new VerificationResult(VerificationStatus.Unsigned, null, ["不是 docx、xlsx 或 PDF 文件"]);
        }

        if (signature is null)
        {
            return new VerificationResult(VerificationStatus.Altered, null, ["签名块无法解析（被修改）"]);
        }

        if (!signature.SignatureValid())
        {
            return Altered(signature, ["签名块被修改：签名人、时间、摘要或清单与 SM2 签名不符"]);
        }

        var changes = Compare(signature.Manifest, actual, signature.Format == "pdf");
        var trusted = trustedPublicKey is null ? (bool?)null : string.Equals(trustedPublicKey, signature.PublicKey, StringComparison.OrdinalIgnoreCase);
        return changes.Count == 0
            ? new VerificationResult(VerificationStatus.Valid, signature, [], trusted)
            : Altered(signature, changes);
    }

    private static VerificationResult Altered(DocumentSignature s, IReadOnlyList<string> changes) => new(VerificationStatus.Altered, s, changes);

    private static List<string> Compare(IReadOnlyList<PartHash> signed, IReadOnlyList<PartHash> actual, bool pdf)
    {
        var before = signed.ToDictionary(p => p.Name, p => p.Sm3, StringComparer.Ordinal);
        var now = actual.ToDictionary(p => p.Name, p => p.Sm3, StringComparer.Ordinal);
        string Label(string name) => pdf ? PdfPartName(name) : $"部件 {name}";
        var changes = new List<string>();
        changes.AddRange(before.Where(kv => now.TryGetValue(kv.Key, out var h) && h != kv.Value && kv.Key != "body").Select(kv => Label(kv.Key) + " 被修改"));
        changes.AddRange(before.Keys.Where(k => !now.ContainsKey(k)).Select(k => Label(k) + " 被删除"));
        changes.AddRange(now.Keys.Where(k => !before.ContainsKey(k)).Select(k => Label(k) + " 是签名后新增的"));
        if (changes.Count == 0 && before.TryGetValue("body", out var b) && now.TryGetValue("body", out var n) && b != n)
        {
            changes.Add("PDF 对象之间的字节被修改");
        }

        return changes;
    }

    private static string PdfPartName(string name) => name switch
    {
        "xref" => "PDF 交叉引用表与文件尾",
        "body" => "PDF 内容",
        _ when name.StartsWith("obj ", StringComparison.Ordinal) => $"PDF 对象 {name[4..]}",
        _ => name,
    };

    // --- zip (docx, xlsx) ---

    private static bool IsZip(byte[] file) => file.Length > 4 && file[0] == 'P' && file[1] == 'K';

    private static List<PartHash> ZipManifest(ZipArchive zip)
    {
        var parts = new List<PartHash>();
        foreach (var entry in zip.Entries.Where(e => e.FullName != SignaturePart).OrderBy(e => e.FullName, StringComparer.Ordinal))
        {
            using var s = entry.Open();
            using var copy = new MemoryStream();
            s.CopyTo(copy);
            parts.Add(new PartHash(entry.FullName, Sm2Key.Sm3Hex(copy.ToArray())));
        }

        return parts;
    }

    /// <summary>Declares the signature part's content type (an Override) so Word and Excel open the package.</summary>
    private static void DeclarePart(ZipArchive zip)
    {
        var entry = zip.GetEntry("[Content_Types].xml") ?? throw new InvalidDataException("缺少 [Content_Types].xml");
        XDocument types;
        using (var s = entry.Open())
        {
            types = XDocument.Load(s);
        }

        XNamespace ct = "http://schemas.openxmlformats.org/package/2006/content-types";
        if (types.Root!.Elements(ct + "Override").Any(o => (string?)o.Attribute("PartName") == "/" + SignaturePart))
        {
            return;
        }

        types.Root.Add(new XElement(ct + "Override", new XAttribute("PartName", "/" + SignaturePart), new XAttribute("ContentType", "application/xml")));
        entry.Delete();
        var replaced = zip.CreateEntry("[Content_Types].xml", CompressionLevel.Optimal);
        using var w = new StreamWriter(replaced.Open(), new UTF8Encoding(false));
        types.Save(w, SaveOptions.DisableFormatting);
    }

    private static DocumentSignature? ParseXml(string xml)
    {
        try
        {
            var data = XDocument.Parse(xml).Root?.Element(Ns + "data")?.Value;
            return data is null ? null : DocumentSignature.FromJson(data);
        }
        catch (System.Xml.XmlException)
        {
            return null;
        }
    }

    // --- PDF ---

    private static bool IsPdf(byte[] file) => file.Length > 5 && file.AsSpan(0, 5).SequenceEqual("%PDF-"u8);

    /// <summary>The signed body (everything before the signature block) and the block (null when unsigned).</summary>
    private static byte[] PdfBody(byte[] file, out string? block)
    {
        var marker = Encoding.ASCII.GetBytes("\n" + PdfMarker);
        var at = file.AsSpan().LastIndexOf(marker);
        if (at < 0)
        {
            block = null;
            return file;
        }

        block = Encoding.ASCII.GetString(file, at + 1, file.Length - at - 1);
        return file[..(at + 1)];
    }

    private static DocumentSignature? ParsePdfBlock(string block)
    {
        var line = block.Split('\n')[0];
        try
        {
            return DocumentSignature.FromJson(Encoding.UTF8.GetString(Convert.FromBase64String(line[PdfMarker.Length..].Trim())));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static bool TailMatches(byte[] body, string block) =>
        block.Split('\n', 2) is [_, var tail] && tail == $"startxref\n{LastStartXref(body)}\n%%EOF\n";

    private static string? LastStartXref(byte[] body)
    {
        var text = Encoding.Latin1.GetString(body);
        var m = StartXref().Matches(text);
        return m.Count == 0 ? null : m[^1].Groups[1].Value;
    }

    private static List<PartHash> PdfManifest(byte[] body)
    {
        var text = Encoding.Latin1.GetString(body);
        var parts = new List<PartHash> { new("body", Sm2Key.Sm3Hex(body)) };
        var lastEnd = 0;
        foreach (Match m in PdfObject().Matches(text))
        {
            var name = $"obj {m.Groups[1].Value} {m.Groups[2].Value}";
            if (parts.Any(p => p.Name == name))
            {
                name += $"@{m.Index}";
            }

            parts.Add(new PartHash(name, Sm2Key.Sm3Hex(body.AsSpan(m.Index, m.Length))[..16]));
            lastEnd = m.Index + m.Length;
        }

        parts.Add(new PartHash("xref", Sm2Key.Sm3Hex(body.AsSpan(lastEnd))[..16]));
        return parts;
    }

    [GeneratedRegex(@"(?<=[\r\n]|^)(\d+) (\d+) obj\b.*?\bendobj", RegexOptions.Singleline)]
    private static partial Regex PdfObject();

    [GeneratedRegex(@"startxref\s+(\d+)")]
    private static partial Regex StartXref();
}
