namespace MedGuard.Reports.Rendering;

/// <summary>The three formats (issue 17 §2).</summary>
public enum ReportFormat
{
    Docx,
    Pdf,
    Xlsx,
}

public static class ReportFormats
{
    public static ReportFormat Parse(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        null or "" or "docx" or "word" => ReportFormat.Docx,
        "pdf" => ReportFormat.Pdf,
        "xlsx" or "excel" => ReportFormat.Xlsx,
        _ => throw new FormatException($"未知的格式 '{text}'（应为 docx、pdf 或 xlsx）"),
    };

    public static string Extension(this ReportFormat format) => format.ToString().ToLowerInvariant();

    public static string ContentType(this ReportFormat format) => format switch
    {
        ReportFormat.Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ReportFormat.Pdf => "application/pdf",
        _ => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    };
}
