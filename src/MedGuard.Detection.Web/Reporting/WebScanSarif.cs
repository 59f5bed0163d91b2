using System.Text.Encodings.Web;
using System.Text.Json;
using MedGuard.Detection.Web.Scanning;
using MedGuard.Domain.Findings;

namespace MedGuard.Detection.Web.Reporting;

/// <summary>SARIF 2.1.0 output, so findings load into code-scanning dashboards; evidence rides in result properties.</summary>
public static class WebScanSarif
{
    public static string Write(WebScanReport report)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
            w.WriteString("version", "2.1.0");
            w.WriteStartArray("runs");
            w.WriteStartObject();
            w.WriteStartObject("tool");
            w.WriteStartObject("driver");
            w.WriteString("name", "MedGuard Web Scanner");
            w.WriteString("version", "1.0.0");
            w.WriteStartArray("rules");
            foreach (var rule in report.Findings.GroupBy(f => f.RuleId, StringComparer.Ordinal))
            {
                var first = rule.First().Finding;
                w.WriteStartObject();
                w.WriteString("id", rule.Key);
                w.WriteString("name", rule.Key);
                w.WriteStartObject("shortDescription");
                w.WriteString("text", first.Title);
                w.WriteEndObject();
                if (first.Remediation is not null)
                {
                    w.WriteStartObject("help");
                    w.WriteString("text", first.Remediation);
                    w.WriteEndObject();
                }

                w.WriteStartObject("properties");
                w.WriteStartArray("tags");
                if (first.Cwe is not null)
                {
                    w.WriteStringValue(first.Cwe);
                }

                foreach (var r in first.StandardRefs)
                {
                    w.WriteStringValue("GB/T 22239 " + r);
                }

                w.WriteEndArray();
                w.WriteString("severity", first.Severity.ToChinese());
                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteStartArray("results");
            foreach (var f in report.Findings)
            {
                w.WriteStartObject();
                w.WriteString("ruleId", f.RuleId);
                w.WriteString("level", f.Severity switch { Severity.High => "error", Severity.Medium => "warning", _ => "note" });
                w.WriteStartObject("message");
                w.WriteString("text", f.Parameter is null ? $"{f.Finding.Title}：{f.Method} {f.Url}" : $"{f.Finding.Title}：{f.Method} {f.Url} 参数 {f.Parameter}（{f.Technique}）");
                w.WriteEndObject();
                w.WriteStartArray("locations");
                w.WriteStartObject();
                w.WriteStartObject("physicalLocation");
                w.WriteStartObject("artifactLocation");
                w.WriteString("uri", f.Url);
                w.WriteEndObject();
                w.WriteEndObject();
                w.WriteEndObject();
                w.WriteEndArray();
                w.WriteStartObject("partialFingerprints");
                w.WriteString("medguard/v1", f.Finding.Fingerprint);
                w.WriteEndObject();
                w.WriteStartObject("properties");
                w.WriteString("method", f.Method);
                if (f.Parameter is not null)
                {
                    w.WriteString("parameter", f.Parameter);
                }

                if (f.Technique is not null)
                {
                    w.WriteString("technique", f.Technique);
                }

                w.WriteString("request", f.Request);
                w.WriteString("response", f.Response);
                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndArray();

            // SARIF's own place for "the tool did not see everything": one notification per limitation.
            w.WriteStartArray("invocations");
            w.WriteStartObject();
            w.WriteBoolean("executionSuccessful", true);
            w.WriteStartArray("toolExecutionNotifications");
            foreach (var limitation in report.Limitations)
            {
                w.WriteStartObject();
                w.WriteString("level", "warning");
                w.WriteStartObject("message");
                w.WriteString("text", limitation);
                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
