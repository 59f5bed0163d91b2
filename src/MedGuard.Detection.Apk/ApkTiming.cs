using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace MedGuard.Detection.Apk;

/// <summary>
/// Where one APK's analysis spends its time, phase by phase, on stderr when <c>MEDGUARD_APK_TIMING=1</c> (as the web
/// engine's MEDGUARD_WEB_TIMING): how the analyzer is profiled without a tracer, and what the benchmark note cites.
/// Off, it costs one branch per phase.
/// </summary>
internal sealed class ApkTiming
{
    private static readonly bool Enabled = Environment.GetEnvironmentVariable("MEDGUARD_APK_TIMING") == "1";
    private readonly string _file;
    private readonly StringBuilder? _line;
    private long _last;
    private readonly long _start;

    private ApkTiming(string file, bool enabled)
    {
        _file = file;
        if (enabled)
        {
            _line = new StringBuilder();
            _start = _last = Stopwatch.GetTimestamp();
        }
    }

    public static ApkTiming Start(string file) => Current = new(file, Enabled);

    /// <summary>The analysis running on this thread, for the engine's inner phases.</summary>
    [ThreadStatic]
    private static ApkTiming? _current;

    public static ApkTiming? Current { get => _current; private set => _current = value; }

    /// <summary>Ends the phase <paramref name="name"/> (the time since the previous mark).</summary>
    public void Mark(string name)
    {
        if (_line is null)
        {
            return;
        }

        var now = Stopwatch.GetTimestamp();
        lock (_line)
        {
            _line.Append(CultureInfo.InvariantCulture, $" {name} {Stopwatch.GetElapsedTime(_last, now).TotalMilliseconds:0.0}");
            _last = now;
        }
    }

    /// <summary>A phase run on another thread, measured on its own (not between marks).</summary>
    public void Add(string name, TimeSpan elapsed)
    {
        if (_line is null)
        {
            return;
        }

        lock (_line)
        {
            _line.Append(CultureInfo.InvariantCulture, $" [{name} {elapsed.TotalMilliseconds:0.0}]");
        }
    }

    public bool IsOn => _line is not null;

    public void Finish()
    {
        Current = null;
        if (_line is null)
        {
            return;
        }

        var total = Stopwatch.GetElapsedTime(_start).TotalMilliseconds;
        var sinceProcessStart = (DateTime.Now - Process.GetCurrentProcess().StartTime).TotalMilliseconds;
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[apk-timing] {_file}:{_line} | total {total:0.0} ms, {sinceProcessStart:0} ms since process start; GC {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}, {GC.GetTotalAllocatedBytes() >> 20} MB allocated"));
    }
}
