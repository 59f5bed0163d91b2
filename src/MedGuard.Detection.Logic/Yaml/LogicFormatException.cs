namespace MedGuard.Detection.Logic.Yaml;

/// <summary>A scenario, profile, identities or HAR file that cannot be used; the message names the file and line (文件:行).</summary>
public sealed class LogicFormatException(string message) : Exception(message)
{
    public static LogicFormatException At(string source, int line, string message) => new($"{source}:{line}: {message}");
}
