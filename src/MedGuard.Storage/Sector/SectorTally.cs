using MedGuard.Domain.Findings;
using MedGuard.Domain.Institutions;

namespace MedGuard.Storage.Sector;

/// <summary>
/// 行业态势预汇总: one number of the sector's detection picture for a province (the first two digits of the 行政区划
/// code), a tier and a period, kept up to date by <see cref="SectorTallies"/> whenever findings or imports change. The
/// sector figures of the whole country or a province sum a few thousand of these rows instead of scanning millions
/// of findings (issue 16 §5, docs/sector-figures.md). What a row counts is its <see cref="Measure"/>
/// (<see cref="SectorTallies"/> lists them); dimensions a measure does not use hold "" / <see cref="Severity.Info"/> / 0.
/// </summary>
public sealed class SectorTally
{
    /// <summary>"" for all time, or a calendar year (China time) such as "2026": a finding counts in every year it was present.</summary>
    public string Period { get; set; } = "";

    /// <summary>The province's two-digit code ("" only for the marker row that says the tally was built).</summary>
    public string Region { get; set; } = "";

    public HospitalTier Tier { get; set; }

    public string Measure { get; set; } = "";

    /// <summary>ports / web / apk / logic, or "" for any.</summary>
    public string Detector { get; set; } = "";

    public Severity Severity { get; set; }

    /// <summary>The finding kind (its title); for the day markers the day (yyyy-MM-dd).</summary>
    public string Title { get; set; } = "";

    public int Port { get; set; }

    public long Count { get; set; }
}
