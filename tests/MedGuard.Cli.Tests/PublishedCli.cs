using System.Diagnostics;

namespace MedGuard.Cli.Tests;

/// <summary>
/// The <c>medguard</c> command as shipped: <c>dotnet publish src/MedGuard.Cli.Native -r linux-x64</c> into a temporary
/// directory, once for the test class — the native front plus the managed CLI in <c>core/</c>.
/// </summary>
public sealed class PublishedCli : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("medguard-published-").FullName;

    public PublishedCli()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "MedGuard.slnx")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("MedGuard.slnx not found above the test directory");
        }

        var project = Path.Combine(root, "src", "MedGuard.Cli.Native", "MedGuard.Cli.Native.csproj");
        var publish = Run(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", TimeSpan.FromMinutes(10),
            "publish", project, "-c", "Release", "-r", "linux-x64", "-o", directory, "-nologo", "-v:q");
        if (publish.ExitCode != 0 || !File.Exists(Front))
        {
            throw new InvalidOperationException($"dotnet publish failed ({publish.ExitCode}):\n{publish.Output}\n{publish.Error}");
        }
    }

    /// <summary>The native front, <c>medguard</c>.</summary>
    public string Front => Path.Combine(directory, "medguard");

    public string ManagedCore => Path.Combine(directory, "core", "medguard");

    public void Dispose() => Directory.Delete(directory, recursive: true);

    /// <summary>Runs <paramref name="program"/> with its output captured; a run past <paramref name="timeout"/> is killed.</summary>
    public static CliRun Run(string program, TimeSpan timeout, params string[] args)
    {
        var start = new ProcessStartInfo(program, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["CI"] = "true"; // no progress bar
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} ran past {timeout}");
        }

        process.WaitForExit();
        return new CliRun(process.ExitCode, output.GetAwaiter().GetResult(), error.GetAwaiter().GetResult());
    }
}
