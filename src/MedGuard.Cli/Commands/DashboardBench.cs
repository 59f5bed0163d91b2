using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using MedGuard.Storage.Providers;
using MedGuard.Storage.Sector;
using MedGuard.Storage.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace MedGuard.Cli.Commands;

/// <summary>
/// bench/dashboard: times every figure's query (the SQL commands <see cref="SectorFigureService"/> tags
/// <c>figure:NAME</c>, from EF's CommandExecuted diagnostic event: until the database answers) and each part and the
/// whole computation (wall clock, rows read and counted included), over several rounds; p50 and p95 in milliseconds.
/// </summary>
internal static partial class DashboardBench
{
    public static async Task<string> RunAsync(DatabaseTarget target, int rounds, string? region, CancellationToken ct)
    {
        var filter = new SectorFilter { Region = region };
        var times = new ConcurrentDictionary<string, List<double>>(StringComparer.Ordinal);
        void Add(string name, double ms) => times.GetOrAdd(name, _ => []).Add(ms);
        using var subscription = DiagnosticListener.AllListeners.Subscribe(new ListenerObserver(Add));

        // One warm-up round (connection pool, query compilation), not counted.
        for (var round = -1; round < rounds; round++)
        {
            await using var db = MedGuardContextFactory.Create(target, TenantScope.System);
            var service = new SectorFigureService(db);
            var page = Stopwatch.StartNew();
            var parts = new (string Name, Func<Task> Run)[]
            {
                ("part:detection", () => service.DetectionWithoutTrendAsync(filter, ct)),
                ("part:lifecycle+survey", () => service.LifecycleAsync(filter, ct)),
                ("part:under-grading", () => service.UnderGradingAsync(filter, ct)),
                ("part:trend", () => service.TrendAsync(filter, ct)),
            };
            foreach (var (name, run) in parts)
            {
                var watch = Stopwatch.StartNew();
                await run();
                if (round >= 0)
                {
                    Add(name, watch.Elapsed.TotalMilliseconds);
                }
            }

            if (round >= 0)
            {
                Add("page:all-figures", page.Elapsed.TotalMilliseconds);
            }
            else
            {
                times.Clear();
            }
        }

        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"| 项 | 次数 | p50 ms | p95 ms |");
        text.AppendLine("|---|---:|---:|---:|");
        foreach (var (name, list) in times.OrderBy(t => t.Key.StartsWith("figure:", StringComparison.Ordinal) ? 0 : t.Key.StartsWith("part:", StringComparison.Ordinal) ? 1 : 2).ThenBy(t => t.Key, StringComparer.Ordinal))
        {
            var sorted = list.Order().ToList();
            text.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {sorted.Count} | {Percentile(sorted, 0.5):0.0} | {Percentile(sorted, 0.95):0.0} |");
        }

        return text.ToString();
    }

    private static double Percentile(List<double> sorted, double p) => sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    [GeneratedRegex(@"-- figure:(\S+)")]
    private static partial Regex Tag();

    private sealed class ListenerObserver(Action<string, double> add) : IObserver<DiagnosticListener>
    {
        public void OnNext(DiagnosticListener value)
        {
            if (value.Name == DbLoggerCategory.Name)
            {
                value.Subscribe(new EventObserver(add));
            }
        }

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }
    }

    private sealed class EventObserver(Action<string, double> add) : IObserver<KeyValuePair<string, object?>>
    {
        public void OnNext(KeyValuePair<string, object?> value)
        {
            if (value.Key == RelationalEventId.CommandExecuted.Name && value.Value is CommandExecutedEventData data
                && Tag().Match(data.Command.CommandText) is { Success: true } match)
            {
                add("figure:" + match.Groups[1].Value, data.Duration.TotalMilliseconds);
            }
        }

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }
    }
}
