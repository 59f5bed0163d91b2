namespace MedGuard.Cli;

/// <summary>A user-facing error: printed as one clear line, no stack trace, with a non-zero exit code.</summary>
public sealed class CliException(string message, int exitCode = 2) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
