namespace MedGuard.Detection.Apk.Zip;

/// <summary>Safety limits for reading an archive: they keep a zip bomb from exhausting memory.</summary>
public sealed record ZipLimits
{
    /// <summary>Largest archive file accepted.</summary>
    public long MaxArchiveBytes { get; init; } = 1L << 30;

    /// <summary>Largest single inflated entry.</summary>
    public long MaxEntryBytes { get; init; } = 256L << 20;

    /// <summary>Sum of every entry inflated from one archive.</summary>
    public long MaxTotalInflatedBytes { get; init; } = 768L << 20;

    /// <summary>Highest inflated/compressed ratio accepted for entries larger than <see cref="RatioCheckFloorBytes"/>.</summary>
    public double MaxCompressionRatio { get; init; } = 200;

    /// <summary>Small entries may compress very well (a run of zeros) without being a bomb.</summary>
    public long RatioCheckFloorBytes { get; init; } = 1L << 20;

    public int MaxEntries { get; init; } = 200_000;

    public static ZipLimits Default { get; } = new();
}
