namespace MedGuard.Domain.Reports;

/// <summary>
/// A document the platform generated (定级报告, 备案表, 测评报告, 整改通知, 态势报告): who, when, what and its hash,
/// with the file itself so it can be downloaded again — under the tenant rules of what it is about (the institution,
/// the system, or the regulator's region).
/// </summary>
public sealed class GeneratedReport
{
    public Guid Id { get; set; } = Guid.NewGuid();

    /// <summary>grading / filing / assessment / notice / situation.</summary>
    public required string Kind { get; set; }

    public required string Title { get; set; }

    /// <summary>docx / pdf / xlsx.</summary>
    public required string Format { get; set; }

    public required string FileName { get; set; }

    /// <summary>SM3 of the file as delivered (lower-case hex).</summary>
    public required string ContentHash { get; set; }

    public long SizeBytes { get; set; }

    public byte[] Content { get; set; } = [];

    /// <summary>Carries an SM2 signature (and by whom).</summary>
    public bool Signed { get; set; }

    public string? Signer { get; set; }

    public DateTime GeneratedAt { get; set; }

    /// <summary>The user's name as signed in (display name, user name).</summary>
    public required string GeneratedBy { get; set; }

    public Guid? GeneratedById { get; set; }

    /// <summary>The institution it is about (null for a region's situation report).</summary>
    public Guid? InstitutionId { get; set; }

    /// <summary>The system it is about (定级报告, 备案表, 测评报告).</summary>
    public Guid? SystemId { get; set; }

    public Guid? AssessmentId { get; set; }

    /// <summary>The region it belongs to: the institution's region code, or the situation report's region.</summary>
    public required string Region { get; set; }
}
