namespace MedGuard.Reports.Document;

/// <summary>The records do not hold what a document needs; the message (Chinese) says what is missing.</summary>
public sealed class ReportInputException(string message) : Exception(message);
