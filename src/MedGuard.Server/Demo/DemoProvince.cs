using System.Globalization;
using MedGuard.Domain.Assessment;
using MedGuard.Domain.Institutions;
using MedGuard.Domain.Platform;
using MedGuard.Domain.Systems;

namespace MedGuard.Server.Demo;

/// <summary>
/// A reproducible demo province (演示数据): one municipal regulator (北京市, region 11), the seed's 22 directly
/// affiliated institutions, a few hundred hospitals across tiers, their systems with levels and lifecycle states whose
/// per-tier rates follow <see cref="TierProfile"/>, three assessment agencies, and demo users of every role. The same
/// seed and the same <c>today</c> always give the same province (ids included).
/// </summary>
public sealed class DemoProvince
{
    public const int DefaultSeed = 20250320;
    public const string RegionCode = "11";
    public const string RegionName = "北京市";

    public required IReadOnlyList<Institution> Institutions { get; init; }

    public required IReadOnlyList<AssessmentAgency> Agencies { get; init; }

    /// <summary>Demo accounts, without password hashes or TOTP secrets (the loader makes those fresh).</summary>
    public required IReadOnlyList<PlatformUser> Users { get; init; }

    /// <summary>Districts (区) of the province: code → name, the names from the real 行政区划 table (the demo reads the
    /// table, never the other way round).</summary>
    public static IReadOnlyList<(string Code, string Name)> Districts { get; } =
        [.. new[] { "110101", "110102", "110105", "110106", "110107", "110108", "110109", "110111", "110112", "110113", "110114", "110115", "110116", "110117", "110118", "110119" }
            .Select(code => (code, AdministrativeRegions.Find(code) ?? throw new InvalidOperationException($"行政区划表缺少演示区县 {code}")))];

    // Fictional names: the demo must never be mistaken for a real hospital's security posture.
    private static readonly string[] AffiliatedNames =
    [
        "首都医学中心", "京华医院", "首善医院", "京都友谊医院", "燕京人民医院", "京师中医医院", "北辰儿童医院", "京安胸科医院",
        "京和口腔医院", "京康肿瘤医院", "京仁妇产医院", "京泰积水潭医院", "京宁精神卫生中心", "京平传染病医院", "京瑞眼科医院",
        "京祥康复医院", "北京市演示疾病预防控制中心", "北京市演示急救中心", "北京市演示血液中心", "北京市演示卫生健康监督所",
        "北京市演示妇幼保健院", "北京市演示卫生健康信息中心",
    ];

    private static readonly string[] Stems = ["安和", "博爱", "长青", "承康", "德济", "东方", "恒生", "华康", "嘉禾", "景和", "康宁", "乐仁", "明德", "仁爱", "瑞康", "同心", "新华", "怡和", "永安", "正阳"];

    private static readonly string[] Surnames = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗"];

    private static readonly string[] GivenNames = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "霞", "平"];

    private static readonly (BusinessKind Kind, string Name, GradingObjectType Type, bool Core)[] SystemKinds =
    [
        (BusinessKind.His, "医院信息系统（HIS）", GradingObjectType.InformationSystem, true),
        (BusinessKind.Emr, "电子病历系统（EMR）", GradingObjectType.InformationSystem, true),
        (BusinessKind.Lis, "实验室信息系统（LIS）", GradingObjectType.InformationSystem, true),
        (BusinessKind.Pacs, "医学影像系统（PACS）", GradingObjectType.InformationSystem, true),
        (BusinessKind.Portal, "门户网站", GradingObjectType.InformationSystem, false),
        (BusinessKind.MobileApp, "掌上医院 App", GradingObjectType.MobileInternet, false),
        (BusinessKind.WeChat, "微信公众号预约挂号平台", GradingObjectType.MobileInternet, false),
        (BusinessKind.Platform, "医院信息集成平台", GradingObjectType.InformationSystem, true),
        (BusinessKind.Other, "互联网医院系统", GradingObjectType.InformationSystem, false),
        (BusinessKind.Other, "办公自动化系统（OA）", GradingObjectType.InformationSystem, false),
    ];

    private static readonly string[] ShortfallTitles =
    [
        "服务器未启用登录失败处理功能", "数据库管理员口令复杂度不足", "未对重要数据进行异地备份", "互联网边界未部署入侵防范措施",
        "审计日志留存不足六个月", "远程管理未采用加密通道", "未建立漏洞和风险管理制度", "重要个人信息未加密存储",
        "门户网站存在 SQL 注入漏洞", "高危端口 3389 对互联网开放", "未开展应急演练", "外包运维未签订保密协议",
    ];

    /// <summary>Builds the province. <paramref name="today"/> anchors every date, so deadlines and overdue items are live.</summary>
    public static DemoProvince Generate(DateOnly today, int seed = DefaultSeed)
    {
        var random = new Random(seed);
        var ids = new DeterministicIds(seed);
        var agencies = new List<AssessmentAgency>
        {
            new() { Id = ids.Next(), Name = "京安网络安全等级测评中心（演示）", CreditCode = "91110000DEMO00001A", CertificateNumber = "DJCP-DEMO-001", Region = RegionCode, ContactName = "陈测评" },
            new() { Id = ids.Next(), Name = "华信信息安全测评有限公司（演示）", CreditCode = "91110000DEMO00002B", CertificateNumber = "DJCP-DEMO-002", Region = RegionCode, ContactName = "刘测评" },
            new() { Id = ids.Next(), Name = "中卫数安测评技术有限公司（演示）", CreditCode = "91110000DEMO00003C", CertificateNumber = "DJCP-DEMO-003", Region = RegionCode, ContactName = "周测评" },
        };

        var institutions = new List<Institution>();
        var creditSerial = 0;
        string NextCreditCode() => string.Create(CultureInfo.InvariantCulture, $"12110000DEMO{++creditSerial:D5}X");

        for (var i = 0; i < AffiliatedNames.Length; i++)
        {
            var district = Districts[i % 6]; // the affiliated institutions sit in the central districts
            var isPublicHealth = AffiliatedNames[i].Contains("中心", StringComparison.Ordinal) && i >= 16
                || AffiliatedNames[i].EndsWith("所", StringComparison.Ordinal) || AffiliatedNames[i].EndsWith("保健院", StringComparison.Ordinal);
            institutions.Add(NewInstitution(ids, AffiliatedNames[i], isPublicHealth ? HospitalTier.Other : HospitalTier.TertiaryA,
                district, directly: true, NextCreditCode()));
        }

        var nameSerial = new Dictionary<HospitalTier, int>();
        foreach (var profile in TierProfile.Seed)
        {
            for (var h = 0; h < profile.Hospitals; h++)
            {
                var district = Districts[random.Next(Districts.Count)];
                var n = nameSerial[profile.Tier] = nameSerial.GetValueOrDefault(profile.Tier) + 1;
                var name = profile.Tier switch
                {
                    HospitalTier.TertiaryA => $"{Stems[n % Stems.Length]}{(n > Stems.Length ? "第二" : "")}医院",
                    HospitalTier.Tertiary => $"{district.Name[..^1]}{Stems[n % Stems.Length]}医院",
                    HospitalTier.Secondary => $"{district.Name}第{n}医院",
                    _ => $"{district.Name}{n}号社区卫生服务中心",
                };
                institutions.Add(NewInstitution(ids, name, profile.Tier, district, directly: false, NextCreditCode()));
            }
        }

        // Systems, per institution: HIS first (the survey's HIS question), then a random choice of the others.
        foreach (var institution in institutions)
        {
            var profile = ProfileOf(institution);
            var count = random.Next(profile.MinSystems, profile.MaxSystems + 1);
            var kinds = new List<int> { 0 };
            kinds.AddRange(Enumerable.Range(1, SystemKinds.Length - 1).OrderBy(_ => random.Next()).Take(count - 1));
            foreach (var k in kinds)
            {
                var kind = SystemKinds[k];
                institution.Systems.Add(new ProtectedSystem
                {
                    Id = ids.Next(),
                    InstitutionId = institution.Id,
                    Name = kind.Name,
                    Business = kind.Kind,
                    Type = kind.Type,
                    IsCore = kind.Core,
                    InternetFacing = kind.Kind is BusinessKind.Portal or BusinessKind.MobileApp or BusinessKind.WeChat || kind.Name.StartsWith("互联网", StringComparison.Ordinal),
                    InServiceSince = today.AddDays(-random.Next(400, 3650)),
                    Description = $"{institution.Name}{kind.Name}（演示数据）",
                });
            }

            FillSurvey(institution, profile, random, today);
            FillContacts(institution, ids, random);
        }

        // Lifecycle states by quota within each tier, so that the rates land close to the profile (not only on average).
        foreach (var group in institutions.GroupBy(i => (i.DirectlyAffiliated, i.Tier)))
        {
            var profile = group.Key.DirectlyAffiliated ? TierProfile.DirectlyAffiliated : ProfileOf(group.First());
            ApplyLifecycle(group.ToList(), profile, agencies, ids, random, today);
        }

        // The walk-through: the demo hospital's HIS is assigned to the first agency, whose assessor enters the results.
        var demoHospital = institutions.First(i => i.Name == DemoHospitalName);
        var demoHis = demoHospital.Systems.First(s => s.Business == BusinessKind.His);
        if (demoHis.AgencyAssignments.Count == 0)
        {
            demoHis.AgencyAssignments.Add(new AgencyAssignment
            {
                Id = ids.Next(),
                AgencyId = agencies[0].Id,
                SystemId = demoHis.Id,
                InstitutionId = demoHospital.Id,
                InstitutionRegion = demoHospital.Region,
                AssignedOn = today.AddDays(-10),
            });
        }

        var users = DemoUsers(institutions, agencies, ids);
        AddSelfInspections(institutions, ids, new Random(seed + 1), today);
        return new DemoProvince { Institutions = institutions, Agencies = agencies, Users = users };
    }

    /// <summary>
    /// A few hospitals ran their own 自查 on graded systems — shown as such, never counted as 等级测评. Drawn last, from
    /// a random source of their own, so the rest of the province (ids, rates) stays as it was.
    /// </summary>
    private static void AddSelfInspections(List<Institution> institutions, DeterministicIds ids, Random random, DateOnly today)
    {
        foreach (var system in institutions.SelectMany(i => i.Systems).Where(s => s.Grading is { Level: >= ProtectionLevel.Level2 }))
        {
            if (random.NextDouble() >= 0.06)
            {
                continue;
            }

            var score = Math.Round(60 + (random.NextDouble() * 35), 1);
            system.Assessments.Add(new AssessmentRecord
            {
                Id = ids.Next(),
                SystemId = system.Id,
                Kind = AssessmentKind.SelfInspection,
                Level = (int)system.Grading!.Level,
                AssessedOn = today.AddDays(-random.Next(10, 300)),
                Template = "2025",
                Score = score,
                Conclusion = score > 90 ? "符合" : "基本符合",
            });
        }
    }

    private static DateOnly Min(DateOnly a, DateOnly b) => a < b ? a : b;

    /// <summary>Who approves the demo gradings: the municipal regulator's demo user (its display name).</summary>
    private const string RegulatorDisplayName = "市卫健委 张监管";

    private const string ExpertPanel = "演示专家组：孙专家（京华大学）、钱专家（京安网络安全等级测评中心）";

    /// <summary>The first directly affiliated institution: the demo hospital user's, with an ungraded HIS to walk through.</summary>
    public static string DemoHospitalName => AffiliatedNames[0];

    private static TierProfile ProfileOf(Institution institution) =>
        institution.DirectlyAffiliated ? TierProfile.DirectlyAffiliated
        : TierProfile.Seed.FirstOrDefault(p => p.Tier == institution.Tier) ?? TierProfile.Seed[^1];

    private static Institution NewInstitution(DeterministicIds ids, string name, HospitalTier tier, (string Code, string Name) district, bool directly, string creditCode) => new()
    {
        Id = ids.Next(),
        Name = name,
        Tier = tier,
        Region = district.Code,
        DirectlyAffiliated = directly,
        CreditCode = creditCode,
        Address = $"{RegionName}{district.Name}演示路 {creditCode[^3..^1]} 号",
    };

    private static void FillSurvey(Institution institution, TierProfile profile, Random random, DateOnly today)
    {
        var survey = institution.Survey;
        survey.SurveyedOn = today.AddDays(-random.Next(30, 200));
        survey.SecurityStaffCount = random.NextDouble() < profile.FiveStaffRate ? random.Next(5, 16) : random.Next(0, 5);
        survey.PersonalDataRecords = random.NextDouble() < profile.MillionRecordsRate ? random.Next(1_000_000, 9_000_000) : random.Next(5_000, 999_999);
        survey.UsesCryptoDevices = random.NextDouble() < profile.CryptoDeviceRate;
        survey.UsesCryptoAlgorithms = random.NextDouble() < profile.CryptoAlgorithmRate;
        survey.UsesDomesticCryptoProducts = random.NextDouble() < profile.DomesticCryptoRate;
        survey.UsesDomesticOperatingSystem = random.NextDouble() < 0.05;
        survey.UsesDomesticDatabase = random.NextDouble() < 0.05;
        survey.UsesDomesticMiddleware = random.NextDouble() < 0.05;
        survey.LacksProfessionals = random.NextDouble() < 0.628; // 62.8% name the lack of professionals (seed)
    }

    private static void FillContacts(Institution institution, DeterministicIds ids, Random random)
    {
        institution.Contacts.Add(new InstitutionContact
        {
            Id = ids.Next(),
            InstitutionId = institution.Id,
            Role = ContactRole.SecurityDepartment,
            Name = Surnames[random.Next(Surnames.Length)] + GivenNames[random.Next(GivenNames.Length)],
            Title = "信息中心主任",
            Phone = string.Create(CultureInfo.InvariantCulture, $"1390000{random.Next(0, 9999):D4}"),
        });
    }

    private static void ApplyLifecycle(List<Institution> group, TierProfile profile, List<AssessmentAgency> agencies, DeterministicIds ids, Random random, DateOnly today)
    {
        var systems = group.SelectMany(i => i.Systems.Select(s => (Institution: i, System: s))).OrderBy(_ => random.Next()).ToList();
        var graded = (int)Math.Round(systems.Count * profile.GradedRate);
        var filed = (int)Math.Round(systems.Count * profile.FiledRate);

        // HIS of this tier graded at level 3 by quota; other core systems mostly 3 in big hospitals, 2 elsewhere.
        var gradedHis = systems.Take(graded).Where(x => x.System.Business == BusinessKind.His).ToList();
        var hisLevel3 = (int)Math.Round(gradedHis.Count * profile.HisLevel3Rate);
        var level3His = gradedHis.Take(hisLevel3).Select(x => x.System.Id).ToHashSet();
        var bigHospital = profile.Tier == HospitalTier.TertiaryA;

        for (var n = 0; n < graded; n++)
        {
            var (institution, system) = systems[n];
            if (institution.Name == DemoHospitalName && system.Business == BusinessKind.His)
            {
                continue; // the demo hospital's HIS stays ungraded: the walk-through grades it
            }

            int level;
            if (system.Business == BusinessKind.His)
            {
                level = level3His.Contains(system.Id) ? 3 : 2;
            }
            else if (system.IsCore)
            {
                level = random.NextDouble() < (bigHospital ? 0.6 : 0.2) ? 3 : 2;
            }
            else
            {
                level = random.NextDouble() < 0.1 ? 1 : 2;
            }

            var gradedOn = today.AddDays(-random.Next(60, 1400));
            var s = level;
            var a = Math.Max(1, level - random.Next(0, 2));
            system.Grading = new GradingRecord
            {
                Id = ids.Next(),
                SystemId = system.Id,
                BusinessInformationLevel = ProtectionLevelNames.FromNumber(s),
                SystemServiceLevel = ProtectionLevelNames.FromNumber(a),
                Level = ProtectionLevelNames.FromNumber(level),
                MatrixEdition = "GB/T 22240-2020",
                Reasons = [$"演示数据：业务信息安全第{s}级，系统服务安全第{a}级，取较高者"],
                GradedOn = gradedOn,
                // Level ≥ 2: reviewed by experts, asked for 核准 by the hospital, approved by the municipal regulator.
                ExpertReviewed = level >= 2,
                ExpertReviewedOn = level >= 2 ? gradedOn.AddDays(7) : null,
                ExpertReviewers = level >= 2 ? ExpertPanel : null,
                ApprovalRequestedOn = level >= 2 ? gradedOn.AddDays(8) : null,
                SupervisorApproved = level >= 2,
                SupervisorApprovedOn = level >= 2 ? gradedOn.AddDays(14) : null,
                ApprovalDecidedBy = level >= 2 ? RegulatorDisplayName : null,
                ApprovalDecidedAt = level >= 2 ? gradedOn.AddDays(14).ToDateTime(new TimeOnly(2, 0), DateTimeKind.Utc) : null,
            };

            if (n < filed && level >= 2)
            {
                var filedOn = gradedOn.AddDays(random.Next(15, 60));
                system.Filing = new FilingRecord
                {
                    Id = ids.Next(),
                    SystemId = system.Id,
                    FiledOn = filedOn,
                    CertificateNumber = string.Create(CultureInfo.InvariantCulture, $"11010{random.Next(10, 99)}{filedOn.Year}0{random.Next(1000, 9999)}"),
                    PoliceOrgan = "北京市公安局网络安全保卫总队",
                    // Every demo filing has its 备案证明 (已备案), issued no later than today.
                    CertificateIssuedOn = Min(filedOn.AddDays(10), today),
                    CertificateValidUntil = Min(filedOn.AddDays(10), today).AddYears(3),
                };
            }
        }

        // 三级系统测评率: of the level-3 systems, the quota that has a completed assessment.
        var level3 = systems.Where(x => x.System.Grading?.Level == ProtectionLevel.Level3).ToList();
        var assessedCount = (int)Math.Round(level3.Count * profile.Level3AssessedRate);
        var assessedSystems = level3.Take(assessedCount).ToList();
        // A few level-2 systems are assessed too (every two years in the health sector).
        // A tenth of the filed level-2 systems are assessed too (every two years in the health sector).
        var filedLevel2 = systems.Where(x => x.System.Grading?.Level == ProtectionLevel.Level2 && x.System.Filing is not null).ToList();
        assessedSystems.AddRange(filedLevel2.Take((int)Math.Round(filedLevel2.Count * 0.1)));

        foreach (var (institution, system) in assessedSystems)
        {
            var agency = agencies[random.Next(agencies.Count)];
            var assessedOn = today.AddDays(-random.Next(20, 560));
            var score = Math.Round(55 + (random.NextDouble() * 42), 1);
            var major = random.NextDouble() < 0.08;
            var assessment = new AssessmentRecord
            {
                Id = ids.Next(),
                SystemId = system.Id,
                Level = (int)system.Grading!.Level,
                Agency = agency.Name,
                AgencyId = agency.Id,
                AssessedOn = assessedOn,
                ReportNumber = string.Create(CultureInfo.InvariantCulture, $"DEMO-{assessedOn.Year}-{random.Next(10000, 99999)}"),
                Template = "2025",
                Score = score,
                Conclusion = major || score < 60 ? "不符合" : score > 90 ? "符合" : "基本符合",
            };
            system.Assessments.Add(assessment);
            system.AgencyAssignments.Add(new AgencyAssignment
            {
                Id = ids.Next(),
                AgencyId = agency.Id,
                SystemId = system.Id,
                InstitutionId = institution.Id,
                InstitutionRegion = institution.Region,
                AssignedOn = assessedOn.AddDays(-30),
            });

            var shortfalls = random.Next(2, 7);
            foreach (var title in ShortfallTitles.OrderBy(_ => random.Next()).Take(shortfalls))
            {
                var task = new RectificationItem
                {
                    Id = ids.Next(),
                    SystemId = system.Id,
                    AssessmentId = assessment.Id,
                    Title = title,
                    Risk = random.NextDouble() < 0.3 ? "高" : random.NextDouble() < 0.6 ? "中" : "低",
                    Owner = "信息中心",
                    CreatedOn = assessedOn.AddDays(5),
                    DueOn = assessedOn.AddDays(95),
                };
                system.Rectifications.Add(task);
            }
        }

        // 整改率 (per system, as the survey counts it): the quota of assessed systems whose every task is closed
        // (fixed, re-tested, or risk accepted); the others keep at least one task open.
        var withTasks = assessedSystems.Select(x => x.System).Where(s => s.Rectifications.Count > 0).OrderBy(_ => random.Next()).ToList();
        var rectifiedSystems = (int)Math.Round(withTasks.Count * profile.RectifiedRate);
        foreach (var (system, n) in withTasks.Select((s, n) => (s, n)))
        {
            var closedTasks = n < rectifiedSystems ? system.Rectifications.Count : random.Next(0, system.Rectifications.Count);
            foreach (var (task, k) in system.Rectifications.Select((t, k) => (t, k)))
            {
                if (k < closedTasks)
                {
                    var verified = random.NextDouble() < 0.6;
                    task.Status = verified ? RectificationStatus.Verified : RectificationStatus.Fixed;
                    task.FixedOn = task.CreatedOn!.Value.AddDays(random.Next(10, 80));
                    task.FixEvidence = "已按整改方案完成加固，附配置截图（演示数据）";
                    if (verified)
                    {
                        task.RetestedOn = task.FixedOn.Value.AddDays(14);
                        task.RetestPassed = true;
                        task.RetestNote = "复测通过";
                    }
                }
                else
                {
                    task.Status = random.NextDouble() < 0.4 ? RectificationStatus.InProgress : RectificationStatus.Open;
                }
            }
        }
    }

    private static List<PlatformUser> DemoUsers(List<Institution> institutions, List<AssessmentAgency> agencies, DeterministicIds ids)
    {
        var demoHospital = institutions.First(i => i.Name == DemoHospitalName);
        var other = institutions.First(i => i.Tier == HospitalTier.Secondary && i.Region != demoHospital.Region);
        PlatformUser User(string name, string display, UserRole role, string? region = null, Guid? institution = null, Guid? agency = null) => new()
        {
            Id = ids.Next(),
            UserName = name,
            NormalizedUserName = name.ToUpperInvariant(),
            DisplayName = display,
            Role = role,
            Region = region,
            InstitutionId = institution,
            AgencyId = agency,
        };

        return
        [
            User("admin", "平台管理员", UserRole.Admin),
            User("regulator", RegulatorDisplayName, UserRole.RegulatorStaff, region: RegionCode),
            User("haidian", "海淀区卫健委 李监管", UserRole.RegulatorStaff, region: "110108"),
            User("hospital", $"{demoHospital.Name} 王工", UserRole.InstitutionStaff, institution: demoHospital.Id),
            User("hospital2", $"{other.Name} 赵工", UserRole.InstitutionStaff, institution: other.Id),
            User("assessor", $"{agencies[0].Name} 陈测评", UserRole.AgencyStaff, agency: agencies[0].Id),
            User("assessor2", $"{agencies[1].Name} 刘测评", UserRole.AgencyStaff, agency: agencies[1].Id),
        ];
    }

    /// <summary>Guids from the seed, so that two runs give the same ids (links in notes and tests stay valid).</summary>
    private sealed class DeterministicIds(int seed)
    {
        private readonly Random random = new(seed ^ 0x5EED);

        public Guid Next()
        {
            Span<byte> bytes = stackalloc byte[16];
            random.NextBytes(bytes);
            bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40); // version 4 layout
            bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
            return new Guid(bytes);
        }
    }
}
