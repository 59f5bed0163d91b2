using MedGuard.Domain.Systems;

namespace MedGuard.Domain.Institutions;

/// <summary>A health institution (医疗卫生机构) — the operator (网络运营者) of its protected systems.</summary>
public sealed class Institution
{
    public Guid Id { get; set; } = Guid.NewGuid();

    public required string Name { get; set; }

    /// <summary>统一社会信用代码, when known.</summary>
    public string? CreditCode { get; set; }

    public HospitalTier Tier { get; set; } = HospitalTier.Other;

    /// <summary>
    /// Administrative region (行政区划) code, used by the regulator's tenant filter: a regulator whose region is a prefix
    /// of this code sees the institution (province 33 sees city 3301 and county 330102).
    /// </summary>
    public required string Region { get; set; }

    /// <summary>Directly affiliated to the health commission (委属/直属), as the seed's 22 institutions are.</summary>
    public bool DirectlyAffiliated { get; set; }

    public string? Address { get; set; }

    /// <summary>The sector survey's answers (DOMAIN.md §7); every field is null until the institution has answered.</summary>
    public InstitutionSurvey Survey { get; set; } = new();

    public List<InstitutionContact> Contacts { get; set; } = [];

    public List<ProtectedSystem> Systems { get; set; } = [];
}
