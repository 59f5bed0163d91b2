using System.Security.Claims;
using MedGuard.Domain.Reports;
using MedGuard.Reports.Rendering;
using MedGuard.Reports.Signing;
using MedGuard.Security.Protection;
using MedGuard.Server.Hosting;
using MedGuard.Storage;
using MedGuard.Storage.Findings;
using MedGuard.Storage.Reports;
using MedGuard.Storage.Tenancy;

namespace MedGuard.Server.Reports;

/// <summary>
/// The server's side of documents (issue 17): produces through <see cref="ReportProduction"/> in the signed-in user's
/// tenant scope, signs with the platform's SM2 key (report-sm2.key beside the SM4 key, outside the database) and saves
/// the <see cref="GeneratedReport"/> record so the file can be downloaded again.
/// </summary>
public sealed class ReportService(ChromiumRenderer chromium, PlatformOptions options, TimeProvider clock, FindingImporter importer)
{
    private readonly Lazy<Sm2Key> key = new(() => new Sm2Key(FieldKeyFile.LoadOrCreate(Path.Combine(options.KeyDirectory, ReportSignatures.KeyFileName), 32)));

    /// <summary>The platform's signing public key (verify compares signatures against it).</summary>
    public string PublicKey => key.Value.PublicKeyHex;

    public async Task<GeneratedReport> ProduceAsync(MedGuardDbContext db, ClaimsPrincipal user, ReportRequest request, IProgress<string>? progress = null, CancellationToken ct = default)
    {
        var display = user.FindFirst(ClaimNames.DisplayName)?.Value;
        var who = display is { Length: > 0 } ? $"{display}（{user.Identity?.Name}）" : user.Identity?.Name ?? "";
        var issuer = db.Scope.Kind == TenantKind.Regulator
            ? $"{Domain.Institutions.AdministrativeRegions.FullName(db.Scope.Region)}卫生健康主管部门"
            : display is { Length: > 0 } ? display : "MedGuard 平台";
        var signing = new ReportSigning(key.Value, $"MedGuard 平台 · {who}", clock.GetUtcNow().ToOffset(TimeSpan.FromHours(8)));
        var record = await new ReportProduction(db, chromium, f => importer.EvidenceOf(f, masked: true)).ProduceAsync(
            request, who, user.Identity?.IsAuthenticated == true ? user.UserId() : null, issuer, signing,
            DateOnly.FromDateTime(clock.GetLocalNow().DateTime), clock.GetUtcNow().UtcDateTime, progress, ct);
        db.GeneratedReports.Add(record);
        await db.SaveChangesAsync(ct);
        return record;
    }
}
