using System.Text.Json.Serialization;

namespace MedGuard.Detection.Ports.Udp;

// The UDP probe file as written (Data/udp-probes.json); UdpProbeCatalog.Parse validates it into UdpProbes.

internal sealed class UdpProbeFile
{
    public List<UdpProbeEntry>? Probes { get; set; }
}

internal sealed class UdpProbeEntry
{
    public string Id { get; set; } = "";

    public string Service { get; set; } = "";

    public int Port { get; set; }

    public string? Why { get; set; }

    public string? Send { get; set; }

    public string? SendHex { get; set; }

    public string? GoodbyeHex { get; set; }

    public List<UdpReplyEntry>? Replies { get; set; }

    public UdpExamplesEntry? Examples { get; set; }
}

internal sealed class UdpReplyEntry
{
    public string Pattern { get; set; } = "";

    public List<string>? Flags { get; set; }

    public string? Info { get; set; }

    public string? Extract { get; set; }
}

internal sealed class UdpExamplesEntry
{
    public List<string>? Positive { get; set; }

    public List<string>? Negative { get; set; }
}

/// <summary>Source-generated reader (the native front runs UDP probes too); an unknown key is an error.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(UdpProbeFile))]
internal sealed partial class UdpProbeJsonContext : JsonSerializerContext;
