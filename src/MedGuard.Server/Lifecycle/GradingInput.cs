using MedGuard.Standards.Grading;

namespace MedGuard.Server.Lifecycle;

/// <summary>The grading wizard's answers: the harmed object and degree for business information (S) and service (A).</summary>
public sealed record GradingInput
{
    public string InformationObject { get; init; } = "citizen";

    public HarmDegree InformationDegree { get; init; } = HarmDegree.General;

    public string ServiceObject { get; init; } = "citizen";

    public HarmDegree ServiceDegree { get; init; } = HarmDegree.General;

    public bool IsCriticalInfrastructure { get; init; }

    /// <summary>Matrix edition name; null for the default (GB/T 22240-2020).</summary>
    public string? MatrixEdition { get; init; }

    public DateOnly? GradedOn { get; init; }
}

/// <summary>备案: the filing and its certificate.</summary>
public sealed record FilingInput
{
    public DateOnly FiledOn { get; init; }

    public string? CertificateNumber { get; init; }

    public string? PoliceOrgan { get; init; }

    public DateOnly? CertificateIssuedOn { get; init; }
}

/// <summary>One item's result as entered by an assessor.</summary>
public sealed record ItemInput(string Code, string Result, string? Evidence = null, string? Risk = null, bool MajorHazard = false);
