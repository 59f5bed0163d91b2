using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using MedGuard.Domain.Findings;

namespace MedGuard.Domain.Detection;

/// <summary>
/// The one JSON form of a <see cref="DetectionRun"/>, whatever the detector (docs/detection-run.md). Written with
/// <see cref="Utf8JsonWriter"/>, no reflection: the native-AOT front writes it too. Keeps the field names scripts read
/// from the per-detector JSON it replaces: <c>requests</c>, <c>hosts[].ports[].port/state</c>, and per finding
/// <c>ruleId</c>, <c>title</c>, <c>severity</c>, <c>target</c>, <c>url</c>, <c>port</c>, <c>count</c>,
/// <c>locations</c>.
/// </summary>
public static partial class DetectionRunJson
{
    /// <summary>
    /// The run's identity for import: SHA-256 (hex) of its canonical JSON (this writer, not indented), so the same run
    /// re-written with other indentation or key spacing is still the same run.
    /// </summary>
    public static string Digest(DetectionRun run)
    {
        // Hashed as it is written: a 100,000-finding run's canonical JSON (~50 MB) is never held in memory.
        using var hash = new HashingStream();
        Write(run, hash, indented: false);
        return Convert.ToHexStringLower(hash.Finish());
    }

    public static string Write(DetectionRun run, bool indented = true)
    {
        using var buffer = new MemoryStream();
        Write(run, buffer, indented);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static void Write(DetectionRun run, Stream output, bool indented = true)
    {
        // Chinese stays readable in the output; JSON consumers do not need \u escapes.
        using var w = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = indented, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        w.WriteStartObject();
        w.WriteNumber("schemaVersion", DetectionRun.SchemaVersion);
        w.WriteString("detector", run.DetectorId);
        w.WriteString("detectorVersion", run.DetectorVersion);
        w.WriteString("scope", run.Scope);
        w.WriteString("target", run.Target);
        w.WriteString("startedAt", run.StartedAt);
        w.WriteString("endedAt", run.EndedAt);
        w.WriteNumber("durationMs", (long)(run.EndedAt - run.StartedAt).TotalMilliseconds);
        w.WriteNumber("requests", run.Statistics.Requests);
        w.WriteNumber("connections", run.Statistics.Connections);
        w.WriteNumber("files", run.Statistics.Files);
        w.WriteBoolean("complete", run.Complete);
        w.WriteStartArray("coverage");
        foreach (var note in run.Coverage)
        {
            w.WriteStartObject();
            w.WriteString("subject", note.Subject);
            w.WriteString("reason", note.Reason);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        if (run.Covered is null)
        {
            w.WriteNull("covered");
        }
        else
        {
            w.WriteStartObject("covered");
            WriteStrings(w, "subjects", run.Covered);
            w.WriteString("ports", run.PortsScanned);
            w.WriteEndObject();
        }

        WriteHosts(w, run.Hosts);
        WriteApps(w, run.Apps);
        w.WriteStartArray("findings");
        foreach (var finding in run.Findings)
        {
            WriteFinding(w, finding);
            FlushSometimes(w);
        }

        w.WriteEndArray();
        w.WriteStartObject("summary");
        w.WriteNumber("findings", run.Findings.Count(f => !f.InThirdPartyCode));
        w.WriteNumber("高", run.CountOf(Severity.High));
        w.WriteNumber("中", run.CountOf(Severity.Medium));
        w.WriteNumber("低", run.CountOf(Severity.Low));
        w.WriteNumber("信息", run.CountOf(Severity.Info));
        w.WriteNumber("kinds", run.Kinds);
        foreach (var (name, value) in run.Figures)
        {
            w.WriteNumber(name, value);
        }

        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteHosts(Utf8JsonWriter w, IReadOnlyList<ObservedHost> hosts)
    {
        w.WriteStartArray("hosts");
        foreach (var host in hosts)
        {
            w.WriteStartObject();
            w.WriteString("address", host.Address);
            w.WriteString("hostName", host.HostName);
            w.WriteNumber("closed", host.Closed);
            w.WriteNumber("filtered", host.Filtered);
            w.WriteStartArray("ports");
            foreach (var port in host.Ports)
            {
                w.WriteStartObject();
                w.WriteNumber("port", port.Port);
                w.WriteString("state", port.State);
                w.WriteString("service", port.Service);
                w.WriteString("product", port.Product);
                w.WriteString("banner", port.Banner);
                if (port.Protocol is not null)
                {
                    w.WriteString("protocol", port.Protocol);
                }
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
            FlushSometimes(w);
        }

        w.WriteEndArray();
    }

    // The writer holds everything written until flushed: without this a 100,000-finding run (~50 MB) sat in its
    // growing buffer whole — also when only hashed for the digest.
    private static void FlushSometimes(Utf8JsonWriter w)
    {
        if (w.BytesPending > 256 * 1024)
        {
            w.Flush();
        }
    }

    private static void WriteApps(Utf8JsonWriter w, IReadOnlyList<ObservedApp> apps)
    {
        w.WriteStartArray("apps");
        foreach (var app in apps)
        {
            w.WriteStartObject();
            w.WriteString("file", app.File);
            w.WriteString("package", app.Package);
            w.WriteString("versionName", app.VersionName);
            w.WriteNumber("minSdk", app.MinSdk);
            w.WriteNumber("targetSdk", app.TargetSdk);
            w.WriteBoolean("debuggable", app.Debuggable);
            if (app.Endpoints.Count > 0)
            {
                // Only when there are some: a run written before endpoints existed keeps its canonical form (digest).
                WriteStrings(w, "endpoints", app.Endpoints);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void WriteFinding(Utf8JsonWriter w, Finding f)
    {
        w.WriteStartObject();
        w.WriteString("fingerprint", f.Fingerprint);
        w.WriteString("ruleId", f.RuleId);
        w.WriteString("title", f.Title);
        w.WriteString("severity", f.Severity.ToChinese());
        w.WriteString("target", f.Target.Display);
        w.WriteString("targetKind", f.Target.Kind);

        // The target's own fields, flat, so that a script reads f["url"] or f["port"] without knowing the kind first.
        switch (f.Target)
        {
            case ServiceTarget service:
                w.WriteString("host", service.Host);
                w.WriteNumber("port", service.Port);
                break;
            case WebTarget web:
                w.WriteString("url", web.Url);
                w.WriteString("origin", web.Origin);
                w.WriteString("path", web.Path);
                w.WriteString("method", web.Method);
                w.WriteString("parameter", web.Parameter);
                break;
            case AppTarget app:
                w.WriteString("package", app.Package);
                w.WriteString("member", app.Member);
                w.WriteString("file", app.File);
                break;
            case AccountTarget account:
                w.WriteString("account", account.Account);
                w.WriteString("endpoint", account.Endpoint);
                break;
        }

        w.WriteNumber("count", f.Count);
        WriteStrings(w, "locations", f.Locations);
        w.WriteString("technique", f.Technique);
        w.WriteString("cwe", f.Cwe);
        WriteStrings(w, "standardRefs", f.StandardRefs);
        WriteStrings(w, "highRiskCases", f.HighRiskCases);
        w.WriteString("remediation", f.Remediation);
        w.WriteBoolean("library", f.InThirdPartyCode);
        w.WriteStartObject("evidence");
        foreach (var (key, value) in f.Evidence)
        {
            w.WriteString(key, value);
        }

        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteStrings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var value in values)
        {
            w.WriteStringValue(value);
        }

        w.WriteEndArray();
    }
}
