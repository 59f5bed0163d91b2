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
        File.WriteAllText(dotnet, "#!/bin/sh\nif [ \"$1\" = build ] || [ \"$1\" = publish ]; then echo \"$*\" >> \"" + Path.Combine(directory, "builds") + "\"; exit 0; fi\necho \"ran $*\"\n");
        File.SetUnixFileMode(dotnet, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var first = Launch(repo, bin, "--help");
        Assert.True(first.ExitCode == 0, first.Error);
        Assert.Contains("首次运行：正在编译命令行", first.Error, StringComparison.Ordinal);
        Assert.Contains("ran ", first.Output, StringComparison.Ordinal);

        var second = Launch(repo, bin, "--help");
        Assert.Equal(0, second.ExitCode);
        Assert.Equal("", second.Error);
        var builds = File.ReadAllLines(Path.Combine(directory, "builds"));
        Assert.Single(builds);
        if (System.Runtime.InteropServices.RuntimeInformation.OSArchitecture is System.Runtime.InteropServices.Architecture.X64
            or System.Runtime.InteropServices.Architecture.Arm64)
        {
            // What users run is what the benchmarks measure: the ahead-of-time compiled form, not a JIT build.
            Assert.StartsWith("publish ", builds[0], StringComparison.Ordinal);
            Assert.Contains("-p:PublishReadyToRun=true", builds[0], StringComparison.Ordinal);
        }

        // A build of any project rewrites files under bin/ and obj/ (deps.json, project.assets.json): not a source change.
        var assets = Path.Combine(Directory.CreateDirectory(Path.Combine(repo, "src", "MedGuard.Cli", "obj")).FullName, "project.assets.json");
        File.WriteAllText(assets, "{}");
        File.SetLastWriteTimeUtc(assets, DateTime.UtcNow.AddMinutes(5));
        var untouched = Launch(repo, bin, "--help");
        Assert.Equal("", untouched.Error);
        Assert.Single(File.ReadAllLines(Path.Combine(directory, "builds")));

        File.SetLastWriteTimeUtc(source, DateTime.UtcNow.AddMinutes(10));
        var changed = Launch(repo, bin, "--help");
        Assert.Contains("正在重新编译命令行", changed.Error, StringComparison.Ordinal);
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
