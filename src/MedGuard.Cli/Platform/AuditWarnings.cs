using MedGuard.Storage.Auditing;
using Microsoft.Extensions.Logging;

namespace MedGuard.Cli.Platform;

/// <summary>What the audit trail warns about (a chain upgraded, an anchor that does not match) on the command's error
/// stream: a command line has no log, and these must not pass unseen.</summary>
internal sealed class AuditWarnings(TextWriter error) : ILogger<AuditTrail>
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
        {
            error.WriteLine($"{(logLevel >= LogLevel.Error ? "警告（严重）" : "警告")}: {formatter(state, exception)}");
        }
    }
}
