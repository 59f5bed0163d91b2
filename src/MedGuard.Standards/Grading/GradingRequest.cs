using MedGuard.Domain.Institutions;
using MedGuard.Domain.Systems;

namespace MedGuard.Standards.Grading;

/// <summary>What the grader needs to know about one grading object (定级对象).</summary>
public sealed record GradingRequest
{
    /// <summary>Object harmed when business information is compromised (业务信息安全): citizen | public | national or its Chinese name.</summary>
    public required string InformationObject { get; init; }

    public required HarmDegree InformationDegree { get; init; }

    /// <summary>Object harmed when the system service is compromised (系统服务安全).</summary>
    public required string ServiceObject { get; init; }

    public required HarmDegree ServiceDegree { get; init; }

    public GradingObjectType ObjectType { get; init; } = GradingObjectType.InformationSystem;

    /// <summary>关键信息基础设施.</summary>
    public bool IsCriticalInfrastructure { get; init; }

    /// <summary>For a supporting platform (cloud, network, big-data platform): the highest level among the objects it carries.</summary>
    public int? CarriedMaxLevel { get; init; }

    /// <summary>Matrix edition; null for the default (GB/T 22240-2020).</summary>
    public string? MatrixEdition { get; init; }

    /// <summary>The operator's hospital tier, for the health-sector floor (卫办发〔2011〕85号).</summary>
    public HospitalTier? HospitalTier { get; init; }

    /// <summary>The object is a core business system (HIS/EMR/LIS/PACS or a health information platform).</summary>
    public bool IsCoreBusinessSystem { get; init; }

    /// <summary>Date of grading, from which deadlines run; today when null.</summary>
    public DateOnly? GradedOn { get; init; }
}
