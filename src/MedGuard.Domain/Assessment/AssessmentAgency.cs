namespace MedGuard.Domain.Assessment;

/// <summary>测评机构 — an assessment agency; it sees only the systems assigned to it.</summary>
public sealed class AssessmentAgency
{
    public Guid Id { get; set; } = Guid.NewGuid();

    public required string Name { get; set; }

    /// <summary>统一社会信用代码.</summary>
    public string? CreditCode { get; set; }

    /// <summary>测评机构推荐证书编号.</summary>
    public string? CertificateNumber { get; set; }

    public string? Region { get; set; }

    public string? ContactName { get; set; }

    public string? ContactPhone { get; set; }

    public List<AgencyAssignment> Assignments { get; set; } = [];
}

/// <summary>An agency engaged for one protected system (委托测评): what the agency's tenant filter is made of.</summary>
public sealed class AgencyAssignment
{
    public Guid Id { get; set; } = Guid.NewGuid();

    public Guid AgencyId { get; set; }

    public AssessmentAgency? Agency { get; set; }

    public Guid SystemId { get; set; }

    /// <summary>The system's institution — kept by storage on every save (callers need not set it); copied here so the
    /// tenant filters can test an assignment without walking back to the institution.</summary>
    public Guid InstitutionId { get; set; }

    /// <summary>The institution's region, kept by storage like <see cref="InstitutionId"/>.</summary>
    public string InstitutionRegion { get; set; } = "";

    public DateOnly AssignedOn { get; set; }

    /// <summary>End of the engagement, if any; the filter still counts an ended assignment (history stays readable).</summary>
    public DateOnly? EndsOn { get; set; }
}
