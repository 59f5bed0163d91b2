using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace MedGuard.Detection.Ports.Udp;

/// <summary>
/// The UDP probes, loaded from JSON with comments (the embedded <c>Data/udp-probes.json</c> by default) and validated:
/// a bad pattern or hex string is reported with its probe, a syntax error or an unknown key with file and line.
/// </summary>
public sealed class UdpProbeCatalog
{
    private static readonly Lazy<UdpProbeCatalog> Embedded = new(() =>
    {
        using var stream = typeof(UdpProbeCatalog).Assembly.GetManifestResourceStream("MedGuard.Detection.Ports.Data.udp-probes.json")
            ?? throw new InvalidDataException("缺少内嵌资源 udp-probes.json");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return Parse(reader.ReadToEnd(), "udp-probes.json");
    });

    private UdpProbeCatalog(IReadOnlyList<UdpProbe> probes) => Probes = probes;

    public static UdpProbeCatalog Default => Embedded.Value;

    public IReadOnlyList<UdpProbe> Probes { get; }

    public static UdpProbeCatalog Parse(string json, string source)
    {
        UdpProbeFile file;
        try
        {
            file = JsonSerializer.Deserialize(json, UdpProbeJsonContext.Default.UdpProbeFile) ?? throw new InvalidDataException($"{source}: 文件为空");
        }
        catch (JsonException ex)
        {
            var line = ex.LineNumber is { } l ? (l + 1).ToString(CultureInfo.InvariantCulture) : "?";
            throw new InvalidDataException($"{source}:{line}: JSON 格式错误: {ex.Message}", ex);
        }

        var probes = new List<UdpProbe>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in file.Probes ?? [])
        {
            var where = $"{source}: UDP 探针 '{p.Id}'";
            if (string.IsNullOrWhiteSpace(p.Id) || !ids.Add(p.Id))
            {
                throw new InvalidDataException($"{where}: id 为空或重复");
            }

            if (p.Port is < 1 or > 65535 || string.IsNullOrWhiteSpace(p.Service))
            {
                throw new InvalidDataException($"{where}: 需要 service 与 1–65535 的 port");
            }

            if ((p.Send is null) == (p.SendHex is null))
            {
                throw new InvalidDataException($"{where}: send 与 send_hex 必须恰有一个");
            }

            var payload = p.SendHex is { } hex ? Hex(hex, where) : Encoding.Latin1.GetBytes(p.Send!);
            var replies = new List<UdpReplyRule>();
            foreach (var r in p.Replies ?? [])
            {
                replies.Add(new UdpReplyRule(Pattern(r.Pattern, where), r.Flags ?? [], r.Info, r.Extract is null ? null : Pattern(r.Extract, where)));
            }

            if (replies.Count == 0)
            {
                throw new InvalidDataException($"{where}: 没有 replies");
            }

            probes.Add(new UdpProbe(p.Id, p.Service, p.Port, payload, p.GoodbyeHex is null ? null : Hex(p.GoodbyeHex, where), replies)
            {
                PositiveExamples = [.. (p.Examples?.Positive ?? []).Select(e => Hex(e, where))],
                NegativeExamples = [.. (p.Examples?.Negative ?? []).Select(e => Hex(e, where))],
            });
        }

        return new UdpProbeCatalog(probes);
    }

    private static byte[] Hex(string hex, string where)
    {
        try
        {
            return Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));
        }
        catch (FormatException)
        {
            throw new InvalidDataException($"{where}: 不是十六进制串: {hex}");
        }
    }

    private static Regex Pattern(string pattern, string where)
    {
        try
        {
            // Interpreted (no compilation): a handful of short replies per host; compiled regexes cost start-up time.
            return new Regex(pattern, RegexOptions.Singleline | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException ex)
        {
            throw new InvalidDataException($"{where}: 正则表达式无效 '{pattern}': {ex.Message}");
        }
    }
}
