namespace MedGuard.Detection.Ports.Scanning;

/// <summary>Counters a host (the CLI's progress bar) may poll while a scan runs; updated lock-free.</summary>
public sealed class ScanProgress
{
    private long _done;
    private long _open;
    private long _identified;

    public long TotalProbes { get; internal set; }

    public long Done => Interlocked.Read(ref _done);

    public long Open => Interlocked.Read(ref _open);

    public long OpenToIdentify => Open;

    public long Identified => Interlocked.Read(ref _identified);

    internal void AddDone() => Interlocked.Increment(ref _done);

    internal void AddOpen() => Interlocked.Increment(ref _open);

    internal void AddIdentified() => Interlocked.Increment(ref _identified);

    internal void RemoveDone() => Interlocked.Decrement(ref _done);
}
