using System.CommandLine;

namespace MedGuard.Cli.Commands;

/// <summary>
/// Parses and runs a command line the same way in both hosts of the <c>medguard</c> command: the managed CLI (every
/// verb) and the native front (the verbs compiled ahead of time, <c>src/MedGuard.Cli.Native</c>).
/// </summary>
internal static class CliInvocation
{
    public const string Description = "MedGuard 医盾 — 医疗机构网络安全等级保护与检测平台";

    public static int Invoke(RootCommand root, string[] args, TextWriter output, TextWriter error)
    {
        var configuration = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false };
        try
        {
            return root.Parse(args).Invoke(configuration);
        }
        catch (CliException ex)
        {
            error.WriteLine($"错误: {ex.Message}");
            return ex.ExitCode;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or InvalidDataException)
        {
            // Bad input or an unreadable file: one clear line, never a stack trace.
            error.WriteLine($"错误: {ex.Message}");
            return 1;
        }
    }
}
