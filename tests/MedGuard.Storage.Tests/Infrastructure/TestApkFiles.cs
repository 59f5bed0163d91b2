namespace MedGuard.Storage.Tests.Infrastructure;

/// <summary>The real test APKs in ../shared/testdata/apk (beside the repository clone); missing data fails the test, never skips it.</summary>
internal static class TestApkFiles
{
    private static readonly Lazy<string> DirectoryPath = new(Locate);

    public static string PathOf(string file) => Path.Combine(DirectoryPath.Value, file);

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

        return candidates.FirstOrDefault(c => File.Exists(Path.Combine(c, "SOURCES.md"))) is { } found
            ? Path.GetFullPath(found)
            : throw new InvalidOperationException("找不到测试 APK（../shared/testdata/apk，应在仓库克隆旁）。请设置 MEDGUARD_ROOT 或运行 ./test.sh。");
    }
}
