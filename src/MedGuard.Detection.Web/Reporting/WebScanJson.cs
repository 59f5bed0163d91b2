using System.Text.Encodings.Web;
using System.Text.Json;
using MedGuard.Detection.Web.Scanning;
using MedGuard.Domain.Findings;

namespace MedGuard.Detection.Web.Reporting;

/// <summary>
/// The scan's JSON, exactly shaped as issue 5 fixes it: target, requests, durationMs, findings (ruleId, title,
/// severity, url, method, parameter, technique, cwe, evidence{request,response}) and summary {高, 中, 低, kinds}.
/// </summary>
public static class WebScanJson
{
    public static string Write(WebScanReport report, bool indented = true)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("target", report.Target);
            w.WriteNumber("requests", report.Requests);
            w.WriteNumber("durationMs", (long)report.Duration.TotalMilliseconds);
            w.WriteStartArray("findings");
            foreach (var f in report.Findings)
            {
                w.WriteStartObject();
                w.WriteString("ruleId", f.RuleId);
                w.WriteString("title", f.Finding.Title);
                w.WriteString("severity", f.Severity.ToChinese());
                w.WriteString("url", f.Url);
                w.WriteString("method", f.Method);
                WriteNullable(w, "parameter", f.Parameter);
                WriteNullable(w, "technique", f.Technique);
                WriteNullable(w, "cwe", f.Finding.Cwe);
                w.WriteStartObject("evidence");
                w.WriteString("request", f.Request);
                w.WriteString("response", f.Response);
                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartObject("summary");
            w.WriteNumber("高", report.Count(Severity.High));
            w.WriteNumber("中", report.Count(Severity.Medium));
            w.WriteNumber("低", report.Count(Severity.Low));
            w.WriteNumber("kinds", report.Kinds);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteNullable(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }
}
