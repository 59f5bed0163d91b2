using System.Text.Json;
using MedGuard.Domain.Findings;

namespace MedGuard.Detection.Ports.Policy;

/// <summary>
/// 高危端口策略: turns open ports and what the probes learned into findings, from rules kept as data (the embedded
/// <c>Data/high-risk-ports.json</c> by default). Loading validates every rule and runs none of its examples; the
/// tests run them.
/// </summary>
public sealed class HighRiskPortPolicy
{
    /// <summary>Where the embedded policy is edited: named in errors and in <see cref="StandardRefs"/>.</summary>
    public const string EmbeddedFile = "src/MedGuard.Detection.Ports/Data/high-risk-ports.json";

    private static readonly Lazy<HighRiskPortPolicy> Embedded = new(() => Parse(EmbeddedText(), EmbeddedFile));

    private static string EmbeddedText()
    {
        using var stream = typeof(HighRiskPortPolicy).Assembly.GetManifestResourceStream("MedGuard.Detection.Ports.Data.high-risk-ports.json")
            ?? throw new InvalidDataException("缺少内嵌资源 high-risk-ports.json");
        using var reader = new StreamReader(stream, System.Text.Encoding.UTF8);
        return reader.ReadToEnd();
    }

    /// <summary>
    /// Every GB/T 22239 citation of the embedded policy with its line, for the catalog check in MedGuard.Standards
    /// (StandardRefIntegrity): this engine knows the codes' shape, the standards library knows which exist.
    /// </summary>
    public static IEnumerable<StandardRefSite> StandardRefs() => StandardRefText.Scan(EmbeddedFile, EmbeddedText());

    private HighRiskPortPolicy(string sourceVersion, IReadOnlyList<PolicyRule> rules)
    {
        SourceVersion = sourceVersion;
        Rules = rules;
    }

    public static HighRiskPortPolicy Default => Embedded.Value;

    public string SourceVersion { get; }

    public IReadOnlyList<PolicyRule> Rules { get; }

    /// <summary>Rule ids whose findings make a host count as "with high-risk ports" in the summary.</summary>
    public const string HighRiskPortRuleId = "high_risk_port";

    public IEnumerable<Finding> Evaluate(PortObservation observation)
    {
        foreach (var rule in Rules.Where(r => r.Matches(observation)))
        {
            var target = new ServiceTarget(observation.Address, observation.Port);
            var evidence = new Dictionary<string, string>
            {
                ["port"] = observation.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["why"] = rule.Why,
            };
            if (observation.Service is not null)
            {
                evidence["service"] = observation.Service;
            }

            if (observation.Protocol != "tcp")
            {
                evidence["protocol"] = observation.Protocol;
            }

            if (observation.Details is { } d)
            {
                AddIf(evidence, "product", d.Product);
                AddIf(evidence, "version", d.Version);
                AddIf(evidence, "info", d.Info);
                AddIf(evidence, "banner", d.Banner);
                if (d.Tls is { } tls)
                {
                    evidence["tls"] = $"{tls.Protocol}; subject={tls.Subject}; issuer={tls.Issuer}; notAfter={tls.NotAfter:yyyy-MM-dd}";
                }
            }

            if (observation.Flags.Count > 0)
            {
                evidence["flags"] = string.Join(',', observation.Flags.Order(StringComparer.Ordinal));
            }

            yield return new Finding
            {
                RuleId = rule.RuleId,
                Title = rule.Title,
                Severity = rule.Severity,
                Target = target,
                Locations = [$"port:{observation.Port}", $"policy:{rule.Id}"],
                Evidence = evidence,
                StandardRefs = rule.StandardRefs,
                HighRiskCases = rule.HighRiskCases,
                Remediation = rule.Remediation,
            };
        }
    }

    private static void AddIf(Dictionary<string, string> evidence, string key, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            evidence[key] = value;
        }
    }

    public static HighRiskPortPolicy Parse(string json, string source)
    {
        PolicyFile file;
        try
        {
            file = JsonSerializer.Deserialize(json, PolicyJsonContext.Default.PolicyFile) ?? throw new InvalidDataException($"{source}: 文件为空");
        }
        catch (JsonException ex)
        {
            var line = ex.LineNumber is { } l ? $"{l + 1}" : "?";
            throw new InvalidDataException($"{source}:{line}: JSON 格式错误（{ex.Path}）: {ex.Message}", ex);
        }

        var rules = new List<PolicyRule>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var r in file.Rules ?? [])
        {
            var where = $"{source}: 规则 '{r.Id}'";
            if (string.IsNullOrWhiteSpace(r.Id) || !ids.Add(r.Id))
            {
                throw new InvalidDataException($"{source}: 规则 id 缺失或重复: '{r.Id}'");
            }

            if (string.IsNullOrWhiteSpace(r.RuleId) || string.IsNullOrWhiteSpace(r.Title) || string.IsNullOrWhiteSpace(r.Why))
            {
                throw new InvalidDataException($"{where}: 需要 rule_id、title 和 why");
            }

            if (!SeverityNames.TryParse(r.Severity, out var severity) || severity == Severity.Info)
            {
                throw new InvalidDataException($"{where}: severity 应为 高/中/低，而不是 '{r.Severity}'");
            }

            if (r.StandardRefs is not { Count: > 0 })
            {
                throw new InvalidDataException($"{where}: 至少需要一条 GB/T 22239 引用 (standardRefs，GB/T 28448 单元编号如 L3-CES1-18)");
            }

            if (r.Examples?.Positive is not { Count: > 0 } || r.Examples.Negative is not { Count: > 0 })
            {
                throw new InvalidDataException($"{where}: 需要正例和反例 (examples.positive / examples.negative)");
            }

            var when = r.When ?? new WhenEntry();
            foreach (var port in when.Ports ?? [])
            {
                if (port is < 1 or > 65535)
                {
                    throw new InvalidDataException($"{where}: 无效端口 {port}");
                }
            }

            rules.Add(new PolicyRule
            {
                Id = r.Id,
                RuleId = r.RuleId,
                Title = r.Title,
                Severity = severity,
                Why = r.Why.Trim(),
                Ports = (when.Ports ?? []).ToHashSet(),
                Services = (when.Services ?? []).ToHashSet(StringComparer.Ordinal),
                Flags = when.Flags ?? [],
                StandardRefs = r.StandardRefs,
                HighRiskCases = r.HighRiskCases ?? [],
                Remediation = r.Remediation,
                PositiveExamples = r.Examples.Positive.Select(Example).ToArray(),
                NegativeExamples = r.Examples.Negative.Select(Example).ToArray(),
            });
        }

        if (rules.Count == 0)
        {
            throw new InvalidDataException($"{source}: 没有规则");
        }

        // One way to cite the standard in every detector's data: GB/T 28448 unit codes, not clause numbers.
        foreach (var site in StandardRefText.Scan(source, json))
        {
            if (!StandardRefText.IsUnitCode(site.Code))
            {
                throw new InvalidDataException($"{site.File}:{site.Line}: standardRefs 中的 '{site.Code}' 不是 GB/T 28448 单元编号（应写成 L3-CES1-18）");
            }
        }

        return new HighRiskPortPolicy(file.SourceVersion ?? "", rules);
    }

    // Rule examples are evaluated against the policy, never scanned: the address is a label from our test range.
    private static PortObservation Example(ExampleEntry e) =>
        new("10.200.0.2", e.Port, e.Service, (e.Flags ?? []).ToHashSet(StringComparer.Ordinal));
}
