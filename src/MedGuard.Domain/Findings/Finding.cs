namespace MedGuard.Domain.Findings;

/// <summary>
/// The one shape every detector's result takes (ports, web, apk, business logic). Detectors know nothing of storage
/// or the web; the platform knows detectors only through this record, carried in a
/// <see cref="Detection.DetectionRun"/>.
/// </summary>
public sealed record Finding
{
    /// <summary>Stable rule id, e.g. <c>high_risk_port</c>, <c>sqli</c>, <c>exported_activity</c>.</summary>
    public required string RuleId { get; init; }

    /// <summary>Chinese title as a report names it, e.g. SQL注入.</summary>
    public required string Title { get; init; }

    public required Severity Severity { get; init; }

    /// <summary>What was found vulnerable, typed: a service, a place on a site, a place in an app, an account.</summary>
    public required FindingTarget Target { get; init; }

    /// <summary>Where inside the target it was seen: code locations of an app, <c>POST /path</c> of a site.</summary>
    public IReadOnlyList<string> Locations { get; init; } = [];

    /// <summary>Proof kept with the finding: request/response, banner, bytecode location… keyed by kind.</summary>
    public IReadOnlyDictionary<string, string> Evidence { get; init; } = new Dictionary<string, string>();

    public string? Cwe { get; init; }

    /// <summary>GB/T 22239-2019 items the finding bears on, as GB/T 28448 unit codes (L3-CES1-17) or clauses.</summary>
    public IReadOnlyList<string> StandardRefs { get; init; } = [];

    /// <summary>High-risk guide cases (T/ISEAA 001-2020 numbering), e.g. 6.4.3.1.</summary>
    public IReadOnlyList<string> HighRiskCases { get; init; } = [];

    public string? Remediation { get; init; }

    /// <summary>How it was shown (web: boolean, time, error, pii, tls…); null when the rule says it all.</summary>
    public string? Technique { get; init; }

    /// <summary>Found in third-party code bundled with the app (第三方库): reported, never counted as the app's.</summary>
    public bool InThirdPartyCode { get; init; }

    /// <summary>How many places inside the target: the locations, at least one.</summary>
    public int Count => Math.Max(1, Locations.Count);

    /// <summary>
    /// Stable identity for de-duplication across runs: rule and the target's identity parts (APK: rule × package ×
    /// location; ports: host:port:rule; web: origin + path + parameter + rule) — never the evidence, which changes
    /// from scan to scan (dates, session ids), and never a file name.
    /// </summary>
    public string Fingerprint => _fingerprint.Of(RuleId, Target);

    // A hash per read was computed three times per finding on import (reader check, digest, importer): kept once.
    private readonly FingerprintCache _fingerprint = new();

    /// <summary>
    /// The fingerprint last computed, with the rule and target it came from: a <c>with</c> copy shares the cache but a
    /// changed rule or target misses it. Equal to every other cache, so it never takes part in the record's equality.
    /// </summary>
    private sealed class FingerprintCache
    {
        private Entry? _entry;

        public string Of(string ruleId, FindingTarget target)
        {
            if (_entry is { } e && ReferenceEquals(e.RuleId, ruleId) && ReferenceEquals(e.Target, target))
            {
                return e.Value;
            }

            var value = target.FingerprintOf(ruleId);
            _entry = new Entry(ruleId, target, value);
            return value;
        }

        public override bool Equals(object? obj) => obj is FingerprintCache;

        public override int GetHashCode() => 0;

        private sealed record Entry(string RuleId, FindingTarget Target, string Value);
    }
}
