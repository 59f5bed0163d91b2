namespace MedGuard.Reports.Inputs;

/// <summary>A grading object (定级对象) as the platform holds it.</summary>
public sealed record SystemFacts
{
    public required string Name { get; init; }

    /// <summary>Object type in Chinese (信息系统, 云计算平台…).</summary>
    public required string ObjectType { get; init; }

    /// <summary>Business kind in Chinese (医院信息系统 (HIS)…).</summary>
    public required string Business { get; init; }

    public string? Description { get; init; }

    public DateOnly? InServiceSince { get; init; }

    public bool InternetFacing { get; init; }

    public bool IsCriticalInfrastructure { get; init; }

    public bool IsCore { get; init; }

    /// <summary>The assets the object is made of (构成): addresses, domains, apps, official accounts.</summary>
    public IReadOnlyList<AssetFacts> Assets { get; init; } = [];
}

/// <summary>One asset of an object: kind in Chinese (IP 地址, 域名, 移动应用…), its value, and its open ports if known.</summary>
public sealed record AssetFacts(string Kind, string Value, string? Ports = null, string? Note = null);

/// <summary>定级 as recorded: S and A levels, the final level, why, and the review steps.</summary>
public sealed record GradingFacts
{
    public required int InformationLevel { get; init; } // S

    public required int ServiceLevel { get; init; }     // A

    public required int Level { get; init; }

    public required string MatrixEdition { get; init; }

    public IReadOnlyList<string> Reasons { get; init; } = [];

    public required DateOnly GradedOn { get; init; }

    public bool ExpertReviewed { get; init; }

    public DateOnly? ExpertReviewedOn { get; init; }

    public string? ExpertReviewers { get; init; }

    /// <summary>主管部门核准 state in Chinese (未申请 / 待核准 / 已核准 / 未予核准).</summary>
    public required string Approval { get; init; }

    public DateOnly? ApprovedOn { get; init; }

    public string? ApprovedBy { get; init; }

    public string Notation => $"S{InformationLevel}A{ServiceLevel}";
}

/// <summary>备案 as recorded.</summary>
public sealed record FilingFacts(DateOnly FiledOn, string? CertificateNumber, string? PoliceOrgan, DateOnly? CertificateIssuedOn, DateOnly? CertificateValidUntil);
