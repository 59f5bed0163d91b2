using MedGuard.Domain.Institutions;

namespace MedGuard.Server.Demo;

/// <summary>
/// What the demo province aims at for one hospital tier: the seed's sector survey (DOMAIN.md §7) where it gives a
/// figure, our documented guess where it does not (一级 and 其他 are not in the survey: lower than 二级).
/// Rates are fractions of systems (定级率, 备案率), of level-3 systems (三级系统测评率), of rectification tasks (整改率),
/// and of hospitals (survey fields).
/// </summary>
public sealed record TierProfile(
    HospitalTier Tier,
    int Hospitals,
    int MinSystems,
    int MaxSystems,
    double GradedRate,
    double FiledRate,
    double Level3AssessedRate,
    double RectifiedRate,
    double HisLevel3Rate,
    double MillionRecordsRate,
    double FiveStaffRate,
    double CryptoDeviceRate,
    double CryptoAlgorithmRate,
    double DomesticCryptoRate)
{
    public static IReadOnlyList<TierProfile> Seed { get; } =
    [
        // 三甲: 57.6% / 53.2% / 84.2% / 40%, HIS 三级 89.7%, ≥100万条 62%, ≥5 人 65.5% (seed).
        new(HospitalTier.TertiaryA, 38, 6, 10, 0.576, 0.532, 0.842, 0.40, 0.897, 0.62, 0.655, 0.488, 0.522, 0.28),
        // 普通三级: 46.2% / 31.9% / 71.4% / 31.9%, HIS 三级 23.8%, 38.1%, 14.3% (seed); crypto rates below the maxima.
        new(HospitalTier.Tertiary, 52, 4, 7, 0.462, 0.319, 0.714, 0.319, 0.238, 0.381, 0.143, 0.35, 0.40, 0.20),
        // 二级: 37.7% / 26.4% / 5.7% / 17.6%, 24.1%, 31% (seed).
        new(HospitalTier.Secondary, 140, 3, 5, 0.377, 0.264, 0.057, 0.176, 0.10, 0.241, 0.31, 0.25, 0.30, 0.15),
        // 一级: not surveyed — our guess, below 二级.
        new(HospitalTier.Primary, 70, 1, 3, 0.25, 0.15, 0.0, 0.10, 0.0, 0.05, 0.05, 0.10, 0.15, 0.08),
    ];

    /// <summary>The 22 directly affiliated institutions: large hospitals and public-health bodies, graded like 三甲.</summary>
    public static TierProfile DirectlyAffiliated { get; } =
        new(HospitalTier.TertiaryA, 22, 6, 10, 0.576, 0.532, 0.842, 0.40, 0.897, 0.62, 0.655, 0.488, 0.522, 0.28);
}
