using MedGuard.Domain.Assessment;
using MedGuard.Domain.Institutions;
using MedGuard.Domain.Platform;
using MedGuard.Domain.Systems;

namespace MedGuard.Storage.Tests.Infrastructure;

/// <summary>
/// A small province with known contents, written in the system scope:
/// city 3301 — 甲医院 (三甲: HIS L3 graded+filed+assessed with two tasks, portal L2 graded) and 乙医院 (二级: LIS ungraded);
/// city 3302 — 丙医院 (三级: PACS L3 graded+filed+assessed, all tasks closed).
/// Agency X is assigned HIS and PACS (and assessed both); agency Y is assigned LIS.
/// </summary>
public sealed class SampleProvince
{
    public Institution A { get; } = new()
    {
        Name = "甲医院",
        Region = "330102",
        Tier = HospitalTier.TertiaryA,
        DirectlyAffiliated = true,
        Survey = new InstitutionSurvey { SecurityStaffCount = 6, PersonalDataRecords = 2_500_000, UsesCryptoDevices = true, LacksProfessionals = true },
        Contacts = [new InstitutionContact { Name = "张三", Role = ContactRole.SecurityDepartment, Phone = "0571-1" }],
    };

    public Institution B { get; } = new()
    {
        Name = "乙医院",
        Region = "330106",
        Tier = HospitalTier.Secondary,
        Survey = new InstitutionSurvey { SecurityStaffCount = 1, PersonalDataRecords = 200_000, UsesCryptoDevices = false, LacksProfessionals = true },
    };

    public Institution C { get; } = new()
    {
        Name = "丙医院",
        Region = "330203",
        Tier = HospitalTier.Tertiary,
        Survey = new InstitutionSurvey { SecurityStaffCount = 5, UsesCryptoDevices = true, LacksProfessionals = false },
    };

    public ProtectedSystem His { get; private set; } = null!;

    public ProtectedSystem Portal { get; private set; } = null!;

    public ProtectedSystem Lis { get; private set; } = null!;

    public ProtectedSystem Pacs { get; private set; } = null!;

    public AssessmentRecord HisAssessment { get; private set; } = null!;

    public AssessmentRecord PacsAssessment { get; private set; } = null!;

    public AssessmentAgency AgencyX { get; } = new() { Name = "某测评中心X" };

    public AssessmentAgency AgencyY { get; } = new() { Name = "某测评中心Y" };

    public PlatformUser Admin { get; } = new() { UserName = "admin", NormalizedUserName = "ADMIN", DisplayName = "管理员", Role = UserRole.Admin };

    public PlatformUser StaffA { get; private set; } = null!;

    public static readonly DateOnly Today = new(2025, 6, 1);

    public static SampleProvince WriteTo(MedGuardDbContext db)
    {
        var p = new SampleProvince();
        p.His = new ProtectedSystem
        {
            Name = "HIS",
            InstitutionId = p.A.Id,
            Business = BusinessKind.His,
            IsCore = true,
            Grading = Grading(ProtectionLevel.Level3, ProtectionLevel.Level3, ProtectionLevel.Level2),
            Filing = new FilingRecord { FiledOn = Today.AddDays(-300), CertificateNumber = "33010001", CertificateIssuedOn = Today.AddDays(-290), PoliceOrgan = "杭州市公安局" },
        };
        p.Portal = new ProtectedSystem
        {
            Name = "门户网站",
            InstitutionId = p.A.Id,
            Business = BusinessKind.Portal,
            InternetFacing = true,
            Grading = Grading(ProtectionLevel.Level2, ProtectionLevel.Level2, ProtectionLevel.Level1),
        };
        p.Lis = new ProtectedSystem { Name = "LIS", InstitutionId = p.B.Id, Business = BusinessKind.Lis };
        p.Pacs = new ProtectedSystem
        {
            Name = "PACS",
            InstitutionId = p.C.Id,
            Business = BusinessKind.Pacs,
            Grading = Grading(ProtectionLevel.Level3, ProtectionLevel.Level2, ProtectionLevel.Level3),
            Filing = new FilingRecord { FiledOn = Today.AddDays(-200), CertificateNumber = "33020001", CertificateIssuedOn = Today.AddDays(-190) },
        };
        db.AddRange(p.A, p.B, p.C, p.AgencyX, p.AgencyY, p.Admin);
        db.AddRange(p.His, p.Portal, p.Lis, p.Pacs);
        db.AddRange(
            new AgencyAssignment { AgencyId = p.AgencyX.Id, SystemId = p.His.Id, AssignedOn = Today.AddDays(-100) },
            new AgencyAssignment { AgencyId = p.AgencyX.Id, SystemId = p.Pacs.Id, AssignedOn = Today.AddDays(-100) },
            new AgencyAssignment { AgencyId = p.AgencyY.Id, SystemId = p.Lis.Id, AssignedOn = Today.AddDays(-100) });

        p.HisAssessment = new AssessmentRecord
        {
            SystemId = p.His.Id,
            Level = 3,
            AssessedOn = Today.AddDays(-30),
            Agency = p.AgencyX.Name,
            AgencyId = p.AgencyX.Id,
            Extensions = ["移动互联"],
            Conclusion = "基本符合",
            Score = 78.5,
            Results =
            [
                new ItemResult { ItemCode = "L3-CES1-01", Result = ItemResultValue.NonConforming, Evidence = "弱口令", Risk = "高", HighRiskCases = ["6.4.3.1"], MajorHazard = true },
                new ItemResult { ItemCode = "L3-CES1-02", Result = ItemResultValue.PartiallyConforming, Risk = "中" },
                new ItemResult { ItemCode = "L3-PES1-01", Result = ItemResultValue.Conforming },
            ],
        };
        p.PacsAssessment = new AssessmentRecord { SystemId = p.Pacs.Id, Level = 3, AssessedOn = Today.AddDays(-400), Agency = p.AgencyX.Name, AgencyId = p.AgencyX.Id, Conclusion = "符合", Score = 92 };
        db.AddRange(p.HisAssessment, p.PacsAssessment);
        db.AddRange(
            new RectificationItem { SystemId = p.His.Id, AssessmentId = p.HisAssessment.Id, ItemCode = "L3-CES1-01", Title = "修改弱口令", DueOn = Today.AddDays(-1) },
            new RectificationItem { SystemId = p.His.Id, AssessmentId = p.HisAssessment.Id, ItemCode = "L3-CES1-02", Title = "双因素认证", DueOn = Today.AddDays(30), Status = RectificationStatus.Fixed },
            new RectificationItem { SystemId = p.Pacs.Id, Title = "关闭3389", Status = RectificationStatus.Verified, DueOn = Today.AddDays(-10) });

        p.StaffA = new PlatformUser
        {
            UserName = "staff-a",
            NormalizedUserName = "STAFF-A",
            DisplayName = "甲医院信息科",
            Role = UserRole.InstitutionStaff,
            InstitutionId = p.A.Id,
        };
        db.Add(p.StaffA);
        db.Add(new AuditEntry { Sequence = 1, Action = "seed", PreviousHash = "", Hash = "00" });
        db.SaveChanges();
        return p;
    }

    private static GradingRecord Grading(ProtectionLevel level, ProtectionLevel s, ProtectionLevel a) => new()
    {
        Level = level,
        BusinessInformationLevel = s,
        SystemServiceLevel = a,
        GradedOn = Today.AddDays(-330),
        ExpertReviewed = level >= ProtectionLevel.Level2,
        Reasons = [$"S{(int)s}A{(int)a}"],
    };
}
