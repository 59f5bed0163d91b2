using System.Security.Cryptography;
using System.Text;

namespace MedGuard.Domain.Findings;

/// <summary>
/// The one shape every detector's result takes (ports, web, apk, business logic). Detectors know nothing of storage
/// or the web; the platform knows detectors only through this record.
/// </summary>
public sealed record Finding
{
    /// <summary>Stable rule id, e.g. <c>high_risk_port</c>, <c>sqli</c>, <c>exported_activity</c>.</summary>
    public required string RuleId { get; init; }

    /// <summary>Chinese title as a report names it, e.g. SQL注入.</summary>
    public required string Title { get; init; }

    public required Severity Severity { get; init; }

    /// <summary>What was found vulnerable: <c>10.200.0.2:3389</c>, a URL, an APK file or package.</summary>
    public required string Target { get; init; }

    /// <summary>Where inside the target: a class or method, a parameter, a port.</summary>
    public IReadOnlyList<string> Locations { get; init; } = [];

    /// <summary>Proof kept with the finding: request/response, banner, bytecode location… keyed by kind.</summary>
    public IReadOnlyDictionary<string, string> Evidence { get; init; } = new Dictionary<string, string>();

    public string? Cwe { get; init; }

    /// <summary>GB/T 22239-2019 items the finding bears on, as GB/T 28448 unit codes (L3-CES1-17) or clauses.</summary>
    public IReadOnlyList<string> StandardRefs { get; init; } = [];

    /// <summary>High-risk guide cases (T/ISEAA 001-2020 numbering), e.g. 6.4.3.1.</summary>
    public IReadOnlyList<string> HighRiskCases { get; init; } = [];

    public string? Remediation { get; init; }

    /// <summary>
    /// Stable identity for de-duplication across runs: rule, target and locations, never the evidence (which changes
    /// from scan to scan: dates, session ids).
    /// </summary>
    public string Fingerprint => ComputeFingerprint(RuleId, Target, Locations);

    public static string ComputeFingerprint(string ruleId, string target, IEnumerable<string> locations)
    {
        var canonical = new StringBuilder().Append(ruleId).Append('\n').Append(target);
        foreach (var location in locations.Order(StringComparer.Ordinal))
        {
            canonical.Append('\n').Append(location);
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())))[..32];
    }
}
