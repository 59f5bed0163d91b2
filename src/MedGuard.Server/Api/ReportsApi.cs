using MedGuard.Reports.Document;
using MedGuard.Reports.Rendering;
using MedGuard.Reports.Signing;
using MedGuard.Server.Reports;
using MedGuard.Storage;
using MedGuard.Storage.Reports;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Server.Api;

/// <summary>
/// /api/reports: produce a document (each produced file is recorded and answered as a download, with its record id and
/// SM3 hash in the X-Report-Id and X-Report-Hash headers), list the documents one may see, download one again, verify
/// an uploaded file. Every read goes through the tenant-scoped context: a hospital only its own, a regulator its
/// region, an agency its assigned systems.
/// </summary>
public static class ReportsApi
{
    public static void MapReportsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/reports/grading/{systemId:guid}", (Guid systemId, string? format, bool? sign, HttpContext http, MedGuardDbContext db, ReportService reports) =>
            ProduceAsync(http, db, reports, new ReportRequest(ReportKind.Grading, ReportFormats.Parse(format), systemId, Sign: sign ?? true)))
            .WithSummary("定级报告（docx/pdf/xlsx）");
        api.MapGet("/reports/filing/{systemId:guid}", (Guid systemId, string? format, bool? sign, HttpContext http, MedGuardDbContext db, ReportService reports) =>
            ProduceAsync(http, db, reports, new ReportRequest(ReportKind.Filing, ReportFormats.Parse(format), systemId, Sign: sign ?? true)))
            .WithSummary("备案表（表一至表六）");
        api.MapGet("/reports/assessment/{assessmentId:guid}", (Guid assessmentId, string? format, bool? sign, HttpContext http, MedGuardDbContext db, ReportService reports) =>
            ProduceAsync(http, db, reports, new ReportRequest(ReportKind.Assessment, ReportFormats.Parse(format), assessmentId, Sign: sign ?? true)))
            .WithSummary("测评报告（摘要）");
        api.MapGet("/reports/notice/{institutionId:guid}", (Guid institutionId, string? format, bool? sign, HttpContext http, MedGuardDbContext db, ReportService reports) =>
            ProduceAsync(http, db, reports, new ReportRequest(ReportKind.Notice, ReportFormats.Parse(format), institutionId, Sign: sign ?? true)))
            .WithSummary("整改通知");
        api.MapGet("/reports/situation", (string? region, DateOnly? from, DateOnly? to, string? format, bool? sign, HttpContext http, MedGuardDbContext db, ReportService reports) =>
            ProduceAsync(http, db, reports, new ReportRequest(ReportKind.Situation, ReportFormats.Parse(format), null, region, from, to, sign ?? true)))
            .WithSummary("行业态势报告（地区、期间）");
        api.MapGet("/reports", async (MedGuardDbContext db) => Results.Ok(await db.GeneratedReports.AsNoTracking().OrderByDescending(r => r.GeneratedAt)
            .Select(r => new GeneratedReportView(r.Id, r.Kind, r.Title, r.Format, r.FileName, r.ContentHash, r.SizeBytes, r.Signed, r.Signer, r.GeneratedAt, r.GeneratedBy, r.InstitutionId, r.SystemId, r.AssessmentId, r.Region))
            .Take(500).ToListAsync()))
            .WithSummary("已生成的文档（谁、何时、什么、SM3 摘要）");
        api.MapGet("/reports/{id:guid}/file", async (Guid id, MedGuardDbContext db) =>
        {
            var r = await db.GeneratedReports.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id) ?? throw new KeyNotFoundException();
            return File(r);
        }).WithSummary("再次下载已生成的文档");
        api.MapPost("/reports/verify", async (HttpRequest request, ReportService reports) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            var result = ReportSignatures.Verify(body.ToArray(), reports.PublicKey);
            return Results.Ok(new VerificationView(result.Status.ToString().ToLowerInvariant(), result.Message, result.Changes, result.Signature?.Signer, result.Signature?.SignedAt, result.Signature?.Digest, result.TrustedKey));
        }).WithSummary("校验文档的 SM2 签名（请求体为文件本身）");
    }

    private static async Task<IResult> ProduceAsync(HttpContext http, MedGuardDbContext db, ReportService reports, ReportRequest request)
    {
        var record = await reports.ProduceAsync(db, http.User, request, ct: http.RequestAborted);
        return File(record);
    }

    private static IResult File(Domain.Reports.GeneratedReport r) => new ReportFileResult(r);

    /// <summary>The file, with its record's id and hash in headers.</summary>
    private sealed class ReportFileResult(Domain.Reports.GeneratedReport record) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers["X-Report-Id"] = record.Id.ToString();
            httpContext.Response.Headers["X-Report-Hash"] = record.ContentHash;
            return Results.File(record.Content, ReportFormats.Parse(record.Format).ContentType(), record.FileName).ExecuteAsync(httpContext);
        }
    }
}

public sealed record GeneratedReportView(Guid Id, string Kind, string Title, string Format, string FileName, string ContentHash, long SizeBytes, bool Signed, string? Signer,
    DateTime GeneratedAt, string GeneratedBy, Guid? InstitutionId, Guid? SystemId, Guid? AssessmentId, string Region);

public sealed record VerificationView(string Status, string Message, IReadOnlyList<string> Changes, string? Signer, DateTimeOffset? SignedAt, string? Digest, bool? TrustedKey);
