using System.CommandLine;
using System.Text;
using MedGuard.Cli.Commands;

namespace MedGuard.Cli.Native;

public static class Program
{
    public static int Main(string[] args)
    {
        if (!NativeVerbs.Handles(args))
        {
            return ManagedCore.Run(args);
        }

        Console.OutputEncoding = Encoding.UTF8;
        var root = new RootCommand(CliInvocation.Description);
        new PortScanCommands().Register(root);
        new ApkCommands().Register(root);
        return CliInvocation.Invoke(root, args, Console.Out, Console.Error);
    }
}
