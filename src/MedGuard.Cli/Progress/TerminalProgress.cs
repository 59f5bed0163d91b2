using System.Diagnostics;
using Spectre.Console;

namespace MedGuard.Cli.Progress;

/// <summary>
/// A progress bar with rate and time left on standard error while long work runs — only for a person at a terminal:
/// with stderr redirected (a pipe, a log), under CI, or when the machine-readable result (JSON, SARIF, nmap XML) is
/// written to standard output, nothing is drawn and the work just runs.
/// </summary>
internal static class TerminalProgress
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(150);

    /// <summary>Whether to draw: stderr is the process's own and a terminal, not CI, and stdout is not carrying data.</summary>
    public static bool ShouldShow(TextWriter error, string format, bool toFile) =>
        ShouldShow(ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected, format, toFile,
            Environment.GetEnvironmentVariable("CI") is not null);

    public static bool ShouldShow(bool errorIsTerminal, string format, bool toFile, bool ci) =>
        errorIsTerminal && !ci && (format == "table" || toFile);

    /// <summary>
    /// Waits for <paramref name="work"/>, drawing its progress when <paramref name="show"/>: <paramref name="done"/>
    /// and <paramref name="total"/> are polled (total may be 0 until known), <paramref name="detail"/> adds a phase or
    /// counts to the line.
    /// </summary>
    public static T Run<T>(
        Task<T> work, bool show, string title, ProgressMeter meter, Func<long> done, Func<long> total, Func<string>? detail = null)
    {
        if (!show)
        {
            return work.GetAwaiter().GetResult();
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        var clock = Stopwatch.StartNew();
        console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn())
            .Start(context =>
            {
                var task = context.AddTask(title, maxValue: 1);
                void Update()
                {
                    var all = total();
                    var reading = meter.Sample(clock.Elapsed, done(), all);
                    task.MaxValue = Math.Max(1, all);
                    task.Value = Math.Min(task.MaxValue, reading.Done);
                    var extra = detail?.Invoke();
                    task.Description = Markup.Escape($"{title} {meter.Describe(reading)}{(string.IsNullOrEmpty(extra) ? "" : " · " + extra)}");
                }

                // WaitAny, not Wait: a failed scan's own exception is rethrown below, not wrapped mid-drawing.
                while (Task.WaitAny([work], Tick) < 0)
                {
                    Update();
                }

                Update();
                task.Value = task.MaxValue;
            });
        return work.GetAwaiter().GetResult();
    }
}
