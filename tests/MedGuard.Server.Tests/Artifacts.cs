namespace MedGuard.Server.Tests;

internal static class Artifacts
{
    /// <summary>$MEDGUARD_ARTIFACTS/screenshots (set by ./test.sh), else a folder under the temp directory.</summary>
    public static string Screenshots
    {
        get
        {
            var root = Environment.GetEnvironmentVariable("MEDGUARD_ARTIFACTS") is { Length: > 0 } a ? a : Path.Combine(Path.GetTempPath(), "medguard-artifacts");
            var dir = Path.Combine(root, "screenshots");
            Directory.CreateDirectory(dir);
            return dir;
        }
    }
}
