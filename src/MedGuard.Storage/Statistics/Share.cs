namespace MedGuard.Storage.Statistics;

/// <summary>A count out of a total, with the rate (null when there is nothing to count).</summary>
public readonly record struct Share(int Count, int Total)
{
    /// <summary>Count / Total as a fraction 0–1, or null when Total is 0 (a rate of nothing is not 0 %).</summary>
    public double? Rate => Total == 0 ? null : (double)Count / Total;

    public static Share operator +(Share a, Share b) => new(a.Count + b.Count, a.Total + b.Total);
}
