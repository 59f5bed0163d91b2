using MedGuard.Domain.Findings;
using MedGuard.Domain.Reports;
using MedGuard.Reports.Document;
using MedGuard.Reports.Documents;
using MedGuard.Reports.Rendering;
using MedGuard.Reports.Signing;
using MedGuard.Storage.Tenancy;

namespace MedGuard.Storage.Reports;

/// <summary>What to produce: the document, what it is about (a system, an assessment, an institution, or a region and period), the format.</summary>
public sealed record ReportRequest(ReportKind Kind, ReportFormat Format, Guid? Id = null, string? Region = null, DateOnly? From = null, DateOnly? To = null, bool Sign = true);

/// <summary>The caller's role may not produce this document (a notice for an agency, a situation report for a hospital).</summary>
public sealed class ReportForbiddenException(string message) : Exception(message);

/// <summary>
/// The one production path the server and the CLI share: load the records through the caller's tenant-scoped context
/// (what it cannot see is not found), build the document, write it (signed when a key is given), and make its
/// <see cref="GeneratedReport"/> record — who, when, what, SM3 hash, the file — for the caller to save.
/// </summary>
public sealed class ReportProduction(MedGuardDbContext db, ChromiumRenderer chromium, Func<FindingRecord, IReadOnlyDictionary<string, string>>? evidence = null)
{
    public async Task<GeneratedReport> ProduceAsync(ReportRequest request, string who, Guid? whoId, string issuer, ReportSigning? signing, DateOnly today, DateTime nowUtc,
        IProgress<string>? progress = null, CancellationToken ct = default)
    {
        var records = new ReportRecords(db, evidence);
        ReportDocument document;
        Guid? institutionId = null, systemId = null, assessmentId = null;
        string region;
        progress?.Report($"读取{request.Kind.ToChinese()}所需的记录");
        switch (request.Kind)
        {
            case ReportKind.Grading:
                {
                    var (input, system) = await records.GradingAsync(Required(request.Id), today, ct);
                    document = GradingReport.Build(input);
                    (institutionId, systemId, region) = (system.InstitutionId, system.Id, system.Institution!.Region);
                    break;
                }

            case ReportKind.Filing:
                {
                    var (input, system) = await records.FilingAsync(Required(request.Id), today, ct);
                    document = FilingForm.Build(input);
                    (institutionId, systemId, region) = (system.InstitutionId, system.Id, system.Institution!.Region);
                    break;
                }

            case ReportKind.Assessment:
                {
                    var (input, assessment, system) = await records.AssessmentAsync(Required(request.Id), today, ct);
                    document = AssessmentReport.Build(input);
                    (institutionId, systemId, assessmentId, region) = (system.InstitutionId, system.Id, assessment.Id, system.Institution!.Region);
                    break;
                }

            case ReportKind.Notice:
                {
                    // A notice carries every finding of the institution; an agency sees only its assigned systems' findings.
                    if (db.Scope.Kind == TenantKind.Agency)
                    {
                        throw new ReportForbiddenException("测评机构不能生成整改通知");
                    }

                    var (input, institution) = await records.NoticeAsync(Required(request.Id), issuer, today, ct);
                    document = DetectionNotice.Build(input);
                    (institutionId, region) = (institution.Id, institution.Region);
                    break;
                }

            default:
                {
                    if (db.Scope.Kind is TenantKind.Institution or TenantKind.Agency)
                    {
                        throw new ReportForbiddenException("态势报告由卫生健康主管部门生成");
                    }

                    region = request.Region?.Trim() ?? "";
                    if (db.Scope.Kind == TenantKind.Regulator && region.Length == 0)
                    {
                        region = db.Scope.Region;
                    }

                    if (db.Scope.Kind == TenantKind.Regulator && !region.StartsWith(db.Scope.Region, StringComparison.Ordinal))
                    {
                        throw new KeyNotFoundException("地区不在您的权限范围内");
                    }

                    var to = request.To ?? today;
                    var from = request.From ?? new DateOnly(to.Year, 1, 1);
                    if (from > to)
                    {
                        throw new ArgumentException("统计期间的开始日期不能晚于结束日期");
                    }

                    progress?.Report("统计行业数据");
                    document = SituationReport.Build(await new SituationFigures(db).BuildAsync(region, from, to, issuer, today, ct));
                    break;
                }
        }

        var bytes = await new ReportWriter(chromium).WriteAsync(document, request.Format, request.Sign ? signing : null, progress, ct);
        return new GeneratedReport
        {
            Kind = request.Kind.Slug(),
            Title = Clip(document.Title, 300),
            Format = request.Format.Extension(),
            FileName = Clip(FileName(document.Title, today, request.Format), 300),
            ContentHash = Sm2Key.Sm3Hex(bytes),
            SizeBytes = bytes.Length,
            Content = bytes,
            Signed = request.Sign && signing is not null,
            Signer = request.Sign && signing is not null ? Clip(signing.Signer, 200) : null,
            GeneratedAt = nowUtc,
            GeneratedBy = Clip(who, 200),
            GeneratedById = whoId,
            InstitutionId = institutionId,
            SystemId = systemId,
            AssessmentId = assessmentId,
            Region = region,
        };
    }

    private static Guid Required(Guid? id) => id ?? throw new ArgumentException("缺少对象编号");

    public static string FileName(string title, DateOnly day, ReportFormat format)
    {
        var clean = new string([.. title.Where(c => !Path.GetInvalidFileNameChars().Contains(c))]);
        return $"{clean}-{day:yyyyMMdd}.{format.Extension()}";
    }

    private static string Clip(string text, int max) => text.Length <= max ? text : text[..max];
}
