namespace MedGuard.Cli.Native;

/// <summary>The command paths the native front runs itself; every other command line goes to the managed CLI.</summary>
internal static class NativeVerbs
{
    // scan ports / scan import-nmap: the port engine has no reflection (probes and policy are source-generated JSON).
    // apk analyze: the APK analyzer reads its YAML catalogs through the parser's events, not an object mapper.
    private static readonly string[][] Paths = [["scan", "ports"], ["scan", "import-nmap"], ["apk", "analyze"]];

    public static bool Handles(string[] args)
    {
        foreach (var path in Paths)
        {
            if (args.Length >= path.Length && args.AsSpan(0, path.Length).SequenceEqual(path))
            {
                return true;
            }
        }

        return false;
    }
}
