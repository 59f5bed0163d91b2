using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using MedGuard.Domain.Findings;

namespace MedGuard.Detection.Ports.Reporting;

/// <summary>
/// The JSON shape other tools rely on (issue #4):
/// <c>{"hosts":[{"address","ports":[{"port","state","service","product","banner"}]}],
/// "findings":[{"ruleId","severity","target","title","refs"}],
/// "summary":{"hosts","hostsWithOpenPorts","openPorts","distinctPorts","hostsWithHighRiskPorts"}}</c>.
/// </summary>
public static class JsonReportWriter
{
    public static string Write(ScanReport report)
    {
        using var buffer = new MemoryStream();
        Write(report, buffer, indented: true);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static void Write(ScanReport report, Stream output, bool indented)
    {
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = indented, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        json.WriteStartObject();
        json.WriteStartArray("hosts");
        foreach (var host in report.Hosts)
        {
            json.WriteStartObject();
            json.WriteString("address", host.Target.Address.ToString());
            json.WriteStartArray("ports");
            foreach (var port in host.OpenPorts)
            {
                json.WriteStartObject();
                json.WriteNumber("port", port.Port);
                json.WriteString("state", port.State switch
                {
                    Scanning.PortState.Open => "open",
                    Scanning.PortState.Closed => "closed",
                    _ => "filtered",
                });
                json.WriteString("service", port.Service?.Name);
                json.WriteString("product", ProductText(port.Service));
                json.WriteString("banner", port.Service?.Banner);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("findings");
        foreach (var finding in report.Findings)
        {
            json.WriteStartObject();
            json.WriteString("ruleId", finding.RuleId);
            json.WriteString("severity", finding.Severity.ToChinese());
            json.WriteString("target", finding.Target);
            json.WriteString("title", finding.Title);
            json.WriteStartArray("refs");
            foreach (var reference in Refs(finding))
            {
                json.WriteStringValue(reference);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartObject("summary");
        json.WriteNumber("hosts", report.Summary.Hosts);
        json.WriteNumber("hostsWithOpenPorts", report.Summary.HostsWithOpenPorts);
        json.WriteNumber("openPorts", report.Summary.OpenPorts);
        json.WriteNumber("distinctPorts", report.Summary.DistinctPorts);
        json.WriteNumber("hostsWithHighRiskPorts", report.Summary.HostsWithHighRiskPorts);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    /// <summary>GB/T 22239 clauses, then the high-risk guide cases as 高风险判例 N.</summary>
    public static IEnumerable<string> Refs(Finding finding) =>
        finding.StandardRefs.Concat(finding.HighRiskCases.Select(c => $"高风险判例 {c}"));

    /// <summary>Product with its version and extra info, as one line ("MariaDB 10.11.6", "nginx/1.22.1 HTTP 200 《…》").</summary>
    public static string? ProductText(Services.ServiceInfo? service)
    {
        if (service is null)
        {
            return null;
        }

        var parts = new List<string>();
        if (!string.IsNullOrEmpty(service.Product))
        {
            parts.Add(service.Product);
        }

        if (!string.IsNullOrEmpty(service.Version) && !(service.Product ?? "").Contains(service.Version, StringComparison.Ordinal))
        {
            parts.Add(service.Version);
        }

        if (!string.IsNullOrEmpty(service.Info))
        {
            parts.Add($"({service.Info})");
        }

        return parts.Count == 0 ? null : string.Join(' ', parts);
    }
}
