using System.Text.Encodings.Web;
using System.Text.Json;
using MedGuard.Detection.Apk.Rules;
using MedGuard.Domain.Findings;

namespace MedGuard.Detection.Apk.Reporting;

/// <summary>SARIF 2.1.0: one run, the catalog's rules as reportingDescriptors, one result per finding location.</summary>
public static class ApkSarifWriter
{
    public static void Write(Stream stream, ApkBatchResult result, RuleCatalog catalog)
    {
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        w.WriteStartObject();
        w.WriteString("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
        w.WriteString("version", "2.1.0");
        w.WriteStartArray("runs");
        w.WriteStartObject();
        w.WritePropertyName("tool");
        w.WriteStartObject();
        w.WritePropertyName("driver");
        w.WriteStartObject();
        w.WriteString("name", "MedGuard APK");
        w.WriteString("fullName", "MedGuard 医盾 APK 检测");
        w.WriteString("version", typeof(ApkSarifWriter).Assembly.GetName().Version?.ToString() ?? "1.0.0");
        w.WriteStartArray("rules");
        foreach (var rule in catalog.Rules)
        {
            w.WriteStartObject();
            w.WriteString("id", rule.Id);
            w.WriteString("name", rule.Id);
            Text(w, "shortDescription", rule.Title);
            Text(w, "fullDescription", rule.Description);
            Text(w, "help", rule.Remediation);
            w.WritePropertyName("defaultConfiguration");
            w.WriteStartObject();
            w.WriteString("level", Level(rule.SeverityFor(int.MaxValue)));
            w.WriteEndObject();
            w.WritePropertyName("properties");
            w.WriteStartObject();
            w.WriteString("severity", rule.SeverityFor(int.MaxValue).ToChinese());
            w.WriteString("cwe", rule.Cwe);
            w.WriteStartArray("gbt22239");
            rule.Gbt22239.ForEach(w.WriteStringValue);
            w.WriteEndArray();
            w.WriteStartArray("tags");
            w.WriteStringValue("security");
            w.WriteStringValue(rule.Cwe);
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();

        w.WriteStartArray("artifacts");
        foreach (var app in result.Apps)
        {
            w.WriteStartObject();
            w.WritePropertyName("location");
            w.WriteStartObject();
            w.WriteString("uri", app.File);
            w.WriteEndObject();
            w.WritePropertyName("properties");
            w.WriteStartObject();
            w.WriteString("package", app.Package);
            w.WriteString("versionName", app.VersionName);
            w.WriteNumber("minSdk", app.MinSdk);
            w.WriteNumber("targetSdk", app.TargetSdk);
            w.WriteBoolean("debuggable", app.Debuggable);
            w.WriteBoolean("cleartextTrafficPermitted", app.CleartextTrafficPermitted);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WriteEndArray();

        w.WriteStartArray("results");
        foreach (var app in result.Apps)
        {
            foreach (var (findings, library) in new[] { (app.Findings, false), (app.LibraryFindings, true) })
            {
                foreach (var f in findings)
                {
                    foreach (var location in f.Locations)
                    {
                        WriteResult(w, app.File, f, location, library);
                    }
                }
            }
        }

        w.WriteEndArray();

        w.WriteStartArray("invocations");
        w.WriteStartObject();
        w.WriteBoolean("executionSuccessful", result.Errors.Count == 0);
        w.WriteStartArray("toolExecutionNotifications");
        foreach (var e in result.Errors)
        {
            w.WriteStartObject();
            w.WriteString("level", "error");
            Text(w, "message", e.Error);
            w.WriteStartArray("locations");
            w.WriteStartObject();
            w.WritePropertyName("physicalLocation");
            w.WriteStartObject();
            w.WritePropertyName("artifactLocation");
            w.WriteStartObject();
            w.WriteString("uri", e.File);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndArray();

        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteResult(Utf8JsonWriter w, string file, Finding f, string location, bool library)
    {
        w.WriteStartObject();
        w.WriteString("ruleId", f.RuleId);
        w.WriteString("level", Level(f.Severity));
        Text(w, "message", f.Evidence.TryGetValue(location, out var evidence) ? $"{f.Title}：{evidence}" : f.Title);
        w.WriteStartArray("locations");
        w.WriteStartObject();
        w.WritePropertyName("physicalLocation");
        w.WriteStartObject();
        w.WritePropertyName("artifactLocation");
        w.WriteStartObject();
        w.WriteString("uri", file);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteStartArray("logicalLocations");
        w.WriteStartObject();
        w.WriteString("fullyQualifiedName", location);
        w.WriteString("kind", location.Contains("->", StringComparison.Ordinal) ? "function" : location.StartsWith('L') ? "type" : "resource");
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndArray();
        w.WritePropertyName("partialFingerprints");
        w.WriteStartObject();
        w.WriteString("medguard/v1", Finding.ComputeFingerprint(f.RuleId, file, [location]));
        w.WriteEndObject();
        w.WritePropertyName("properties");
        w.WriteStartObject();
        w.WriteBoolean("library", library);
        w.WriteString("severity", f.Severity.ToChinese());
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static string Level(Severity s) => s switch { Severity.High => "error", Severity.Medium => "warning", _ => "note" };

    private static void Text(Utf8JsonWriter w, string name, string text)
    {
        w.WritePropertyName(name);
        w.WriteStartObject();
        w.WriteString("text", text);
        w.WriteEndObject();
    }
}
