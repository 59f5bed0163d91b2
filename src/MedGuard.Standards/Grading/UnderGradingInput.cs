using MedGuard.Domain.Institutions;
using MedGuard.Domain.Systems;

namespace MedGuard.Standards.Grading;

/// <summary>What the under-grading (定级偏低) rules look at for one 定级对象; unknown quantities are null and match no threshold.</summary>
public sealed record UnderGradingInput
{
    public BusinessKind Business { get; init; }

    public HospitalTier Tier { get; init; }

    /// <summary>Personal-data records the system holds (for core systems the hospital's survey answer stands in).</summary>
    public long? PersonalDataRecords { get; init; }

    /// <summary>Registered users (patients, staff) of the system.</summary>
    public long? Users { get; init; }

    public bool IsCore { get; init; }

    public bool InternetFacing { get; init; }

    public bool CriticalInfrastructure { get; init; }
}
