namespace MedGuard.Detection.Apk.Reporting;

/// <summary>A file that could not be analysed, with the one-line reason.</summary>
public sealed record ApkError(string File, string Error);

/// <summary>The analysis of several APKs: reports in file-name order, and the files that failed.</summary>
public sealed record ApkBatchResult(IReadOnlyList<ApkReport> Apps, IReadOnlyList<ApkError> Errors);
