using MedGuard.Domain.Assessment;
using MedGuard.Domain.Institutions;
using MedGuard.Domain.Systems;
using MedGuard.Storage;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Server.Sector;

/// <summary>One tier's (or region's) row of the sector survey (DOMAIN.md §7), computed from the platform's own data.</summary>
public sealed record SectorRow(
    string Name,
    int Institutions,
    int Systems,
    double GradedRate,          // 定级率: graded systems / systems
    double FiledRate,           // 备案率: filed systems / systems
    double Level3AssessedRate,  // 三级系统测评率: level-3 systems with a concluded assessment / level-3 systems
    double RectifiedRate,       // 整改率: closed rectification tasks / tasks
    double HisLevel3Rate,       // HIS 三级定级率: graded HIS at level ≥ 3 / graded HIS
    double MillionRecordsRate,  // ≥ 100 万条个人信息的机构占比
    double FiveStaffRate,       // ≥ 5 名网络安全人员的机构占比
    double CryptoDeviceRate,
    double CryptoAlgorithmRate,
    double DomesticCryptoRate,
    double LacksProfessionalsRate);

/// <summary>
/// The regulator's view: rates per hospital tier and per region, over whatever the caller's tenant scope lets it see
/// (a district regulator gets its district). Percentages 0–100; a rate with an empty denominator is 0.
/// </summary>
public static class SectorStatistics
{
    private sealed record SystemFacts(Guid InstitutionId, BusinessKind Business, ProtectionLevel? Level, bool Filed, bool Assessed);

    public static async Task<(IReadOnlyList<SectorRow> Tiers, IReadOnlyList<SectorRow> Regions, SectorRow Total)> ComputeAsync(MedGuardDbContext db, Func<string, string> regionName)
    {
        var institutions = await db.Institutions.AsNoTracking()
            .Select(i => new { i.Id, i.Tier, i.Region, i.Survey })
            .ToListAsync();
        var systems = await db.Systems.AsNoTracking()
            .Select(s => new SystemFacts(s.InstitutionId, s.Business, s.Grading == null ? null : s.Grading.Level, s.Filing != null, s.Assessments.Any(a => a.Conclusion != null)))
            .ToListAsync();
        var tasks = await db.Rectifications.AsNoTracking()
            .Join(db.Systems, r => r.SystemId, s => s.Id, (r, s) => new { s.InstitutionId, r.Status })
            .ToListAsync();

        SectorRow Row(string name, IEnumerable<Guid> ids)
        {
            var set = ids.ToHashSet();
            var inst = institutions.Where(i => set.Contains(i.Id)).ToList();
            var sys = systems.Where(s => set.Contains(s.InstitutionId)).ToList();
            var level3 = sys.Where(s => s.Level >= ProtectionLevel.Level3).ToList();
            var his = sys.Where(s => s.Business == BusinessKind.His && s.Level is not null).ToList();
            var t = tasks.Where(x => set.Contains(x.InstitutionId)).ToList();
            double Rate(int part, int whole) => whole == 0 ? 0 : Math.Round(100.0 * part / whole, 1);
            double Survey(Func<InstitutionSurvey, bool?> answer)
            {
                var answered = inst.Select(i => answer(i.Survey)).Where(a => a is not null).ToList();
                return Rate(answered.Count(a => a == true), answered.Count);
            }

            return new SectorRow(name, inst.Count, sys.Count,
                Rate(sys.Count(s => s.Level is not null), sys.Count),
                Rate(sys.Count(s => s.Filed), sys.Count),
                Rate(level3.Count(s => s.Assessed), level3.Count),
                Rate(t.Count(x => RectificationItem.IsClosed(x.Status)), t.Count),
                Rate(his.Count(s => s.Level >= ProtectionLevel.Level3), his.Count),
                Survey(s => s.PersonalDataRecords is null ? null : s.PersonalDataRecords >= 1_000_000),
                Survey(s => s.SecurityStaffCount is null ? null : s.SecurityStaffCount >= 5),
                Survey(s => s.UsesCryptoDevices),
                Survey(s => s.UsesCryptoAlgorithms),
                Survey(s => s.UsesDomesticCryptoProducts),
                Survey(s => s.LacksProfessionals));
        }

        var tiers = new[] { HospitalTier.TertiaryA, HospitalTier.Tertiary, HospitalTier.Secondary, HospitalTier.Primary, HospitalTier.Other }
            .Select(tier => Row(tier == HospitalTier.Tertiary ? "普通三级" : tier.ToChinese(), institutions.Where(i => i.Tier == tier).Select(i => i.Id)))
            .Where(r => r.Institutions > 0)
            .ToList();
        var regions = institutions.GroupBy(i => i.Region).OrderBy(g => g.Key)
            .Select(g => Row(regionName(g.Key), g.Select(i => i.Id)))
            .ToList();
        return (tiers, regions, Row("合计", institutions.Select(i => i.Id)));
    }
}
