using MedGuard.Domain.Institutions;
using MedGuard.Domain.Systems;
using MedGuard.Standards.Obligations;

namespace MedGuard.Standards.Grading;

/// <summary>
/// Grades one object per GB/T 22240-2020: the level for business information (S) and for system service (A) from
/// the matrix, the higher of the two, then the special rules that raise it — each raise with its reason — and the
/// health-sector floor as a warning (a rule of the sector's regulator, not of the standard).
/// </summary>
public sealed class Grader(ObligationPolicy? obligations = null)
{
    private readonly ObligationPolicy obligations = obligations ?? ObligationPolicy.Default;

    public GradingResult Grade(GradingRequest request)
    {
        CheckObjectType(request);
        var matrix = GradingMatrices.Get(request.MatrixEdition);
        var infoObject = matrix.Object(request.InformationObject);
        var serviceObject = matrix.Object(request.ServiceObject);
        var s = matrix.LevelOf(infoObject, request.InformationDegree);
        var a = matrix.LevelOf(serviceObject, request.ServiceDegree);

        var reasons = new List<string>
        {
            $"业务信息安全：{infoObject.Name} × {request.InformationDegree.ToChinese()} → 第{Numeral(s)}级（{matrix.Edition}）",
            $"系统服务安全：{serviceObject.Name} × {request.ServiceDegree.ToChinese()} → 第{Numeral(a)}级（{matrix.Edition}）",
            $"定级对象的安全保护等级取两者较高者：S{s}A{a} → 第{Numeral(Math.Max(s, a))}级",
        };
        var warnings = new List<string>();
        var level = Math.Max(s, a);

        if (request.ObjectType == GradingObjectType.BigData && level < 3)
        {
            level = 3;
            reasons.Add("特殊规则：大数据（平台/应用/资源）原则上不低于第三级（GB/T 22240-2020）→ 提升至第三级");
        }

        if (request.IsCriticalInfrastructure && level < 3)
        {
            level = 3;
            reasons.Add("特殊规则：关键信息基础设施原则上不低于第三级 → 提升至第三级");
        }

        if (request.CarriedMaxLevel is { } carried)
        {
            if (carried is < 1 or > 5)
            {
                throw new GradingException($"承载对象的等级 {carried} 超出 1–5");
            }

            if (carried > level)
            {
                level = carried;
                reasons.Add($"特殊规则：支撑平台不低于其承载对象的等级（承载对象最高第{Numeral(carried)}级）→ 提升至第{Numeral(carried)}级");
            }
        }

        if (request.HospitalTier == HospitalTier.TertiaryA && request.IsCoreBusinessSystem && level < 3)
        {
            warnings.Add("行业要求：三级甲等医院的核心业务系统原则上不低于第三级（卫办发〔2011〕85号），当前定级偏低，请复核");
        }

        if (request.ObjectType == GradingObjectType.DataResource && !matrix.Edition.Contains("2025", StringComparison.Ordinal))
        {
            warnings.Add("“数据资源”作为定级对象类型见于 2025 年备案表，建议使用 2025 年备案表矩阵定级");
        }

        warnings.AddRange(TypeNotes(request.ObjectType));
        var gradedOn = request.GradedOn ?? DateOnly.FromDateTime(DateTime.Today);
        return new GradingResult(level, s, a, matrix.Edition, reasons, warnings, NextSteps(level, request, gradedOn));
    }

    private static void CheckObjectType(GradingRequest request)
    {
        if (request.ObjectType == GradingObjectType.SingleDevice)
        {
            throw new GradingException(
                "单一设备（如服务器、终端、网络设备）不单独定级：定级对象应具有确定的安全责任单位、承载相对独立的业务应用，"
                + "并由相关的和配套的设备、设施组成（GB/T 22240-2020）。请将该设备归入其所支撑的信息系统一并定级。");
        }

        var isSupportingPlatform = request.ObjectType is GradingObjectType.CloudPlatform or GradingObjectType.BasicNetwork or GradingObjectType.BigData;
        if (request.CarriedMaxLevel is not null && !isSupportingPlatform)
        {
            throw new GradingException("“承载对象等级”只适用于支撑平台（云计算平台、基础信息网络、大数据平台）");
        }
    }

    private static IEnumerable<string> TypeNotes(GradingObjectType type) => type switch
    {
        GradingObjectType.IndustrialControl => ["工业控制系统：现场设备层、现场控制层和过程监控层作为一个整体定级，各层次要素不单独定级"],
        GradingObjectType.InternetOfThings => ["物联网：感知层、网络传输层和处理应用层作为一个整体定级"],
        GradingObjectType.MobileInternet => ["移动互联系统：移动终端、移动应用、无线网络及后台应用系统作为一个整体定级"],
        GradingObjectType.CloudPlatform => ["云计算平台：云服务方平台与云租户系统分别定级；大型平台应将基础设施与辅助服务系统划分为不同定级对象"],
        GradingObjectType.BasicNetwork => ["基础信息网络：按服务类型、服务地域和安全责任主体划分定级对象"],
        _ => [],
    };

    private List<GradingStep> NextSteps(int level, GradingRequest request, DateOnly gradedOn)
    {
        var reviewNeeded = level >= 2;
        var steps = new List<GradingStep>
        {
            new("确定定级对象", true, "已完成：对象类型与边界已确定"),
            new("初步确定等级", true, $"已完成：第{Numeral(level)}级，编写定级报告"),
            new("专家评审", reviewNeeded, reviewNeeded ? "第二级及以上须组织专家评审定级结果" : "第一级可不组织专家评审"),
            new("主管部门核准", reviewNeeded, reviewNeeded
                ? "报行业主管部门（卫生健康行政部门）审核；医疗卫生机构网络安全管理办法要求定级结果经主管部门核准"
                : "第一级由运营者自主定级"),
        };

        var facts = new ObligationFacts { Level = level, IsCriticalInfrastructure = request.IsCriticalInfrastructure, GradedOn = gradedOn };
        var schedule = obligations.Evaluate(facts, gradedOn);
        foreach (var obligation in schedule.Items)
        {
            steps.Add(new GradingStep(obligation.Title, obligation.Status != ObligationStatus.NotRequired, obligation.Detail, obligation.DueOn, obligation.StatusName));
        }

        steps.Add(new GradingStep(
            "法律责任",
            schedule.Article59Exposure is not null,
            schedule.Article59Exposure ?? obligations.Article59Warning(request.IsCriticalInfrastructure),
            null,
            schedule.Article59Exposure is null ? "提示" : "已逾期"));

        return steps;
    }

    internal static string Numeral(int level) => ProtectionLevelNames.Numeral(level);
}
