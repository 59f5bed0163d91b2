using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console;

namespace MedGuard.Cli.Commands;

/// <summary>The output formats a command accepts, and the writers they share.</summary>
internal static class OutputFormat
{
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        // Chinese stays readable in the output; JSON consumers do not need \u escapes.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static string Check(string? value, params string[] allowed)
    {
        var format = (value ?? allowed[0]).Trim().ToLowerInvariant();
        return Array.IndexOf(allowed, format) >= 0
            ? format
            : throw new CliException($"不支持的输出格式 '{value}'（可选: {string.Join(" / ", allowed)}）");
    }

    public static void WriteJson(TextWriter output, object value) => output.WriteLine(JsonSerializer.Serialize(value, Json));

    /// <summary>A Spectre console that writes to the command's writer (the tests capture it), never wider than 160.</summary>
    public static IAnsiConsole Console(TextWriter output) => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(output),
        Ansi = output == System.Console.Out && !System.Console.IsOutputRedirected ? AnsiSupport.Detect : AnsiSupport.No,
        ColorSystem = output == System.Console.Out && !System.Console.IsOutputRedirected ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        Interactive = InteractionSupport.No,
    });
}
