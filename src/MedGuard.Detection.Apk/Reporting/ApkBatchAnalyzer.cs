namespace MedGuard.Detection.Apk.Reporting;

/// <summary>Analyses many APKs in parallel; one bad file yields an error entry and never stops the others.</summary>
public static class ApkBatchAnalyzer
{
    public static ApkBatchResult Run(ApkAnalyzer analyzer, IReadOnlyList<string> files, Action<string>? onDone = null, int? parallelism = null)
    {
        var started = DateTimeOffset.UtcNow;
        var reports = new ApkReport?[files.Count];
        var errors = new ApkError?[files.Count];
        Parallel.For(0, files.Count, new ParallelOptions { MaxDegreeOfParallelism = parallelism ?? Environment.ProcessorCount }, i =>
        {
            var name = Path.GetFileName(files[i]);
            try
            {
                reports[i] = analyzer.Analyze(files[i]);
            }
            catch (Exception ex) when (ex is FormatException or IOException or UnauthorizedAccessException)
            {
                errors[i] = new ApkError(name, ex.Message);
            }
            catch (Exception ex) when (ex is IndexOutOfRangeException or ArgumentException or InvalidOperationException or OverflowException or NullReferenceException or OutOfMemoryException)
            {
                // A reader bug must not take the batch down: report it for this file, keep going.
                errors[i] = new ApkError(name, $"解析失败（内部错误 {ex.GetType().Name}）：{ex.Message}");
            }

            onDone?.Invoke(name);
        });

        return new ApkBatchResult(reports.OfType<ApkReport>().ToList(), errors.OfType<ApkError>().ToList())
        {
            StartedAt = started,
            EndedAt = DateTimeOffset.UtcNow,
        };
    }
}
