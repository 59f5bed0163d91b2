using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using DocumentFormat.OpenXml.Packaging;
using MedGuard.Reports.Documents;
using MedGuard.Reports.Rendering;
using MedGuard.Reports.Signing;

namespace MedGuard.Reports.Tests;

/// <summary>SM2 signatures: a round trip is valid; one changed byte, a changed part or an edited signature is caught and named.</summary>
[Collection(ChromiumCollection.Name)]
public sealed class SignatureTests(ChromiumFixture fixture)
{
    private static readonly Sm2Key Key = new(RandomNumberGenerator.GetBytes(32));
    private static readonly DateTimeOffset At = new(2026, 6, 30, 10, 0, 0, TimeSpan.FromHours(8));

    private Task<byte[]> SignedAsync(ReportFormat format) =>
        fixture.Writer.WriteAsync(GradingReport.Build(SampleRecords.GradingInput), format, new ReportSigning(Key, "示范市卫生健康委员会", At));

    [Theory]
    [InlineData(ReportFormat.Docx)]
    [InlineData(ReportFormat.Pdf)]
    [InlineData(ReportFormat.Xlsx)]
    public async Task RoundTripIsValidAndCarriesSignerTimeAndHash(ReportFormat format)
    {
        var signed = await SignedAsync(format);
        var result = ReportSignatures.Verify(signed, Key.PublicKeyHex);
        Assert.Equal(VerificationStatus.Valid, result.Status);
        Assert.Equal("示范市卫生健康委员会", result.Signature!.Signer);
        Assert.Equal(At, result.Signature.SignedAt);
        Assert.Matches("^[0-9a-f]{64}$", result.Signature.Digest);
        Assert.True(result.TrustedKey);
        Assert.Contains("签名有效", result.Message);

        // Another key's verify says the key is not the platform's.
        Assert.False(ReportSignatures.Verify(signed, new Sm2Key(RandomNumberGenerator.GetBytes(32)).PublicKeyHex).TrustedKey);

        // The signed file still opens in its tools.
        if (format == ReportFormat.Docx)
        {
            using var doc = WordprocessingDocument.Open(new MemoryStream(signed), false);
            Assert.Contains("定级报告", doc.MainDocumentPart!.Document!.Body!.InnerText);
        }
        else if (format == ReportFormat.Pdf)
        {
            Assert.Contains("定级报告", ProducedFiles.PdfText(signed));
        }
        else
        {
            Assert.Contains("说明", MiniExcelLibs.MiniExcel.GetSheetNames(new MemoryStream(signed)));
        }

        Assert.Equal(VerificationStatus.Unsigned, ReportSignatures.Verify(await fixture.Writer.WriteAsync(GradingReport.Build(SampleRecords.GradingInput), format)).Status);
    }

    [Fact]
    public async Task OneChangedByteInAPdfIsFoundAndTheObjectNamed()
    {
        var signed = await SignedAsync(ReportFormat.Pdf);
        var text = Encoding.Latin1.GetString(signed);
        var at = text.IndexOf(" 0 obj", text.Length / 3, StringComparison.Ordinal) + 20; // inside an object in the middle of the file
        var tampered = (byte[])signed.Clone();
        tampered[at] ^= 0x01;
        var result = ReportSignatures.Verify(tampered);
        Assert.Equal(VerificationStatus.Altered, result.Status);
        Assert.Contains(result.Changes, c => c.StartsWith("PDF 对象 ", StringComparison.Ordinal) && c.EndsWith("被修改", StringComparison.Ordinal));

        // Editing the signer in the signature block breaks the SM2 signature.
        var block = text.LastIndexOf("%MEDGUARD-SIGNATURE ", StringComparison.Ordinal) + 20;
        var json = Encoding.UTF8.GetString(Convert.FromBase64String(text[block..text.IndexOf('\n', block)]));
        var forged = Encoding.Latin1.GetBytes(text[..block] + Convert.ToBase64String(Encoding.UTF8.GetBytes(json.Replace("示范市卫生健康委员会", "某某单位"))) + text[text.IndexOf('\n', block)..]);
        var forgedResult = ReportSignatures.Verify(forged);
        Assert.Equal(VerificationStatus.Altered, forgedResult.Status);
        Assert.Contains("签名块被修改", forgedResult.Message);
    }

    [Fact]
    public async Task ADocxWhoseTextChangedNamesThePart()
    {
        var signed = await SignedAsync(ReportFormat.Docx);

        // One raw byte flipped anywhere in the file: altered.
        var flipped = (byte[])signed.Clone();
        flipped[flipped.Length / 2] ^= 0x20;
        Assert.Equal(VerificationStatus.Altered, ReportSignatures.Verify(flipped).Status);

        // The level rewritten in word/document.xml (a well-formed package): that part is named.
        using var stream = new MemoryStream();
        stream.Write(signed);
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Update, leaveOpen: true))
        {
            var entry = zip.GetEntry("word/document.xml")!;
            string xml;
            using (var r = new StreamReader(entry.Open()))
            {
                xml = r.ReadToEnd();
            }

            entry.Delete();
            using var w = new StreamWriter(zip.CreateEntry("word/document.xml").Open());
            w.Write(xml.Replace("第三级", "第二级"));
        }

        var result = ReportSignatures.Verify(stream.ToArray());
        Assert.Equal(VerificationStatus.Altered, result.Status);
        Assert.Equal(["部件 word/document.xml 被修改"], result.Changes);
    }

    [Fact]
    public async Task AnXlsxWithARemovedSheetNamesIt()
    {
        var signed = await SignedAsync(ReportFormat.Xlsx);
        using var stream = new MemoryStream();
        stream.Write(signed);
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Update, leaveOpen: true))
        {
            zip.GetEntry("xl/worksheets/sheet2.xml")!.Delete();
        }

        Assert.Contains("部件 xl/worksheets/sheet2.xml 被删除", ReportSignatures.Verify(stream.ToArray()).Changes);
    }
}
