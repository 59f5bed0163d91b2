using System.Text.Encodings.Web;
using System.Text.Json;
using MedGuard.Domain.Findings;

namespace MedGuard.Detection.Apk.Reporting;

/// <summary>
/// The JSON report: <c>{"apps":[{"file","package","versionName","minSdk","targetSdk","debuggable","findings":[{"ruleId",
/// "title","severity","count","locations"}],"libraryFindings":[…]}],"errors":[{"file","error"}]}</c>.
/// </summary>
public static class ApkJsonWriter
{
    public static void Write(Stream stream, ApkBatchResult result)
    {
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        w.WriteStartObject();
        w.WriteStartArray("apps");
        foreach (var app in result.Apps)
        {
            w.WriteStartObject();
            w.WriteString("file", app.File);
            w.WriteString("package", app.Package);
            w.WriteString("versionName", app.VersionName);
            w.WriteNumber("minSdk", app.MinSdk);
            w.WriteNumber("targetSdk", app.TargetSdk);
            w.WriteBoolean("debuggable", app.Debuggable);
            WriteFindings(w, "findings", app.Findings);
            WriteFindings(w, "libraryFindings", app.LibraryFindings);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("errors");
        foreach (var e in result.Errors)
        {
            w.WriteStartObject();
            w.WriteString("file", e.File);
            w.WriteString("error", e.Error);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteFindings(Utf8JsonWriter w, string name, IReadOnlyList<Finding> findings)
    {
        w.WriteStartArray(name);
        foreach (var f in findings)
        {
            w.WriteStartObject();
            w.WriteString("ruleId", f.RuleId);
            w.WriteString("title", f.Title);
            w.WriteString("severity", f.Severity.ToChinese());
            w.WriteNumber("count", f.Locations.Count);
            w.WriteStartArray("locations");
            foreach (var l in f.Locations)
            {
                w.WriteStringValue(l);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }
}
