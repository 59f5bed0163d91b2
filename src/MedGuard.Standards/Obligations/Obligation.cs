namespace MedGuard.Standards.Obligations;

public enum ObligationKind
{
    Filing,                // 备案
    CertificateValidity,   // 备案证明有效期
    Assessment,            // 等级测评
    CriticalInfrastructureAssessment, // 关基年度检测评估
}

public enum ObligationStatus
{
    NotRequired, // 不适用
    Done,        // 已完成
    Due,         // 待办
    Overdue,     // 已逾期
}

/// <summary>One duty with its deadline and where it comes from.</summary>
public sealed record Obligation(ObligationKind Kind, string Title, ObligationStatus Status, DateOnly? DueOn, string Detail, string Basis)
{
    public string StatusName => Status switch
    {
        ObligationStatus.NotRequired => "不适用",
        ObligationStatus.Done => "已完成",
        ObligationStatus.Due => "待办",
        _ => "已逾期",
    };
}

/// <summary>The obligations of one system on a given day, and its exposure under Art. 59 when something is overdue.</summary>
public sealed record ObligationSchedule(
    DateOnly AsOf,
    IReadOnlyList<Obligation> Items,
    DateOnly? CertificateValidUntil,
    DateOnly? NextAssessmentDue,
    string? Article59Exposure)
{
    public IEnumerable<Obligation> Overdue => Items.Where(i => i.Status == ObligationStatus.Overdue);
}
