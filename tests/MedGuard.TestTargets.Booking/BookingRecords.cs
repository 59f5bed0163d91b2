namespace MedGuard.TestTargets.Booking;

// The service's entities as immutable records: the store swaps a record on each change, so the snapshots tests read
// never change under them.

/// <summary>科室 (department). A hospital marks one department for testers: 测试科室（勿约）.</summary>
public sealed record Department(long DeptId, string DeptName, bool IsTestDept);

/// <summary>医生 (doctor) of a department.</summary>
public sealed record Doctor(long DoctorId, string DoctorName, string Title, long DeptId);

/// <summary>排班号源 (schedule): Status "1" 可约, "0" 已满, "2" 未开放.</summary>
public sealed record Schedule(long ScheduleId, long DoctorId, DateOnly RegDate, string TimeFlag, decimal RegFee, int LeftNum, string Status)
{
    public const string Open = "1";
    public const string Full = "0";
    public const string NotReleased = "2";
}

/// <summary>A WeChat user of the official account (公众号). Test identities have a fixed login code.</summary>
public sealed record WxAccount(string OpenId, string NickName, string? LoginCode)
{
    public bool IsTestIdentity => LoginCode is not null;
}

/// <summary>就诊人 (patient card) bound to an account; unbinding keeps the record with Bound = false.</summary>
public sealed record PatientCard(long PatientId, string OpenId, string PatientName, string IdCardNo, string Phone, string CardNo, bool Bound);

public enum OrderStatus
{
    Unpaid, // 待支付 "0"
    Paid, // 已支付 "1"
    Cancelled, // 已取消 "2"
}

/// <summary>挂号订单 (registration order). PayAmount is what the order asks; PaidAmount what the payment carried.</summary>
public sealed record RegOrder(
    long OrderId,
    string OrderNo,
    string OpenId,
    long PatientId,
    long ScheduleId,
    decimal PayAmount,
    OrderStatus Status,
    DateTimeOffset CreateTime,
    DateTimeOffset? CancelTime = null,
    string? CancelledBy = null,
    decimal? PaidAmount = null);

/// <summary>检验报告 (lab report) of a patient card.</summary>
public sealed record LabReport(long ReportId, string OpenId, long PatientId, string ReportName, DateOnly ReportDate, IReadOnlyList<LabItem> Items);

public sealed record LabItem(string ItemName, string Result, string Unit, string RefRange, string Flag);
