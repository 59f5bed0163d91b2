using System.CommandLine;

namespace MedGuard.Cli.Commands;

internal static class CommandTree
{
    /// <summary>Returns the sub-command <paramref name="name"/> of <paramref name="parent"/>, creating it once.</summary>
    public static Command GetOrAdd(Command parent, string name, string description)
    {
        foreach (var existing in parent.Subcommands)
        {
            if (existing.Name == name)
            {
                return existing;
            }
        }

        var command = new Command(name, description);
        parent.Subcommands.Add(command);
        return command;
    }
}
