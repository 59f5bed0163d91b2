using MedGuard.Domain.Assessment;
using MedGuard.Domain.Findings;
using MedGuard.Reports.Inputs;
using MedGuard.Standards.Assessment;
using MedGuard.Standards.Catalog;

namespace MedGuard.Reports.Tests;

/// <summary>Records as the platform would hand them over (the server's adapter maps storage to these).</summary>
internal static class SampleRecords
{
    public static readonly DateOnly Today = new(2026, 6, 30);

    public static UnitFacts Unit => new()
    {
        Name = "示范市第一人民医院",
        CreditCode = "12110000400000001X",
        Address = "示范市东城区健康路 1 号",
        RegionCode = "110101",
        RegionName = "东城区",
        Tier = "三甲",
        Head = new ContactFacts("王院长", "院长", "010-60000001", null),
        SecurityDepartment = new ContactFacts("李工", "信息中心", "010-60000002", "it@example.org"),
        PersonalDataRecords = 2_300_000,
    };

    public static SystemFacts His => new()
    {
        Name = "医院信息系统（HIS）",
        ObjectType = "信息系统",
        Business = "医院信息系统（HIS）",
        Description = "门诊、住院、收费与药房业务",
        InServiceSince = new DateOnly(2019, 3, 1),
        InternetFacing = true,
        IsCore = true,
        Assets = [new AssetFacts("IP 地址", "203.0.113.10", "443/tcp, 3389/tcp"), new AssetFacts("域名", "his.example.org")],
    };

    public static GradingFacts Grading => new()
    {
        InformationLevel = 3,
        ServiceLevel = 2,
        Level = 3,
        MatrixEdition = "GB/T 22240-2020",
        Reasons =
        [
            "业务信息安全：社会秩序、公共利益 × 严重损害 → 第三级（GB/T 22240-2020）",
            "系统服务安全：公民、法人和其他组织的合法权益 × 严重损害 → 第二级（GB/T 22240-2020）",
            "定级对象的安全保护等级取两者较高者：S3A2 → 第三级",
        ],
        GradedOn = new DateOnly(2026, 3, 2),
        ExpertReviewed = true,
        ExpertReviewedOn = new DateOnly(2026, 3, 20),
        ExpertReviewers = "张教授（示范大学）",
        Approval = "已核准",
        ApprovedOn = new DateOnly(2026, 4, 1),
        ApprovedBy = "示范市卫健委",
    };

    public static GradingReportInput GradingInput => new(Unit, His, Grading, Today);

    public static FilingFormInput FilingInput => new(Unit with { CreditCode = null }, His, Grading,
        new FilingFacts(new DateOnly(2026, 4, 10), "11010199001-26001", "示范市公安局网安支队", new DateOnly(2026, 4, 20), new DateOnly(2029, 4, 20)),
        new Dictionary<int, int> { [2] = 4, [3] = 2 }, [], Today);

    /// <summary>Every level-3 general item, with results chosen so each kind occurs and one item is a 重大风险隐患.</summary>
    public static AssessmentReportInput AssessmentInput(string template = "2025", bool hazard = true)
    {
        var items = CatalogLoader.Default.ForAssessment(3, []).Select((item, i) => new AssessedItem(item,
            i % 10 == 3 ? ItemResultValue.NonConforming : i % 7 == 1 ? ItemResultValue.PartiallyConforming : i % 17 == 5 ? ItemResultValue.NotApplicable : ItemResultValue.Conforming,
            null,
            i % 10 == 3 ? (i % 20 == 3 ? Severity.High : Severity.Medium) : null,
            i == 3 ? ["6.4.3.1"] : null,
            hazard && i == 3)).ToList();
        return new AssessmentReportInput
        {
            Unit = Unit,
            System = His,
            Level = 3,
            KindName = "等级测评",
            Agency = "示范测评中心",
            AssessedOn = new DateOnly(2026, 6, 1),
            ReportNumber = "CP-2026-0001",
            Template = template,
            Items = items,
            Rectifications = [new RectificationFacts("修改默认口令", items[3].Item.Code, "高", new DateOnly(2026, 7, 1), "待整改", "示范市第一人民医院")],
            IssuedOn = Today,
        };
    }

    public const string PatientId = "110101199001011234";

    public static DetectionNoticeInput NoticeInput => new(Unit, "示范市卫生健康委员会", Today,
    [
        new NoticeFinding
        {
            Asset = "203.0.113.10", System = "医院信息系统（HIS）", Detector = "ports", RuleId = "ports.rdp-exposed", Title = "远程桌面端口暴露于互联网",
            Severity = Severity.High, Target = "203.0.113.10:3389", Evidence = "RDP banner", StandardRefs = ["L3-ABS1-01"], DueOn = new DateOnly(2026, 7, 15),
            Status = "新发现", FirstSeen = new DateOnly(2026, 6, 15),
        },
        new NoticeFinding
        {
            Asset = "his.example.org", Detector = "web", RuleId = "web.pii-exposed", Title = "页面泄露患者个人信息", Severity = Severity.High,
            Target = "https://his.example.org/patient?id=1", Evidence = $"姓名 张三 身份证 {PatientId} 银行卡 6222020200112233445",
            StandardRefs = ["L3-CES1-51"], Cwe = "CWE-359", Remediation = "接口按登录身份返回数据，证件号脱敏显示。", DueOn = new DateOnly(2026, 7, 15),
            Status = "新发现", FirstSeen = new DateOnly(2026, 6, 15),
        },
        new NoticeFinding
        {
            Asset = "his.example.org", Detector = "web", RuleId = "web.server-header", Title = "响应头泄露服务器版本", Severity = Severity.Low,
            Target = "https://his.example.org/", Evidence = "Server: Microsoft-IIS/7.0", StandardRefs = ["L3-CES1-20"], DueOn = new DateOnly(2026, 9, 13),
            Status = "处理中", FirstSeen = new DateOnly(2026, 6, 15),
        },
    ]);

    private static SituationFigure[] Figures(int graded, int filed, int systems, int l3a, int l3, int rect, int needing, int his3, int his) =>
    [
        new("graded", "定级率", graded, systems, "已定级系统数 / 系统总数"),
        new("filed", "备案率", filed, systems, "取得备案证明的系统数 / 系统总数"),
        new("assessed", "三级系统测评率", l3a, l3, "已完成等级测评的三级以上系统数 / 三级以上系统数"),
        new("rectified", "整改率", rect, needing, "整改任务全部关闭的系统数 / 有整改任务的系统数"),
        new("hisLevel3", "HIS 三级定级率", his3, his, "定为三级以上的 HIS 数 / HIS 总数"),
        new("millionRecords", "个人信息 100 万条以上机构占比", 5, 8, "填报个人信息 ≥ 100 万条的机构数 / 作答机构数"),
    ];

    public static SituationReportInput SituationInput => new()
    {
        RegionName = "示范市",
        RegionCode = "1101",
        PeriodStart = new DateOnly(2026, 1, 1),
        PeriodEnd = Today,
        IssuedOn = Today,
        Issuer = "示范市卫生健康委员会",
        Institutions = 12,
        Systems = 33,
        Totals = Figures(19, 15, 33, 16, 19, 4, 10, 9, 11),
        Tiers =
        [
            new SituationGroup("三甲", 4, 15, Figures(12, 10, 15, 10, 11, 3, 6, 4, 4)),
            new SituationGroup("二级", 8, 18, Figures(7, 5, 18, 6, 8, 1, 4, 5, 7)),
        ],
        Regions = [new SituationGroup("东城区", 6, 17, Figures(10, 8, 17, 9, 10, 2, 5, 5, 6)), new SituationGroup("西城区", 6, 16, Figures(9, 7, 16, 7, 9, 2, 5, 4, 5))],
        Rankings = [new InstitutionRanking("示范市第一人民医院", "三甲", "东城区", 5, 5, 5, 3, 3, 0, 100), new InstitutionRanking("示范市第二医院", "二级", "西城区", 3, 1, 0, 0, 0, 2, 16.7)],
        RankingRule = "定级率、备案率、三级系统测评率的平均值（百分制）",
    };
}
