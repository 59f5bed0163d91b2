using MedGuard.Reports.Document;
using MedGuard.Reports.Signing;

namespace MedGuard.Reports.Rendering;

/// <summary>
/// Writes a <see cref="ReportDocument"/> in one format and signs it when a key is given. PDF and chart images need
/// chromium (one shared <see cref="ChromiumRenderer"/>); an xlsx does not. Progress goes to <c>progress</c> in Chinese.
/// </summary>
public sealed class ReportWriter(ChromiumRenderer chromium)
{
    public async Task<byte[]> WriteAsync(ReportDocument document, ReportFormat format, ReportSigning? signing = null, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        byte[] bytes;
        switch (format)
        {
            case ReportFormat.Docx:
                var images = new Dictionary<BarChart, byte[]>();
                var charts = document.Blocks.OfType<ChartBlock>().ToList();
                for (var i = 0; i < charts.Count; i++)
                {
                    progress?.Report($"绘制图表 {i + 1}/{charts.Count}：{charts[i].Chart.Title}");
                    images[charts[i].Chart] = await chromium.PngAsync(ChartSvg.Render(charts[i].Chart), ChartSvg.Width, ChartSvg.Height, cancellationToken).ConfigureAwait(false);
                }

                progress?.Report("写入 Word 文档");
                bytes = DocxWriter.Write(document, images);
                break;
            case ReportFormat.Pdf:
                progress?.Report("用 chromium 排版 PDF");
                bytes = await chromium.PdfAsync(HtmlWriter.Write(document), document.Title, cancellationToken).ConfigureAwait(false);
                break;
            default:
                progress?.Report("写入 Excel 表格");
                bytes = XlsxWriter.Write(document);
                break;
        }

        if (signing is not null)
        {
            progress?.Report($"SM2 签名（{signing.Signer}）");
            bytes = ReportSignatures.Sign(bytes, signing.Key, signing.Signer, signing.SignedAt);
        }

        return bytes;
    }
}

/// <summary>Who signs and with which key; <see cref="SignedAt"/> is the time written into the signature.</summary>
public sealed record ReportSigning(Sm2Key Key, string Signer, DateTimeOffset SignedAt);
