using System.CommandLine;
using System.Text;
using MedGuard.Cli.Commands;

namespace MedGuard.Cli;

public static class Program
{
    public static int Main(string[] args)
    {
        Console.OutputEncoding = Encoding.UTF8;
        return Run(args, Console.Out, Console.Error);
    }

    /// <summary>Runs the command line with the given writers (the tests call this in-process).</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var root = BuildRoot();
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

    internal static RootCommand BuildRoot()
    {
        var root = new RootCommand("MedGuard 医盾 — 医疗机构网络安全等级保护与检测平台");
        var modules = typeof(Program).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(ICommandModule).IsAssignableFrom(t))
            .OrderBy(t => t.Name, StringComparer.Ordinal);
        foreach (var type in modules)
        {
            ((ICommandModule)Activator.CreateInstance(type)!).Register(root);
        }

        return root;
    }
}
