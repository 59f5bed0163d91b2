namespace MedGuard.Standards.Assessment.Workbook;

/// <summary>The assessment workbook cannot be used; the message names the sheet, row or field.</summary>
public sealed class WorkbookException(string message, Exception? inner = null) : FormatException(message, inner);
