using System.Text.Json.Serialization;

namespace MedGuard.Detection.Ports.Services;

// The probe file as written (Data/probes.json); ProbeCatalog.Parse validates it into ServiceProbes and ServiceChecks.

internal sealed class ProbeFile
{
    public List<ProbeEntry>? Probes { get; set; }

    public List<CheckEntry>? Checks { get; set; }
}

internal sealed class ProbeEntry
{
    public string Id { get; set; } = "";

    public string? Send { get; set; }

    public string? SendHex { get; set; }

    public string? GoodbyeHex { get; set; }

    public bool Tls { get; set; }

    public bool Fallback { get; set; }

    public bool ReadUntilClose { get; set; }

    public int? WaitMs { get; set; }

    public List<int>? Ports { get; set; }

    public List<MatchEntry>? Matches { get; set; }
}

internal sealed class MatchEntry
{
    public string Service { get; set; } = "";

    public string? Pattern { get; set; }

    public string? Product { get; set; }

    public string? Version { get; set; }

    public string? Info { get; set; }

    public string? Extract { get; set; }

    public List<string>? Flags { get; set; }
}

internal sealed class CheckEntry
{
    public string Id { get; set; } = "";

    public string Service { get; set; } = "";

    public string Flag { get; set; } = "";

    public string? Conversation { get; set; }

    public string? Info { get; set; }

    public List<StepEntry>? Steps { get; set; }
}

internal sealed class StepEntry
{
    public string? Send { get; set; }

    public string? SendHex { get; set; }

    public string? Expect { get; set; }

    public string? Version { get; set; }
}

/// <summary>
/// Source-generated reader, as for the port policy: no reflection, so the scanner compiles ahead of time. Comments and
/// trailing commas are allowed so the file can explain itself; an unknown key is an error, as a misspelt
/// <c>send_hex</c> would silently send nothing.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(ProbeFile))]
internal sealed partial class ProbeJsonContext : JsonSerializerContext;
