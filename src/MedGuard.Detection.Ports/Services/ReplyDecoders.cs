using System.Buffers.Binary;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace MedGuard.Detection.Ports.Services;

/// <summary>
/// Small, bounds-checked decoders for the binary fields a regex cannot read well (named by <c>extract:</c> in the
/// probe data). Each returns the info it was given, enriched; a truncated or odd reply leaves it as it was.
/// </summary>
internal static partial class ReplyDecoders
{
    public static ServiceInfo Apply(string extractor, ServiceInfo info, byte[] reply)
    {
        try
        {
            return extractor switch
            {
                "http" => Http(info, reply),
                "tls" => info with { Product = info.Product ?? "TLS", Info = info.Tls is { } t ? $"{t.Protocol} {t.Subject}" : info.Info },
                "rdp" => Rdp(info, reply),
                "tds" => Tds(info, reply),
                "smb" => Smb(info, reply),
                "dicom" => Dicom(info, reply),
                "mysql" => MySql(info, reply),
                "hl7" => Hl7(info, reply),
                _ => info,
            };
        }
        catch (Exception ex) when (ex is ArgumentOutOfRangeException or IndexOutOfRangeException or RegexMatchTimeoutException)
        {
            return info;
        }
    }

    private static ServiceInfo Http(ServiceInfo info, byte[] reply)
    {
        var text = Encoding.Latin1.GetString(reply);
        var status = StatusLine().Match(text);
        var headerEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var headers = headerEnd < 0 ? text : text[..headerEnd];
        var server = ServerHeader().Match(headers);
        string? title = null;
        if (headerEnd >= 0)
        {
            var body = reply.AsSpan(headerEnd + 4);
            var decoded = Encoding.UTF8.GetString(body);
            var t = Title().Match(decoded);
            if (t.Success)
            {
                title = WebUtility.HtmlDecode(Whitespace().Replace(t.Groups[1].Value, " ").Trim());
                if (title.Length > 200)
                {
                    title = title[..200] + "…";
                }
            }
        }

        var http = new HttpSummary(status.Success ? int.Parse(status.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0,
            server.Success ? server.Groups[1].Value.Trim() : null, title);
        return info with
        {
            Http = http,
            Product = info.Product ?? http.Server,
            Info = info.Info ?? (title is null ? $"HTTP {http.Status}" : $"HTTP {http.Status} 《{title}》"),
            Banner = headers.Length > 256 ? ProbeCatalog.Printable(reply.AsSpan(0, 256)) : ProbeCatalog.Printable(Encoding.Latin1.GetBytes(headers)),
        };
    }

    /// <summary>X.224 Connection Confirm with RDP_NEG_RSP (type 2) or RDP_NEG_FAILURE (type 3).</summary>
    private static ServiceInfo Rdp(ServiceInfo info, byte[] reply)
    {
        if (reply.Length < 19 || reply[11] is not (2 or 3))
        {
            // No negotiation block: a server that only speaks classic RDP security (RC4, no TLS, no NLA).
            return info with { Info = "仅支持标准 RDP 安全层", Flags = [.. info.Flags, "rdp_no_nla"] };
        }

        var value = BinaryPrimitives.ReadUInt32LittleEndian(reply.AsSpan(15, 4));
        if (reply[11] == 3)
        {
            return info with { Info = $"协商失败 (code {value})" };
        }

        var protocol = value switch
        {
            0 => "标准 RDP 安全层 (PROTOCOL_RDP)",
            1 => "TLS (PROTOCOL_SSL)",
            2 => "CredSSP/NLA (PROTOCOL_HYBRID)",
            8 => "CredSSP/NLA (PROTOCOL_HYBRID_EX)",
            _ => $"protocol {value}",
        };
        var flags = value is 2 or 8 ? info.Flags : [.. info.Flags, "rdp_no_nla"];
        return info with { Info = $"选定安全协议: {protocol}", Flags = flags };
    }

    /// <summary>TDS PRELOGIN response: option 0 (VERSION) holds major, minor, build.</summary>
    private static ServiceInfo Tds(ServiceInfo info, byte[] reply)
    {
        var payload = reply.AsSpan(8);
        for (var i = 0; i + 5 <= payload.Length && payload[i] != 0xFF; i += 5)
        {
            if (payload[i] != 0)
            {
                continue;
            }

            var offset = BinaryPrimitives.ReadUInt16BigEndian(payload[(i + 1)..]);
            var length = BinaryPrimitives.ReadUInt16BigEndian(payload[(i + 3)..]);
            if (length >= 4 && offset + 4 <= payload.Length)
            {
                var build = BinaryPrimitives.ReadUInt16BigEndian(payload[(offset + 2)..]);
                return info with { Version = $"{payload[offset]}.{payload[offset + 1]}.{build}" };
            }
        }

        return info;
    }

    /// <summary>SMB2 NEGOTIATE response: DialectRevision at offset 4 of the body (after the 64-byte header).</summary>
    private static ServiceInfo Smb(ServiceInfo info, byte[] reply)
    {
        const int body = 4 + 64;
        if (reply.Length < body + 6)
        {
            return info with { Product = "SMB2" };
        }

        var dialect = BinaryPrimitives.ReadUInt16LittleEndian(reply.AsSpan(body + 4));
        var securityMode = BinaryPrimitives.ReadUInt16LittleEndian(reply.AsSpan(body + 2));
        var name = dialect switch
        {
            0x0202 => "2.0.2",
            0x0210 => "2.1",
            0x0300 => "3.0",
            0x0302 => "3.0.2",
            0x0311 => "3.1.1",
            0x02FF => "2.???",
            _ => $"0x{dialect:x4}",
        };
        var signing = (securityMode & 0x2) != 0 ? "要求签名" : "未要求签名";
        var flags = (securityMode & 0x2) != 0 ? info.Flags : [.. info.Flags, "smb_signing_not_required"];
        return info with { Product = "SMB", Version = name, Info = signing, Flags = flags };
    }

    /// <summary>A-ASSOCIATE-AC: walk the variable items for the user information's implementation class and version.</summary>
    private static ServiceInfo Dicom(ServiceInfo info, byte[] reply)
    {
        var span = reply.AsSpan();
        var pduLength = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(span[2..]), (uint)(span.Length - 6));
        var pdu = span.Slice(6, pduLength);
        string? implementationUid = null, implementationVersion = null, calledAe = null;
        if (pdu.Length >= 68)
        {
            calledAe = Encoding.ASCII.GetString(pdu.Slice(4, 16)).Trim();
            var items = pdu[68..];
            while (items.Length >= 4)
            {
                var type = items[0];
                var length = BinaryPrimitives.ReadUInt16BigEndian(items[2..]);
                if (4 + length > items.Length)
                {
                    break;
                }

                if (type == 0x50)
                {
                    var sub = items.Slice(4, length);
                    while (sub.Length >= 4)
                    {
                        var subLength = BinaryPrimitives.ReadUInt16BigEndian(sub[2..]);
                        if (4 + subLength > sub.Length)
                        {
                            break;
                        }

                        var value = Encoding.ASCII.GetString(sub.Slice(4, subLength)).Trim('\0', ' ');
                        if (sub[0] == 0x52)
                        {
                            implementationUid = value;
                        }
                        else if (sub[0] == 0x55)
                        {
                            implementationVersion = value;
                        }

                        sub = sub[(4 + subLength)..];
                    }
                }

                items = items[(4 + length)..];
            }
        }

        return info with
        {
            Product = implementationVersion is null ? info.Product : $"DICOM ({implementationVersion})",
            Version = implementationVersion ?? info.Version,
            Info = $"{info.Info}; called AE={calledAe}; implementation UID={implementationUid}",
        };
    }

    /// <summary>Handshake v10: the version string says MySQL or MariaDB.</summary>
    private static ServiceInfo MySql(ServiceInfo info, byte[] reply)
    {
        var end = Array.IndexOf(reply, (byte)0, 5);
        if (end < 0)
        {
            return info;
        }

        var version = Encoding.ASCII.GetString(reply, 5, end - 5);
        var product = version.Contains("MariaDB", StringComparison.OrdinalIgnoreCase) ? "MariaDB" : "MySQL";
        var clean = version.StartsWith("5.5.5-", StringComparison.Ordinal) ? version[6..] : version;
        return info with { Product = product, Version = clean };
    }

    /// <summary>MSH-3/4 name the answering application; MSA-1 says whether it accepted our unauthenticated query.</summary>
    private static ServiceInfo Hl7(ServiceInfo info, byte[] reply)
    {
        var text = Encoding.Latin1.GetString(reply);
        var msa = Msa().Match(text);
        return msa.Success ? info with { Info = $"ACK {msa.Groups[1].Value}" } : info;
    }

    [GeneratedRegex(@"^HTTP/1\.[01] (\d{3})")]
    private static partial Regex StatusLine();

    [GeneratedRegex(@"(?im)^Server:[ \t]*([^\r\n]{1,200})")]
    private static partial Regex ServerHeader();

    [GeneratedRegex(@"(?is)<title[^>]*>(.{0,1000}?)</title>", RegexOptions.None, 200)]
    private static partial Regex Title();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"\rMSA\|(A[AER]|C[AER])")]
    private static partial Regex Msa();
}
