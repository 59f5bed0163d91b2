using System.Text;
using System.Text.RegularExpressions;
using MedGuard.Detection.Ports.Services;

namespace MedGuard.Detection.Ports.Udp;

/// <summary>
/// One UDP probe (Data/udp-probes.json): the datagram sent to a port, and the reply rules that name the service and
/// its flags (snmp_default_community, tftp_open, ntp_mode6, ntp_monlist, ssdp_exposed, dns_open_recursion).
/// </summary>
public sealed class UdpProbe
{
    internal UdpProbe(string id, string service, int port, byte[] payload, byte[]? goodbye, IReadOnlyList<UdpReplyRule> replies)
    {
        Id = id;
        Service = service;
        Port = port;
        Payload = payload;
        Goodbye = goodbye;
        Replies = replies;
    }

    public string Id { get; }

    public string Service { get; }

    public int Port { get; }

    public byte[] Payload { get; }

    /// <summary>Sent back to the replying port after a matching reply (ends what the probe started), if any.</summary>
    public byte[]? Goodbye { get; }

    public IReadOnlyList<UdpReplyRule> Replies { get; }

    public IReadOnlyList<byte[]> PositiveExamples { get; internal init; } = [];

    public IReadOnlyList<byte[]> NegativeExamples { get; internal init; } = [];

    /// <summary>What the reply says, by the first rule that matches it; null if none does.</summary>
    public ServiceInfo? Read(ReadOnlySpan<byte> reply)
    {
        // Latin-1: one char per byte, so a pattern's \xNN is byte NN.
        var text = Encoding.Latin1.GetString(reply);
        foreach (var rule in Replies)
        {
            if (!rule.Pattern.IsMatch(text))
            {
                continue;
            }

            var detail = rule.Extract?.Match(text) is { Success: true } m && m.Groups.Count > 1 ? m.Groups[1].Value.Trim() : null;
            var info = string.IsNullOrEmpty(detail) ? rule.Info : $"{rule.Info}：{detail}";
            return new ServiceInfo
            {
                Name = Service,
                Info = info,
                Probe = Id,
                Banner = Printable(text),
                Flags = rule.Flags,
            };
        }

        return null;
    }

    /// <summary>The reply's printable start, for the report (binary replies read as dots).</summary>
    private static string Printable(string text)
    {
        var length = Math.Min(text.Length, 160);
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = text[i] is >= ' ' and <= '~' ? text[i] : '.';
        }

        return new string(chars);
    }
}

/// <summary>A reply rule: the pattern over the reply's bytes (Latin-1), the flags it gives, an info line and its extract.</summary>
public sealed record UdpReplyRule(Regex Pattern, IReadOnlyList<string> Flags, string? Info, Regex? Extract);
