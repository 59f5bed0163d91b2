namespace MedGuard.Standards.Yaml;

/// <summary>An embedded or user-supplied data file is invalid; the message names the file and the line.</summary>
public sealed class DataFileException(string file, int line, string problem)
    : FormatException($"{file}:{line}: {problem}")
{
    public string File { get; } = file;

    public int Line { get; } = line;

    public string Problem { get; } = problem;
}
