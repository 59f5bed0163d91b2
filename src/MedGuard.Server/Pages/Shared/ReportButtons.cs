namespace MedGuard.Server.Pages.Shared;

/// <summary>
/// The document buttons of a page (issue 17): one per format, each a link to /api/reports/… that produces, records and
/// downloads the signed file. <see cref="Id"/> names the buttons for tests (report-grading-docx…).
/// </summary>
public sealed record ReportButtons(string Label, string Url, string Id, bool Tabular = false);
