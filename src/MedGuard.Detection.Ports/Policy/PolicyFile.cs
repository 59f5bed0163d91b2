using System.Text.Json.Serialization;

namespace MedGuard.Detection.Ports.Policy;

// The policy file as written (Data/high-risk-ports.json); HighRiskPortPolicy.Parse validates it into PolicyRules.

internal sealed class PolicyFile
{
    public string? SourceVersion { get; set; }

    public List<RuleEntry>? Rules { get; set; }
}

internal sealed class RuleEntry
{
    public string Id { get; set; } = "";

    public string RuleId { get; set; } = "";

    public string Title { get; set; } = "";

    public string? Severity { get; set; }

    public string Why { get; set; } = "";

    public WhenEntry? When { get; set; }

    // Written as in every detector's data (standardRefs), not in this file's snake_case.
    [JsonPropertyName("standardRefs")]
    public List<string>? StandardRefs { get; set; }

    public List<string>? HighRiskCases { get; set; }

    public string? Remediation { get; set; }

    public ExamplesEntry? Examples { get; set; }
}

internal sealed class WhenEntry
{
    public List<int>? Ports { get; set; }

    public List<string>? Services { get; set; }

    public List<string>? Flags { get; set; }
}

internal sealed class ExamplesEntry
{
    public List<ExampleEntry>? Positive { get; set; }

    public List<ExampleEntry>? Negative { get; set; }
}

internal sealed class ExampleEntry
{
    public int Port { get; set; }

    public string? Service { get; set; }

    public List<string>? Flags { get; set; }
}

/// <summary>
/// Source-generated reader: no reflection at start-up (the policy is read on every scan). Comments and trailing commas
/// are allowed so the file can explain itself; an unknown key is an error, as a misspelt <c>when</c> would silently
/// widen a rule.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(PolicyFile))]
internal sealed partial class PolicyJsonContext : JsonSerializerContext;
