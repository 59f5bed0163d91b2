using System.Security.Claims;
using MedGuard.Domain.Reports;
using MedGuard.Reports.Document;
using MedGuard.Reports.Documents;
using MedGuard.Reports.Rendering;
using MedGuard.Reports.Signing;
using MedGuard.Security.Protection;
using MedGuard.Server.Hosting;
using MedGuard.Storage;
using MedGuard.Storage.Findings;
using MedGuard.Storage.Reports;
using MedGuard.Storage.Tenancy;

namespace MedGuard.Server.Reports;

/// <summary>What to produce: the document, what it is about (a system, an assessment, an institution, or a region and period), the format.</summary>
public sealed record ReportRequest(ReportKind Kind, ReportFormat Format, Guid? Id = null, string? Region = null, DateOnly? From = null, DateOnly? To = null, bool Sign = true);

/// <summary>
/// Produces a document from the records through the caller's tenant-scoped context (what the caller cannot see is not
/// found), signs it with the platform's SM2 key (report-sm2.key beside the SM4 key, outside the database), and records
/// it (<see cref="GeneratedReport"/>: who, when, what, SM3 hash, the file) so it can be downloaded again.
/// </summary>
public sealed class ReportService(ChromiumRenderer chromium, PlatformOptions options, TimeProvider clock, FindingImporter importer)
{
    private readonly Lazy<Sm2Key> key = new(() => new Sm2Key(FieldKeyFile.LoadOrCreate(Path.Combine(options.KeyDirectory, ReportSignatures.KeyFileName), 32)));

    /// <summary>The platform's signing public key (verify compares signatures against it).</summary>
    public string PublicKey => key.Value.PublicKeyHex;

    public DateOnly Today => DateOnly.FromDateTime(clock.GetLocalNow().DateTime);

    public async Task<GeneratedReport> ProduceAsync(MedGuardDbContext db, ClaimsPrincipal user, ReportRequest request, IProgress<string>? progress = null, CancellationToken ct = default)
    {
        var records = new ReportRecords(db, f => importer.EvidenceOf(f, masked: true));
        var who = user.FindFirst(ClaimNames.DisplayName)?.Value is { Length: > 0 } display ? $"{display}（{user.Identity?.Name}）" : user.Identity?.Name ?? "";
        var today = Today;
        ReportDocument document;
        Guid? institutionId = null, systemId = null, assessmentId = null;
        string region;
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
                        Api.PlatformApi.Require(false);
                    }

                    var (input, institution) = await records.NoticeAsync(Required(request.Id), Issuer(db, user), today, ct);
                    document = DetectionNotice.Build(input);
                    (institutionId, region) = (institution.Id, institution.Region);
                    break;
                }

            default:
                {
                    region = request.Region?.Trim() ?? "";
                    if (db.Scope.Kind == TenantKind.Regulator && region.Length == 0)
                    {
                        region = db.Scope.Region;
                    }

                    if (db.Scope.Kind is TenantKind.Institution or TenantKind.Agency)
                    {
                        Api.PlatformApi.Require(false);
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
                    document = SituationReport.Build(await new SituationFigures(db).BuildAsync(region, from, to, Issuer(db, user), today, ct));
                    break;
                }
        }

        var signing = request.Sign ? new ReportSigning(key.Value, $"MedGuard 平台 · {who}", clock.GetUtcNow().ToOffset(TimeSpan.FromHours(8))) : null;
        var bytes = await new ReportWriter(chromium).WriteAsync(document, request.Format, signing, progress, ct);
        var record = new GeneratedReport
        {
            Kind = request.Kind.Slug(),
            Title = Clip(document.Title, 300),
            Format = request.Format.Extension(),
            FileName = Clip(FileName(document.Title, today, request.Format), 300),
            ContentHash = Sm2Key.Sm3Hex(bytes),
            SizeBytes = bytes.Length,
            Content = bytes,
            Signed = signing is not null,
            Signer = signing is null ? null : Clip(signing.Signer, 200),
            GeneratedAt = clock.GetUtcNow().UtcDateTime,
            GeneratedBy = Clip(who, 200),
            GeneratedById = user.Identity?.IsAuthenticated == true ? user.UserId() : null,
            InstitutionId = institutionId,
            SystemId = systemId,
            AssessmentId = assessmentId,
            Region = region,
        };
        db.GeneratedReports.Add(record);
        await db.SaveChangesAsync(ct);
        return record;
    }

    /// <summary>Who issues a notice or a situation report: the regulator's region, else the platform.</summary>
    private static string Issuer(MedGuardDbContext db, ClaimsPrincipal user) => db.Scope.Kind == TenantKind.Regulator
        ? $"{Domain.Institutions.AdministrativeRegions.FullName(db.Scope.Region)}卫生健康主管部门"
        : user.FindFirst(ClaimNames.DisplayName)?.Value is { Length: > 0 } d ? d : "MedGuard 平台";

    private static Guid Required(Guid? id) => id ?? throw new ArgumentException("缺少对象编号");

    public static string FileName(string title, DateOnly day, ReportFormat format)
    {
        var clean = new string([.. title.Where(c => !Path.GetInvalidFileNameChars().Contains(c) && c != '/' && c != '\\')]);
        return $"{clean}-{day:yyyyMMdd}.{format.Extension()}";
    }

    private static string Clip(string text, int max) => text.Length <= max ? text : text[..max];
}
