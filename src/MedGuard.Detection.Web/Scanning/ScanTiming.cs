using System.Diagnostics;

namespace MedGuard.Detection.Web.Scanning;

/// <summary>
/// MEDGUARD_WEB_TIMING=1: each phase of a web scan (crawl, chromium's start, every page rendered, clicks, forms, the
/// active checks) with its time and the requests sent so far, on standard error — bench/web profiles with it.
/// </summary>
public static class ScanTiming
{
    public static readonly bool Enabled = Environment.GetEnvironmentVariable("MEDGUARD_WEB_TIMING") == "1";

    private static readonly Stopwatch Clock = Stopwatch.StartNew();
    private static int _started;

    /// <summary>One line: time since the process started, the phase and what it took, the requests sent until now.</summary>
    public static void Mark(string phase, TimeSpan took, long requests)
    {
        if (Enabled)
        {
            if (Interlocked.Exchange(ref _started, 1) == 0)
            {
                using var self = Process.GetCurrentProcess();
                Console.Error.WriteLine($"[计时] 进程启动至今 {(DateTime.Now - self.StartTime).TotalMilliseconds:0} ms（计时起点）");
            }

            Console.Error.WriteLine($"[计时] {Clock.ElapsedMilliseconds,6} ms  {phase}: {took.TotalMilliseconds:0} ms，累计请求 {requests}");
        }
    }

    /// <summary>Marks the phase since <paramref name="since"/> and restarts it.</summary>
    public static void Mark(string phase, Stopwatch since, long requests)
    {
        Mark(phase, since.Elapsed, requests);
        since.Restart();
    }
}
