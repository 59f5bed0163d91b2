using System.Diagnostics;

namespace MedGuard.Cli.Tests;

/// <summary>
/// The repository's <c>./medguard</c> launcher builds the CLI when it has to; that takes minutes on a first run, so it
/// says so on stderr (and nothing when it does not build). Run against a stand-in <c>dotnet</c> on PATH, so the test
/// checks the script's own behaviour without a real build.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")] // the launcher is a bash script
public sealed class LauncherScriptTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("medguard-launcher-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void SaysItIsBuildingOnTheFirstRunAndWhenSourcesChangedOnly()
    {
        var (repo, bin, source) = StandIn(nativeLinks: true);

        var first = Launch(repo, bin, "--help");
        Assert.True(first.ExitCode == 0, first.Error);
        Assert.Contains("首次运行：正在编译命令行", first.Error, StringComparison.Ordinal);
        Assert.Contains("ran native --help", first.Output, StringComparison.Ordinal);

        var second = Launch(repo, bin, "--help");
        Assert.Equal(0, second.ExitCode);
        Assert.Equal("", second.Error);
        Assert.Contains("ran native --help", second.Output, StringComparison.Ordinal);
        var builds = File.ReadAllLines(Path.Combine(directory, "builds"));
        var build = Assert.Single(builds);
        if (FastFormAvailable)
        {
            // What users run is what the benchmarks measure: the native front, which publishes the ReadyToRun core.
            Assert.StartsWith("publish ", build, StringComparison.Ordinal);
            Assert.Contains("MedGuard.Cli.Native.csproj", build, StringComparison.Ordinal);
        }

        // A build of any project rewrites files under bin/ and obj/ (deps.json, project.assets.json): not a source change.
        var assets = Path.Combine(Directory.CreateDirectory(Path.Combine(repo, "src", "MedGuard.Cli", "obj")).FullName, "project.assets.json");
        File.WriteAllText(assets, "{}");
        File.SetLastWriteTimeUtc(assets, DateTime.UtcNow.AddMinutes(5));
        var untouched = Launch(repo, bin, "--help");
        Assert.Equal("", untouched.Error);
        Assert.Single(File.ReadAllLines(Path.Combine(directory, "builds")));

        File.SetLastWriteTimeUtc(source, DateTime.UtcNow.AddMinutes(10));
        var changed = Launch(repo, bin, "scan", "ports", "--help");
        Assert.Contains("正在重新编译命令行", changed.Error, StringComparison.Ordinal);
        Assert.Contains("ran native scan ports --help", changed.Output, StringComparison.Ordinal);
        Assert.Equal(2, File.ReadAllLines(Path.Combine(directory, "builds")).Length);
    }

    [Fact]
    public void WithoutANativeLinkerTheReadyToRunManagedCliIsBuiltAndRun()
    {
        if (!FastFormAvailable)
        {
            return; // no native front and no ReadyToRun on this processor: the plain build is the only form
        }

        var (repo, bin, _) = StandIn(nativeLinks: false);

        var run = Launch(repo, bin, "catalog", "stats");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("原生前端编译失败", run.Error, StringComparison.Ordinal);
        Assert.Contains("ran core catalog stats", run.Output, StringComparison.Ordinal);
        var builds = File.ReadAllLines(Path.Combine(directory, "builds"));
        Assert.Equal(2, builds.Length);
        Assert.Contains("MedGuard.Cli.Native.csproj", builds[0], StringComparison.Ordinal);
        Assert.Contains("MedGuard.Cli.csproj", builds[1], StringComparison.Ordinal);
        Assert.Contains("-p:PublishReadyToRun=true", builds[1], StringComparison.Ordinal);

        Assert.Equal("", Launch(repo, bin, "catalog", "stats").Error);
    }

    private static bool FastFormAvailable =>
        System.Runtime.InteropServices.RuntimeInformation.OSArchitecture is System.Runtime.InteropServices.Architecture.X64
            or System.Runtime.InteropServices.Architecture.Arm64;

    /// <summary>
    /// A copy of the launcher in a stand-in repository, and a stand-in <c>dotnet</c> that records each build and
    /// leaves in the -o folder an executable saying which form it is (the native publish fails without a linker).
    /// </summary>
    private (string Repo, string Bin, string Source) StandIn(bool nativeLinks)
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "MedGuard.slnx")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("MedGuard.slnx not found above the test directory");
        }

        var repo = Directory.CreateDirectory(Path.Combine(directory, "repo")).FullName;
        File.Copy(Path.Combine(root, "medguard"), Path.Combine(repo, "medguard"));
        var source = Path.Combine(Directory.CreateDirectory(Path.Combine(repo, "src", "MedGuard.Cli")).FullName, "Program.cs");
        File.WriteAllText(source, "// stand-in");
        File.SetLastWriteTimeUtc(source, DateTime.UtcNow.AddMinutes(-10));
        var bin = Directory.CreateDirectory(Path.Combine(directory, "bin")).FullName;
        var dotnet = Path.Combine(bin, "dotnet");
        var builds = Path.Combine(directory, "builds");
        var noLinker = nativeLinks ? "" : """case "$2" in *Native*) exit 1 ;; esac""";
        File.WriteAllText(dotnet, $$"""
            #!/bin/bash
            case "$1" in
              build|publish)
                echo "$*" >> "{{builds}}"
                {{noLinker}}
                while [ $# -gt 0 ] && [ "$1" != -o ]; do shift; done
                case "$2" in */core) form=core ;; *) form=native ;; esac
                mkdir -p "$2"; printf '#!/bin/sh\necho "ran %s $*"\n' "$form" > "$2/medguard"; chmod +x "$2/medguard"
                exit 0 ;;
            esac
            echo "dotnet ran $*"
            """);
        File.SetUnixFileMode(dotnet, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return (repo, bin, source);
    }

    private static CliRun Launch(string repo, string bin, params string[] args)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(repo, "medguard"), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("./medguard ran past 30 s");
        }

        process.WaitForExit();
        return new CliRun(process.ExitCode, output.GetAwaiter().GetResult(), error.GetAwaiter().GetResult());
    }
}
