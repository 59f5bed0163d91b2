using MedGuard.Standards.Yaml;

namespace MedGuard.Standards.Obligations;

/// <summary>
/// Computes deadlines from a system's level and dates, using the periods in Obligations/Data/obligations.yaml.
/// Our documented readings where the sources are terse: the first assessment is due one period after filing (or
/// grading, before filing); each assessment completed while the 备案证明 is valid extends it by one year.
/// </summary>
public sealed class ObligationPolicy
{
    private static readonly Lazy<ObligationPolicy> Embedded =
        new(() => Parse(EmbeddedData.Read("obligations/obligations.yaml"), "obligations/obligations.yaml"));

    public static ObligationPolicy Default => Embedded.Value;

    public int FilingFromLevel { get; private init; }

    public int FilingDaysAfterGrading { get; private init; }

    public int PoliceResponseWorkingDays { get; private init; }

    public string FilingBasis { get; private init; } = "";

    public int CertificateValidityYears { get; private init; }

    public int CertificateExtensionYears { get; private init; }

    public string CertificateBasis { get; private init; } = "";

    public IReadOnlyDictionary<int, int> AssessmentMonthsByLevel { get; private init; } = new Dictionary<int, int>();

    public string AssessmentBasis { get; private init; } = "";

    public int CriticalInfrastructureMonths { get; private init; }

    public string CriticalInfrastructureBasis { get; private init; } = "";

    public (string Article, string Fine, string Manager) OperatorPenalty { get; private init; }

    public (string Article, string Fine, string Manager) CriticalInfrastructurePenalty { get; private init; }

    public ObligationSchedule Evaluate(ObligationFacts facts, DateOnly asOf)
    {
        if (facts.Level is < 1 or > 5)
        {
            throw new ArgumentOutOfRangeException(nameof(facts), facts.Level, "等级应为 1–5");
        }

        var items = new List<Obligation> { FilingObligation(facts, asOf) };
        var (certificate, validUntil) = CertificateObligation(facts, asOf);
        if (certificate is not null)
        {
            items.Add(certificate);
        }

        var lastAssessment = facts.AssessmentDates.Count > 0 ? facts.AssessmentDates.Max() : (DateOnly?)null;
        var months = AssessmentMonthsByLevel.GetValueOrDefault(facts.Level);
        DateOnly? nextDue = null;
        if (months > 0)
        {
            var from = lastAssessment ?? facts.FiledOn ?? facts.GradedOn;
            nextDue = from?.AddMonths(months);
            var period = months % 12 == 0 ? $"每{(months == 12 ? "" : (months / 12).ToString(System.Globalization.CultureInfo.InvariantCulture))}年" : $"每{months}个月";
            items.Add(new Obligation(
                ObligationKind.Assessment,
                "等级测评",
                StatusFor(nextDue, asOf),
                nextDue,
                $"第{Numeral(facts.Level)}级{period}至少开展一次等级测评" + (lastAssessment is { } l ? $"；上次测评 {l:yyyy-MM-dd}" : "；尚无测评记录"),
                AssessmentBasis));
        }
        else
        {
            items.Add(new Obligation(ObligationKind.Assessment, "等级测评", ObligationStatus.NotRequired, null, "第一级不强制开展等级测评", AssessmentBasis));
        }

        if (facts.IsCriticalInfrastructure)
        {
            var from = lastAssessment ?? facts.FiledOn ?? facts.GradedOn;
            var due = from?.AddMonths(CriticalInfrastructureMonths);
            items.Add(new Obligation(
                ObligationKind.CriticalInfrastructureAssessment,
                "关键信息基础设施年度检测评估",
                StatusFor(due, asOf),
                due,
                "关键信息基础设施运营者每年至少进行一次检测评估，并报送检测评估情况和改进措施",
                CriticalInfrastructureBasis));
            if (due is { } d && (nextDue is null || d < nextDue))
            {
                nextDue = d;
            }
        }

        var overdue = items.Where(i => i.Status == ObligationStatus.Overdue).ToList();
        string? exposure = null;
        if (overdue.Count > 0)
        {
            var penalty = facts.IsCriticalInfrastructure && overdue.Any(o => o.Kind == ObligationKind.CriticalInfrastructureAssessment)
                ? CriticalInfrastructurePenalty
                : OperatorPenalty;
            exposure = $"《网络安全法》{penalty.Article}：由有关主管部门责令改正，给予警告；拒不改正或者导致危害网络安全等后果的，"
                + $"处{penalty.Fine}罚款，对直接负责的主管人员处{penalty.Manager}罚款。逾期事项：{string.Join("、", overdue.Select(o => o.Title))}";
        }

        return new ObligationSchedule(asOf, items, validUntil, nextDue, exposure);
    }

    /// <summary>What Art. 59 exposes the operator to if these obligations are not met (shown before anything is overdue).</summary>
    public string Article59Warning(bool criticalInfrastructure)
    {
        var penalty = criticalInfrastructure ? CriticalInfrastructurePenalty : OperatorPenalty;
        return $"未履行上述等级保护义务的，依《网络安全法》{penalty.Article}责令改正、给予警告；拒不改正或者导致危害网络安全等后果的，处{penalty.Fine}罚款，对直接负责的主管人员处{penalty.Manager}罚款";
    }

    private Obligation FilingObligation(ObligationFacts facts, DateOnly asOf)
    {
        if (facts.Level < FilingFromLevel)
        {
            return new Obligation(ObligationKind.Filing, "公安机关备案", ObligationStatus.NotRequired, null, "第一级无需备案", FilingBasis);
        }

        var due = facts.GradedOn?.AddDays(FilingDaysAfterGrading);
        if (facts.FiledOn is { } filed)
        {
            var late = due is { } dd && filed > dd ? $"（晚于期限 {dd:yyyy-MM-dd}）" : "";
            return new Obligation(ObligationKind.Filing, "公安机关备案", ObligationStatus.Done, due, $"已于 {filed:yyyy-MM-dd} 备案{late}", FilingBasis);
        }

        var detail = $"第二级及以上应在定级后 {FilingDaysAfterGrading} 日内到所在地设区的市级以上公安机关备案；公安机关 {PoliceResponseWorkingDays} 个工作日内审核"
            + (facts.Level >= 5 ? "（第五级到省级公安机关备案）" : "");
        return new Obligation(ObligationKind.Filing, "公安机关备案", StatusFor(due, asOf), due, detail, FilingBasis);
    }

    private (Obligation? Obligation, DateOnly? ValidUntil) CertificateObligation(ObligationFacts facts, DateOnly asOf)
    {
        var issued = facts.CertificateIssuedOn ?? facts.FiledOn;
        if (facts.Level < FilingFromLevel || issued is not { } from)
        {
            return (null, null);
        }

        var validUntil = from.AddYears(CertificateValidityYears);
        foreach (var assessed in facts.AssessmentDates.Order())
        {
            // Only an assessment completed while the certificate is still valid extends it.
            if (assessed >= from && assessed <= validUntil)
            {
                validUntil = validUntil.AddYears(CertificateExtensionYears);
            }
        }

        var status = asOf > validUntil ? ObligationStatus.Overdue : ObligationStatus.Due;
        var detail = $"备案证明自 {from:yyyy-MM-dd} 起有效 {CertificateValidityYears} 年，每完成一次等级测评延长 {CertificateExtensionYears} 年；有效期至 {validUntil:yyyy-MM-dd}"
            + (status == ObligationStatus.Overdue ? "，已过期，应重新备案" : "");
        return (new Obligation(ObligationKind.CertificateValidity, "备案证明有效期", status, validUntil, detail, CertificateBasis), validUntil);
    }

    private static ObligationStatus StatusFor(DateOnly? due, DateOnly asOf) =>
        due is { } d && asOf > d ? ObligationStatus.Overdue : ObligationStatus.Due;

    private static string Numeral(int level) => MedGuard.Domain.Systems.ProtectionLevelNames.Numeral(level);

    internal static ObligationPolicy Parse(string text, string file)
    {
        var root = YamlDocumentReader.LoadMapping(text, file);
        root.OnlyKeys(file, "filing", "certificate", "assessment", "criticalInfrastructure", "penalties");
        var filing = root.Get("filing")!.Mapping(file, "filing");
        var certificate = root.Get("certificate")!.Mapping(file, "certificate");
        var assessment = root.Get("assessment")!.Mapping(file, "assessment");
        var cii = root.Get("criticalInfrastructure")!.Mapping(file, "criticalInfrastructure");
        var penalties = root.Get("penalties")!.Mapping(file, "penalties");
        var months = new Dictionary<int, int>();
        foreach (var (k, v) in assessment.Get("monthsByLevel")!.Mapping(file, "monthsByLevel").Children)
        {
            months[k.Int(file, "级别")] = v.Int(file, "月数");
        }

        for (var level = 1; level <= 5; level++)
        {
            if (!months.ContainsKey(level))
            {
                throw new DataFileException(file, assessment.Line(), $"monthsByLevel 缺少第{level}级");
            }
        }

        (string, string, string) Penalty(string key)
        {
            var p = penalties.Get(key)!.Mapping(file, key);
            return (p.RequiredString("article", file), p.RequiredString("fine", file), p.RequiredString("manager", file));
        }

        return new ObligationPolicy
        {
            FilingFromLevel = filing.Get("fromLevel")!.Int(file, "fromLevel"),
            FilingDaysAfterGrading = filing.Get("daysAfterGrading")!.Int(file, "daysAfterGrading"),
            PoliceResponseWorkingDays = filing.Get("policeResponseWorkingDays")!.Int(file, "policeResponseWorkingDays"),
            FilingBasis = filing.RequiredString("basis", file),
            CertificateValidityYears = certificate.Get("validityYears")!.Int(file, "validityYears"),
            CertificateExtensionYears = certificate.Get("extensionYearsPerAssessment")!.Int(file, "extensionYearsPerAssessment"),
            CertificateBasis = certificate.RequiredString("basis", file),
            AssessmentMonthsByLevel = months,
            AssessmentBasis = assessment.RequiredString("basis", file),
            CriticalInfrastructureMonths = cii.Get("months")!.Int(file, "months"),
            CriticalInfrastructureBasis = cii.RequiredString("basis", file),
            OperatorPenalty = Penalty("operator"),
            CriticalInfrastructurePenalty = Penalty("criticalInfrastructure"),
        };
    }
}
