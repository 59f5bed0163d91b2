using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using MedGuard.Domain.Findings;

namespace MedGuard.Domain.Detection;

/// <summary>
/// SARIF 2.1.0 form of a <see cref="DetectionRun"/>, so findings load into code-scanning dashboards: one run, the
/// rules that fired as reportingDescriptors, one result per finding with its fingerprint, what the run could not cover
/// as tool notifications (SARIF's own place for "the tool did not see everything").
/// </summary>
public static class DetectionRunSarif
{
    public const string FingerprintKey = "medguard/v2";

    public static string Write(DetectionRun run)
    {
        using var buffer = new MemoryStream();
        Write(run, buffer);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static void Write(DetectionRun run, Stream output)
    {
        using var w = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        w.WriteStartObject();
        w.WriteString("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
        w.WriteString("version", "2.1.0");
        w.WriteStartArray("runs");
        w.WriteStartObject();
        w.WriteStartObject("tool");
        w.WriteStartObject("driver");
        w.WriteString("name", $"MedGuard {run.DetectorId}");
        w.WriteString("fullName", $"MedGuard 医盾 {run.DetectorId} 检测");
        w.WriteString("version", run.DetectorVersion);
        w.WriteStartArray("rules");
        foreach (var rule in run.Findings.GroupBy(f => f.RuleId, StringComparer.Ordinal))
        {
            WriteRule(w, rule.Key, rule.First());
        }

        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();

        w.WriteStartArray("results");
        foreach (var finding in run.Findings)
        {
            WriteResult(w, finding);
        }

        w.WriteEndArray();

        w.WriteStartArray("invocations");
        w.WriteStartObject();
        w.WriteBoolean("executionSuccessful", true);
        w.WriteString("startTimeUtc", run.StartedAt.UtcDateTime);
        w.WriteString("endTimeUtc", run.EndedAt.UtcDateTime);
        w.WriteStartArray("toolExecutionNotifications");
        foreach (var note in run.Coverage)
        {
            w.WriteStartObject();
            w.WriteString("level", "warning");
            Text(w, "message", $"{note.Subject}：{note.Reason}");
            w.WriteStartObject("properties");
            w.WriteString("subject", note.Subject);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndArray();

        w.WriteStartObject("properties");
        w.WriteNumber("schemaVersion", DetectionRun.SchemaVersion);
        w.WriteString("scope", run.Scope);
        w.WriteString("target", run.Target);
        w.WriteNumber("requests", run.Statistics.Requests);
        w.WriteNumber("connections", run.Statistics.Connections);
        w.WriteNumber("files", run.Statistics.Files);
        w.WriteEndObject();

        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteRule(Utf8JsonWriter w, string ruleId, Finding first)
    {
        w.WriteStartObject();
        w.WriteString("id", ruleId);
        w.WriteString("name", ruleId);
        Text(w, "shortDescription", first.Title);
        if (first.Remediation is not null)
        {
            Text(w, "help", first.Remediation);
        }

        w.WriteStartObject("defaultConfiguration");
        w.WriteString("level", Level(first.Severity));
        w.WriteEndObject();
        w.WriteStartObject("properties");
        w.WriteString("severity", first.Severity.ToChinese());
        w.WriteString("cwe", first.Cwe);
        w.WriteStartArray("standardRefs");
        foreach (var reference in first.StandardRefs)
        {
            w.WriteStringValue(reference);
        }

        w.WriteEndArray();
        w.WriteStartArray("tags");
        w.WriteStringValue("security");
        if (first.Cwe is not null)
        {
            w.WriteStringValue(first.Cwe);
        }

        foreach (var reference in first.StandardRefs)
        {
            w.WriteStringValue("GB/T 22239 " + reference);
        }

        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteResult(Utf8JsonWriter w, Finding f)
    {
        w.WriteStartObject();
        w.WriteString("ruleId", f.RuleId);
        w.WriteString("level", Level(f.Severity));
        Text(w, "message", $"{f.Title}：{f.Target.Display}");
        w.WriteStartArray("locations");
        w.WriteStartObject();
        w.WriteStartObject("physicalLocation");
        w.WriteStartObject("artifactLocation");
        w.WriteString("uri", ArtifactUri(f.Target));
        w.WriteEndObject();
        w.WriteEndObject();
        if (f.Target is AppTarget { Member: { } member })
        {
            w.WriteStartArray("logicalLocations");
            w.WriteStartObject();
            w.WriteString("fullyQualifiedName", member);
            w.WriteString("kind", member.Contains("->", StringComparison.Ordinal) ? "function" : member.StartsWith('L') ? "type" : "resource");
            w.WriteEndObject();
            w.WriteEndArray();
        }

        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteStartObject("partialFingerprints");
        w.WriteString(FingerprintKey, f.Fingerprint);
        w.WriteEndObject();
        w.WriteStartObject("properties");
        w.WriteString("severity", f.Severity.ToChinese());
        w.WriteString("targetKind", f.Target.Kind);
        w.WriteBoolean("library", f.InThirdPartyCode);
        if (f.Target is WebTarget { Method: { } method })
        {
            w.WriteString("method", method);
        }

        if (f.Target is WebTarget { Parameter: { } parameter })
        {
            w.WriteString("parameter", parameter);
        }

        if (f.Technique is not null)
        {
            w.WriteString("technique", f.Technique);
        }

        w.WriteStartArray("highRiskCases");
        foreach (var highRiskCase in f.HighRiskCases)
        {
            w.WriteStringValue(highRiskCase);
        }

        w.WriteEndArray();
        w.WriteStartObject("evidence");
        foreach (var (key, value) in f.Evidence)
        {
            w.WriteString(key, value);
        }

        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>What SARIF viewers open: the URL, the APK file (else its package), tcp://host:port, the endpoint.</summary>
    private static string ArtifactUri(FindingTarget target) => target switch
    {
        WebTarget web => web.Url,
        AppTarget app => app.File ?? app.Package,
        ServiceTarget service => $"tcp://{service.Display}",
        AccountTarget account => account.Endpoint ?? account.Account,
        _ => target.Display,
    };

    private static string Level(Severity severity) => severity switch
    {
        Severity.High => "error",
        Severity.Medium => "warning",
        _ => "note",
    };

    private static void Text(Utf8JsonWriter w, string name, string text)
    {
        w.WriteStartObject(name);
        w.WriteString("text", text);
        w.WriteEndObject();
    }
}
