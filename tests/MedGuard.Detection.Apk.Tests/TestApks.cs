namespace MedGuard.Detection.Apk.Tests;

/// <summary>
/// The six real third-party APKs in ../shared/testdata/apk (beside the repository clone). Found through
/// MEDGUARD_ROOT or by walking up from the test assembly; missing data fails the test, it never skips.
/// </summary>
public static class TestApks
{
    private static readonly Lazy<string> DirectoryPath = new(Locate);
    private static readonly Dictionary<string, ApkReport> Reports = [];

    public static string Directory => DirectoryPath.Value;

    public static string PathOf(string file) => Path.Combine(Directory, file);

    public static ApkReport Report(string file)
    {
        lock (Reports)
        {
            if (!Reports.TryGetValue(file, out var report))
            {
                report = new ApkAnalyzer().Analyze(PathOf(file));
                Reports[file] = report;
            }

            return report;
        }
    }

    private static string Locate()
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("MEDGUARD_ROOT") is { Length: > 0 } root)
        {
            candidates.Add(Path.Combine(root, "..", "shared", "testdata", "apk"));
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            candidates.Add(Path.Combine(dir.FullName, "shared", "testdata", "apk"));
            candidates.Add(Path.Combine(dir.FullName, "..", "shared", "testdata", "apk"));
        }

        foreach (var c in candidates)
        {
            if (File.Exists(Path.Combine(c, "SOURCES.md")))
            {
                return Path.GetFullPath(c);
            }
        }

        throw new InvalidOperationException(
            "找不到测试 APK（../shared/testdata/apk，应在仓库克隆旁）。请设置 MEDGUARD_ROOT 或运行 ./test.sh。已查找：" + string.Join("; ", candidates.Take(4)));
    }
}
