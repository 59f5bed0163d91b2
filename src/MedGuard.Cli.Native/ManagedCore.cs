using System.Diagnostics;
using System.Runtime.InteropServices;

namespace MedGuard.Cli.Native;

/// <summary>
/// Hands a command line to the managed CLI published in <c>core/</c> beside this executable. On Unix the process
/// becomes it (<c>execv</c>): same process id, standard streams, signals and exit code, as if it had been started
/// directly.
/// </summary>
internal static partial class ManagedCore
{
    public static int Run(string[] args)
    {
        var core = Path.Combine(AppContext.BaseDirectory, "core", OperatingSystem.IsWindows() ? "medguard.exe" : "medguard");
        if (!File.Exists(core))
        {
            Console.Error.WriteLine($"错误: 找不到托管命令行 {core}（用 dotnet publish src/MedGuard.Cli.Native -c Release -r linux-x64 -o 目录 发布完整目录）");
            return 127;
        }

        if (OperatingSystem.IsWindows())
        {
            using var child = Process.Start(new ProcessStartInfo(core, args) { UseShellExecute = false })!;
            child.WaitForExit();
            return child.ExitCode;
        }

        var argv = new nint[args.Length + 2];
        argv[0] = Marshal.StringToCoTaskMemUTF8(core);
        for (var i = 0; i < args.Length; i++)
        {
            argv[i + 1] = Marshal.StringToCoTaskMemUTF8(args[i]);
        }

        Execv(core, argv); // returns only on failure
        var errno = Marshal.GetLastPInvokeError();
        Console.Error.WriteLine($"错误: 无法启动 {core}: {Marshal.GetPInvokeErrorMessage(errno)}");
        return 127;
    }

    [LibraryImport("libc", EntryPoint = "execv", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Execv(string path, nint[] argv);
}
