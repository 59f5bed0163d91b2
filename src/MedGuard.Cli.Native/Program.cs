using System.CommandLine;
using System.Text;
using MedGuard.Cli.Commands;

namespace MedGuard.Cli.Native;

public static class Program
{
    private const long NoGcBudget = 192L << 20;

    public static int Main(string[] args)
    {
        if (!NativeVerbs.Handles(args))
        {
            return ManagedCore.Run(args);
        }

        if (args is ["apk", "analyze", ..])
        {
            // One run of the analyzer allocates tens of megabytes (an app's DEX, its class model) and exits: without a
            // collection in between, none of its time goes to the GC (a full one came with the DEX's large arrays).
            // Past the budget the GC simply resumes.
            try
            {
                GC.TryStartNoGCRegion(NoGcBudget);
            }
            catch (ArgumentOutOfRangeException)
            {
                // A heap limit (a container's memory cap) smaller than the budget: the run collects as usual.
            }
        }

        Console.OutputEncoding = Encoding.UTF8;
        var root = new RootCommand(CliInvocation.Description);
        new PortScanCommands().Register(root);
        new ApkCommands().Register(root);
        return CliInvocation.Invoke(root, args, Console.Out, Console.Error);
    }
}
