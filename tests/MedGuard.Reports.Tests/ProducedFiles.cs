using System.Diagnostics;
using System.Text;
using DocumentFormat.OpenXml.Packaging;

namespace MedGuard.Reports.Tests;

/// <summary>Reads produced documents back the way a person's tools would: OpenXML for docx, poppler for PDF.</summary>
internal static class ProducedFiles
{
    /// <summary>$MEDGUARD_ARTIFACTS/reports (./test.sh sets it), else artifacts/reports at the repository root (git-ignored).</summary>
    public static string ArtifactDirectory
    {
        get
        {
            var root = Environment.GetEnvironmentVariable("MEDGUARD_ARTIFACTS") is { Length: > 0 } a ? a : Path.Combine(RepositoryRoot(), "artifacts");
            var dir = Path.Combine(root, "reports");
            Directory.CreateDirectory(dir);
            return dir;
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MedGuard.slnx")))
            {
                return dir.FullName;
            }
        }

        return Path.GetTempPath();
    }

    /// <summary>The body text of a docx, paragraph by paragraph (table cells each a paragraph).</summary>
    public static string DocxText(byte[] docx)
    {
        using var doc = WordprocessingDocument.Open(new MemoryStream(docx), false);
        var body = doc.MainDocumentPart!.Document!.Body!;
        return string.Join('\n', body.Descendants<DocumentFormat.OpenXml.Wordprocessing.Paragraph>().Select(p => p.InnerText));
    }

    /// <summary>pdftotext (poppler-utils) of the whole PDF, layout kept off so words stay in reading order.</summary>
    public static string PdfText(byte[] pdf)
    {
        var path = Path.Combine(Path.GetTempPath(), $"mg-report-{Guid.NewGuid():N}.pdf");
        File.WriteAllBytes(path, pdf);
        try
        {
            return Run("pdftotext", "-enc", "UTF-8", path, "-");
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Renders every page of the PDF to PNG under artifacts/reports (pdftoppm) and returns the page files.</summary>
    public static IReadOnlyList<string> RenderPages(byte[] pdf, string name)
    {
        var dir = ArtifactDirectory;
        var pdfPath = Path.Combine(dir, name + ".pdf");
        File.WriteAllBytes(pdfPath, pdf);
        foreach (var old in Directory.GetFiles(dir, name + "-page-*.png"))
        {
            File.Delete(old);
        }

        Run("pdftoppm", "-png", "-r", "60", pdfPath, Path.Combine(dir, name + "-page"));
        return [.. Directory.GetFiles(dir, name + "-page-*.png").Order(StringComparer.Ordinal)];
    }

    public static string Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, StandardOutputEncoding = Encoding.UTF8 };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{program} 失败（{process.ExitCode}）：{error.Result}");
        return output.Result;
    }

    /// <summary>Whitespace removed: pdftotext breaks lines and tables where the page does.</summary>
    public static string Squash(string text) => new([.. text.Where(c => !char.IsWhiteSpace(c))]);
}
