namespace MedGuard.Cli.Tests;

/// <summary>Runs the <c>medguard</c> command in-process and captures what a terminal would show.</summary>
public sealed record CliRun(int ExitCode, string Output, string Error)
{
    public static CliRun Of(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = Program.Run(args, output, error);
        return new CliRun(code, output.ToString(), error.ToString());
    }
}
