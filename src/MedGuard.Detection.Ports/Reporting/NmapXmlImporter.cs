using System.Globalization;
using System.Net;
using System.Text;
using System.Xml;
using MedGuard.Detection.Ports.Scanning;
using MedGuard.Detection.Ports.Scope;
using MedGuard.Detection.Ports.Services;

namespace MedGuard.Detection.Ports.Reporting;

/// <summary>
/// Reads nmap's <c>-oX</c> output into host results, so the same policy turns it into the same findings. The reader
/// streams (memory grows with open ports only) and prohibits DTDs: nmap writes a bare <c>&lt;!DOCTYPE nmaprun&gt;</c>,
/// which is blanked out before parsing; any other document type declaration (entities, internal subsets) is refused.
/// </summary>
public static class NmapXmlImporter
{
    /// <summary>Upper bound on port elements read, so a hostile file cannot exhaust memory.</summary>
    public const int MaxPorts = 2_000_000;

    private const string NmapDoctype = "<!DOCTYPE nmaprun>";

    private static readonly Lazy<Dictionary<string, string>> ServiceNames = new(LoadServiceNames);

    public static IReadOnlyList<HostResult> Read(string path)
    {
        using var file = File.OpenRead(path);
        return Read(file, path);
    }

    public static IReadOnlyList<HostResult> Read(Stream input, string source)
    {
        var prolog = new byte[4096];
        var read = 0;
        int n;
        while (read < prolog.Length && (n = input.Read(prolog, read, prolog.Length - read)) > 0)
        {
            read += n;
        }

        var head = Encoding.Latin1.GetString(prolog, 0, read);
        var at = head.IndexOf(NmapDoctype, StringComparison.Ordinal);
        if (at >= 0)
        {
            // Same length, so byte offsets and line numbers in errors stay right.
            Encoding.ASCII.GetBytes(new string(' ', NmapDoctype.Length)).CopyTo(prolog, at);
        }

        using var stream = new PrefixedStream(prolog.AsMemory(0, read), input);
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersFromEntities = 0,
            IgnoreComments = true,
            IgnoreWhitespace = true,
        };
        var hosts = new List<HostResult>();
        var portCount = 0;
        try
        {
            using var xml = XmlReader.Create(stream, settings);
            if (!xml.ReadToFollowing("nmaprun"))
            {
                throw new InvalidDataException($"{source}: 不是 nmap XML（缺少 nmaprun 根元素）");
            }

            while (xml.Read())
            {
                if (xml.NodeType == XmlNodeType.Element && xml.Name == "host")
                {
                    using var hostReader = xml.ReadSubtree();
                    var host = ReadHost(hostReader, source, ref portCount);
                    if (host is not null)
                    {
                        hosts.Add(host);
                    }
                }
            }
        }
        catch (XmlException ex)
        {
            throw new InvalidDataException($"{source}:{ex.LineNumber}: nmap XML 解析失败: {ex.Message}", ex);
        }

        return hosts;
    }

    private static HostResult? ReadHost(XmlReader xml, string source, ref int portCount)
    {
        IPAddress? address = null;
        string? name = null;
        var ports = new List<PortResult>();
        int closed = 0, filtered = 0;
        while (xml.Read())
        {
            if (xml.NodeType != XmlNodeType.Element)
            {
                continue;
            }

            switch (xml.Name)
            {
                case "address" when xml.GetAttribute("addrtype") is "ipv4" or "ipv6":
                    if (!IPAddress.TryParse(xml.GetAttribute("addr"), out address))
                    {
                        throw new InvalidDataException($"{source}: 无效地址 '{xml.GetAttribute("addr")}'");
                    }

                    break;
                case "hostname" when name is null:
                    name = xml.GetAttribute("name");
                    break;
                case "extraports":
                    var count = int.TryParse(xml.GetAttribute("count"), NumberStyles.None, CultureInfo.InvariantCulture, out var c) ? c : 0;
                    if (xml.GetAttribute("state") == "closed")
                    {
                        closed += count;
                    }
                    else
                    {
                        filtered += count;
                    }

                    break;
                case "port":
                    if (++portCount > MaxPorts)
                    {
                        throw new InvalidDataException($"{source}: 端口条目超过上限 {MaxPorts}");
                    }

                    var port = ReadPort(xml.ReadSubtree(), xml.GetAttribute("protocol"), xml.GetAttribute("portid"), source);
                    if (port is not null)
                    {
                        ports.Add(port);
                    }

                    break;
            }
        }

        if (address is null)
        {
            return null;
        }

        return new HostResult(new ScanTarget(address, name), ports.OrderBy(p => p.Port), closed, filtered);
    }

    private static PortResult? ReadPort(XmlReader xml, string? protocol, string? portId, string source)
    {
        using (xml)
        {
            if (protocol != "tcp")
            {
                return null;
            }

            if (!int.TryParse(portId, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 1 or > 65535)
            {
                throw new InvalidDataException($"{source}: 无效端口 '{portId}'");
            }

            var state = PortState.Unknown;
            ServiceInfo? service = null;
            while (xml.Read())
            {
                if (xml.NodeType != XmlNodeType.Element)
                {
                    continue;
                }

                if (xml.Name == "state")
                {
                    state = xml.GetAttribute("state") switch
                    {
                        "open" => PortState.Open,
                        "closed" => PortState.Closed,
                        _ => PortState.Filtered, // filtered, open|filtered, unfiltered…
                    };
                }
                else if (xml.Name == "service")
                {
                    var nmapName = xml.GetAttribute("name") ?? "unknown";
                    var tunnel = xml.GetAttribute("tunnel");
                    var key = tunnel == "ssl" ? $"ssl/{nmapName}" : nmapName;
                    var ours = ServiceNames.Value.GetValueOrDefault(key) ?? ServiceNames.Value.GetValueOrDefault(nmapName) ?? nmapName;
                    service = new ServiceInfo
                    {
                        Name = ours,
                        Product = Clip(xml.GetAttribute("product")),
                        Version = Clip(xml.GetAttribute("version")),
                        Info = Clip(xml.GetAttribute("extrainfo")),
                        Probe = "nmap",
                    };
                }
            }

            return new PortResult(number, state) { Service = service };
        }
    }

    private static string? Clip(string? text) => text is null ? null : text.Length <= 512 ? text : text[..512];

    private static Dictionary<string, string> LoadServiceNames()
    {
        using var stream = typeof(NmapXmlImporter).Assembly.GetManifestResourceStream("MedGuard.Detection.Ports.Data.nmap-service-names.txt")
            ?? throw new InvalidDataException("缺少内嵌资源 nmap-service-names.txt");
        using var reader = new StreamReader(stream);
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        var line = 0;
        while (reader.ReadLine() is { } text)
        {
            line++;
            var body = text.Split('#')[0].Trim();
            if (body.Length == 0)
            {
                continue;
            }

            var parts = body.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 2)
            {
                throw new InvalidDataException($"nmap-service-names.txt:{line}: 应为 \"nmap名 本方名\"");
            }

            map[parts[0]] = parts[1];
        }

        return map;
    }

    /// <summary>The (scrubbed) first bytes of the file, then the rest of it, as one read-only stream.</summary>
    private sealed class PrefixedStream(ReadOnlyMemory<byte> prefix, Stream rest) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_position < prefix.Length)
            {
                var n = Math.Min(buffer.Length, prefix.Length - _position);
                prefix.Span.Slice(_position, n).CopyTo(buffer);
                _position += n;
                return n;
            }

            return rest.Read(buffer);
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
