using MedGuard.Domain.Institutions;

namespace MedGuard.Storage.Statistics;

/// <summary>
/// The seed's survey shares for one tier or one region (DOMAIN.md §7). Each share counts only the institutions that answered that
/// question: an unanswered question is neither yes nor no.
/// </summary>
public sealed record SurveyStatistics
{
    /// <summary>The seed's thresholds: "≥ 5 security staff" and "≥ 1,000,000 personal-data records".</summary>
    public const int StaffThreshold = 5;

    public const long RecordsThreshold = 1_000_000;

    /// <summary>The tier grouped by (null when grouped by region).</summary>
    public HospitalTier? Tier { get; init; }

    /// <summary>The region prefix grouped by (null when grouped by tier).</summary>
    public string? Region { get; init; }

    public int Institutions { get; init; }

    public Share AtLeastFiveSecurityStaff { get; init; }

    public Share AtLeastMillionRecords { get; init; }

    public Share UsesCryptoDevices { get; init; }

    public Share UsesCryptoAlgorithms { get; init; }

    public Share UsesDomesticCryptoProducts { get; init; }

    public Share UsesDomesticOperatingSystem { get; init; }

    public Share UsesDomesticDatabase { get; init; }

    public Share UsesDomesticMiddleware { get; init; }

    public Share LacksProfessionals { get; init; }

    /// <summary>Sums rows into one (tier and region null): each question's yes and answered added.</summary>
    public static SurveyStatistics Total(IEnumerable<SurveyStatistics> rows) => rows.Aggregate(new SurveyStatistics(), (sum, r) => sum with
    {
        Institutions = sum.Institutions + r.Institutions,
        AtLeastFiveSecurityStaff = sum.AtLeastFiveSecurityStaff + r.AtLeastFiveSecurityStaff,
        AtLeastMillionRecords = sum.AtLeastMillionRecords + r.AtLeastMillionRecords,
        UsesCryptoDevices = sum.UsesCryptoDevices + r.UsesCryptoDevices,
        UsesCryptoAlgorithms = sum.UsesCryptoAlgorithms + r.UsesCryptoAlgorithms,
        UsesDomesticCryptoProducts = sum.UsesDomesticCryptoProducts + r.UsesDomesticCryptoProducts,
        UsesDomesticOperatingSystem = sum.UsesDomesticOperatingSystem + r.UsesDomesticOperatingSystem,
        UsesDomesticDatabase = sum.UsesDomesticDatabase + r.UsesDomesticDatabase,
        UsesDomesticMiddleware = sum.UsesDomesticMiddleware + r.UsesDomesticMiddleware,
        LacksProfessionals = sum.LacksProfessionals + r.LacksProfessionals,
    });
}
