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
        DescribeBuiltInOptions(root);
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

    /// <summary>
    /// The built-in -h and --version options in Chinese like every other line of the help (System.CommandLine's own
    /// section headings stay as the library prints them).
    /// </summary>
    internal static void DescribeBuiltInOptions(RootCommand root)
    {
        foreach (var option in root.Options)
        {
            option.Description = option switch
            {
                System.CommandLine.Help.HelpOption => "显示帮助和用法",
                VersionOption => "显示版本信息",
                _ => option.Description,
            };
        }
    }
}
