using System.Globalization;
using System.Xml;
using MedGuard.Detection.Ports.Scanning;

namespace MedGuard.Detection.Ports.Reporting;

/// <summary>
/// Writes nmap's <c>-oX</c> format (nmaprun / host / ports / port / state / service) so tools that read nmap results
/// can read ours; closed and filtered ports are summarized as <c>extraports</c>, as nmap does.
/// </summary>
public static class NmapXmlWriter
{
    /// <summary>Writes UTF-8 XML text (the declaration says UTF-8 whatever the writer's own encoding is).</summary>
    public static void Write(ScanReport report, TextWriter output)
    {
        using var buffer = new MemoryStream();
        Write(report, buffer);
        output.Write(new System.Text.UTF8Encoding(false).GetString(buffer.ToArray()));
    }

    public static void Write(ScanReport report, Stream output)
    {
        using var xml = XmlWriter.Create(output, new XmlWriterSettings { Indent = true, Encoding = new System.Text.UTF8Encoding(false) });
        var start = report.StartedAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        xml.WriteStartDocument();
        xml.WriteStartElement("nmaprun");
        xml.WriteAttributeString("scanner", "medguard");
        xml.WriteAttributeString("args", "medguard scan ports");
        xml.WriteAttributeString("start", start);
        xml.WriteAttributeString("version", "1.0");
        xml.WriteAttributeString("xmloutputversion", "1.05");
        xml.WriteStartElement("scaninfo");
        xml.WriteAttributeString("type", "connect");
        xml.WriteAttributeString("protocol", "tcp");
        xml.WriteAttributeString("services", report.PortSpec ?? "");
        xml.WriteEndElement();
        foreach (var host in report.Hosts)
        {
            xml.WriteStartElement("host");
            xml.WriteStartElement("status");
            xml.WriteAttributeString("state", host.OpenPorts.Count > 0 || host.ClosedCount > 0 ? "up" : "unknown");
            xml.WriteAttributeString("reason", host.OpenPorts.Count > 0 || host.ClosedCount > 0 ? "conn-refused" : "no-response");
            xml.WriteEndElement();
            xml.WriteStartElement("address");
            xml.WriteAttributeString("addr", host.Target.Address.ToString());
            xml.WriteAttributeString("addrtype", host.Target.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? "ipv6" : "ipv4");
            xml.WriteEndElement();
            if (host.Target.HostName is { } name)
            {
                xml.WriteStartElement("hostnames");
                xml.WriteStartElement("hostname");
                xml.WriteAttributeString("name", name);
                xml.WriteAttributeString("type", "user");
                xml.WriteEndElement();
                xml.WriteEndElement();
            }

            xml.WriteStartElement("ports");
            WriteExtra(xml, "closed", host.ClosedCount, "conn-refused");
            WriteExtra(xml, "filtered", host.FilteredCount, "no-response");
            foreach (var port in host.OpenPorts)
            {
                xml.WriteStartElement("port");
                xml.WriteAttributeString("protocol", port.Protocol);
                xml.WriteAttributeString("portid", port.Port.ToString(CultureInfo.InvariantCulture));
                xml.WriteStartElement("state");
                xml.WriteAttributeString("state", port.State.ToWire());
                xml.WriteAttributeString("reason", port.Protocol == "udp" ? "udp-response" : "syn-ack");
                xml.WriteEndElement();
                if (port.Service is { } service)
                {
                    xml.WriteStartElement("service");
                    xml.WriteAttributeString("name", service.Name);
                    WriteIf(xml, "product", service.Product);
                    WriteIf(xml, "version", service.Version);
                    WriteIf(xml, "extrainfo", service.Info);
                    if (service.Tls is not null)
                    {
                        xml.WriteAttributeString("tunnel", "ssl");
                    }

                    xml.WriteAttributeString("method", "probed");
                    xml.WriteAttributeString("conf", "10");
                    xml.WriteEndElement();
                }

                xml.WriteEndElement();
            }

            xml.WriteEndElement();
            xml.WriteEndElement();
        }

        xml.WriteStartElement("runstats");
        xml.WriteStartElement("finished");
        xml.WriteAttributeString("time", report.FinishedAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        xml.WriteEndElement();
        xml.WriteStartElement("hosts");
        xml.WriteAttributeString("up", report.Summary.HostsWithOpenPorts.ToString(CultureInfo.InvariantCulture));
        xml.WriteAttributeString("total", report.Summary.Hosts.ToString(CultureInfo.InvariantCulture));
        xml.WriteEndElement();
        xml.WriteEndElement();
        xml.WriteEndElement();
        xml.WriteEndDocument();
    }

    private static void WriteExtra(XmlWriter xml, string state, int count, string reason)
    {
        if (count == 0)
        {
            return;
        }

        xml.WriteStartElement("extraports");
        xml.WriteAttributeString("state", state);
        xml.WriteAttributeString("count", count.ToString(CultureInfo.InvariantCulture));
        xml.WriteStartElement("extrareasons");
        xml.WriteAttributeString("reason", reason);
        xml.WriteAttributeString("count", count.ToString(CultureInfo.InvariantCulture));
        xml.WriteEndElement();
        xml.WriteEndElement();
    }

    private static void WriteIf(XmlWriter xml, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            xml.WriteAttributeString(name, value);
        }
    }
}
