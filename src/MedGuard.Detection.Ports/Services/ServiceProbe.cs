using System.Text;
using System.Text.RegularExpressions;

namespace MedGuard.Detection.Ports.Services;

/// <summary>One probe from <c>probes.json</c>: bytes to send and the patterns its reply may match.</summary>
public sealed class ServiceProbe
{
    public required string Id { get; init; }

    public required byte[] Payload { get; init; }

    public byte[]? Goodbye { get; init; }

    public bool Tls { get; init; }

    public bool Fallback { get; init; }

    public bool ReadUntilClose { get; init; }

    public TimeSpan Wait { get; init; } = TimeSpan.FromSeconds(2);

    public IReadOnlySet<int> Ports { get; init; } = new HashSet<int>();

    public required IReadOnlyList<ServiceMatch> Matches { get; init; }

    /// <summary>Replaces <c>{host}</c> in text payloads (HTTP Host header).</summary>
    internal byte[] PayloadFor(string host)
    {
        if (Payload.Length == 0 || Array.IndexOf(Payload, (byte)'{') < 0)
        {
            return Payload;
        }

        return Encoding.Latin1.GetBytes(Encoding.Latin1.GetString(Payload).Replace("{host}", host, StringComparison.Ordinal));
    }
}

/// <summary>A pattern over a reply (Latin-1 text) and what it means.</summary>
public sealed class ServiceMatch
{
    public required string Service { get; init; }

    public required Regex Pattern { get; init; }

    public string? Product { get; init; }

    public string? Version { get; init; }

    public string? Info { get; init; }

    public string? Extract { get; init; }

    public IReadOnlyList<string> Flags { get; init; } = [];

    internal static string? Fill(string? template, Match match)
    {
        if (template is null)
        {
            return null;
        }

        var filled = match.Result(template).Trim();
        return filled.Length == 0 ? null : filled;
    }
}

/// <summary>
/// A follow-up conversation on an identified service; all steps must see their reply to set the flag. A conversation
/// that needs real parsing (length-prefixed packets, a reply that decides the next message) is named instead of
/// spelled out in steps and runs in code, as a decoder is named by <c>extract</c>.
/// </summary>
public sealed class ServiceCheck
{
    public required string Id { get; init; }

    public required string Service { get; init; }

    public required string Flag { get; init; }

    public IReadOnlyList<CheckStep> Steps { get; init; } = [];

    /// <summary>A conversation in code (e.g. <c>mysql_empty_root_password</c>) in place of <see cref="Steps"/>.</summary>
    public string? Conversation { get; init; }

    /// <summary>Added to the service's info when the check passes, so the report says what was shown.</summary>
    public string? Info { get; init; }
}

public sealed class CheckStep
{
    public byte[]? Send { get; init; }

    public Regex? Expect { get; init; }

    /// <summary>Fills the service version from the expect's groups (e.g. redis_version).</summary>
    public string? Version { get; init; }
}
