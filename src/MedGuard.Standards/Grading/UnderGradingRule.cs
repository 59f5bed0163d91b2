using MedGuard.Domain.Institutions;
using MedGuard.Domain.Systems;

namespace MedGuard.Standards.Grading;

/// <summary>One example of a rule (run as a test): an input and whether the rule must apply to it.</summary>
public sealed record UnderGradingExample(UnderGradingInput Input, bool Matches, int Line);

/// <summary>
/// One 定级偏低 rule (Grading/Data/under-grading.yaml): when a system is of one of <see cref="Business"/> (any when
/// empty), at a hospital of one of <see cref="Tiers"/> (any when empty), holds at least <see cref="MinRecords"/>
/// personal-data records and has at least <see cref="MinUsers"/> users, the rule suggests at least <see cref="Suggests"/>.
/// </summary>
public sealed record UnderGradingRule(
    string Id,
    string Name,
    ProtectionLevel Suggests,
    IReadOnlyList<BusinessKind> Business,
    IReadOnlyList<HospitalTier> Tiers,
    long? MinRecords,
    long? MinUsers,
    bool? InternetFacing,
    bool? CriticalInfrastructure,
    string Source,
    string Confidence,
    IReadOnlyList<UnderGradingExample> Examples)
{
    public bool Matches(UnderGradingInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return (Business.Count == 0 || Business.Contains(input.Business))
            && (Tiers.Count == 0 || Tiers.Contains(input.Tier))
            && (MinRecords is not { } records || input.PersonalDataRecords >= records)
            && (MinUsers is not { } users || input.Users >= users)
            && (InternetFacing is not { } internet || input.InternetFacing == internet)
            && (CriticalInfrastructure is not { } cii || input.CriticalInfrastructure == cii);
    }
}
