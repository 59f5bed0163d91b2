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
    public static int Run(string[] args, TextWriter output, TextWriter error) => CliInvocation.Invoke(BuildRoot(), args, output, error);

    internal static RootCommand BuildRoot()
    {
        var root = new RootCommand(CliInvocation.Description);
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
