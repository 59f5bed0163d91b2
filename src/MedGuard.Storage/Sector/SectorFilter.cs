using MedGuard.Domain.Institutions;

namespace MedGuard.Storage.Sector;

/// <summary>
/// Which part of the sector a figure covers (each part optional): a region (行政区划 prefix: 2 province, 4 city, 6
/// county), a hospital tier, a period (China dates, both inclusive) and a campaign (检测任务计划) for the trend. Whose
/// data is there at all is the context's tenant scope (a district sees its district, a hospital itself).
/// </summary>
public sealed record SectorFilter
{
    public string? Region { get; init; }

    public HospitalTier? Tier { get; init; }

    public DateOnly? From { get; init; }

    public DateOnly? To { get; init; }

    /// <summary>The campaign whose runs the trend compares with what was known before (default: the latest one).</summary>
    public Guid? Campaign { get; init; }

    /// <summary>The period's start as an instant (00:00 China time of <see cref="From"/>).</summary>
    public DateTimeOffset? FromInstant => From is { } d ? new DateTimeOffset(d.ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(8)) : null;

    /// <summary>The instant just after the period (00:00 China time of the day after <see cref="To"/>).</summary>
    public DateTimeOffset? ToInstantExclusive => To is { } d ? new DateTimeOffset(d.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(8)) : null;
}
