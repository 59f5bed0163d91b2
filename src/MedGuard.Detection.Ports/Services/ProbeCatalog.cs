using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace MedGuard.Detection.Ports.Services;

/// <summary>
/// The service probes and checks, loaded from JSON with comments (the embedded <c>Data/probes.json</c> by default) and
/// validated: a bad pattern, a bad hex string or an unknown extractor is reported with the probe it is in, a syntax
/// error or an unknown key with file and line.
/// </summary>
public sealed class ProbeCatalog
{
    internal static readonly string[] Extractors = ["http", "tls", "rdp", "tds", "smb", "dicom", "mysql", "hl7"];

    internal static readonly string[] Conversations = [MySqlEmptyPasswordLogin.Name];

    private static readonly Lazy<ProbeCatalog> Embedded = new(() =>
    {
        using var stream = typeof(ProbeCatalog).Assembly.GetManifestResourceStream("MedGuard.Detection.Ports.Data.probes.json")
            ?? throw new InvalidDataException("缺少内嵌资源 probes.json");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return Parse(reader.ReadToEnd(), "probes.json");
    });

    private ProbeCatalog(IReadOnlyList<ServiceProbe> probes, IReadOnlyList<ServiceCheck> checks)
    {
        Probes = probes;
        Checks = checks;
    }

    public static ProbeCatalog Default => Embedded.Value;

    public IReadOnlyList<ServiceProbe> Probes { get; }

    public IReadOnlyList<ServiceCheck> Checks { get; }

    /// <summary>Probes to try on <paramref name="port"/>: those naming the port, then the fallbacks, in file order.</summary>
    public IEnumerable<ServiceProbe> For(int port) =>
        Probes.Where(p => p.Ports.Contains(port)).Concat(Probes.Where(p => p.Fallback && !p.Ports.Contains(port)));

    public static ProbeCatalog Parse(string json, string source)
    {
        ProbeFile file;
        try
        {
            file = JsonSerializer.Deserialize(json, ProbeJsonContext.Default.ProbeFile) ?? throw new InvalidDataException($"{source}: 文件为空");
        }
        catch (JsonException ex)
        {
            var line = ex.LineNumber is { } l ? $"{l + 1}" : "?";
            throw new InvalidDataException($"{source}:{line}: JSON 格式错误: {ex.Message}", ex);
        }

        var probes = new List<ServiceProbe>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in file.Probes ?? [])
        {
            var where = $"{source}: 探针 '{p.Id}'";
            if (string.IsNullOrWhiteSpace(p.Id) || !ids.Add(p.Id))
            {
                throw new InvalidDataException($"{source}: 探针 id 缺失或重复: '{p.Id}'");
            }

            if (p.Matches is null || p.Matches.Count == 0)
            {
                throw new InvalidDataException($"{where}: 没有 matches");
            }

            probes.Add(new ServiceProbe
            {
                Id = p.Id,
                Payload = Bytes(p.Send, p.SendHex, where),
                Goodbye = p.GoodbyeHex is null ? null : Hex(p.GoodbyeHex, where),
                Tls = p.Tls,
                Fallback = p.Fallback,
                ReadUntilClose = p.ReadUntilClose,
                Wait = TimeSpan.FromMilliseconds(p.WaitMs is > 0 and <= 30000 ? p.WaitMs.Value : 2000),
                Ports = (p.Ports ?? []).Select(port => port is >= 1 and <= 65535 ? port : throw new InvalidDataException($"{where}: 无效端口 {port}")).ToHashSet(),
                Matches = p.Matches.Select((m, i) => ToMatch(m, $"{where} 第 {i + 1} 条 match")).ToArray(),
            });
        }

        var checks = new List<ServiceCheck>();
        foreach (var c in file.Checks ?? [])
        {
            var where = $"{source}: 检查 '{c.Id}'";
            if (string.IsNullOrWhiteSpace(c.Id) || string.IsNullOrWhiteSpace(c.Service) || string.IsNullOrWhiteSpace(c.Flag)
                || (c.Steps is not { Count: > 0 }) == (c.Conversation is null))
            {
                throw new InvalidDataException($"{where}: 需要 id、service、flag，以及至少一个 step 或一个 conversation（二者只能有其一）");
            }

            if (c.Conversation is not null && !Conversations.Contains(c.Conversation))
            {
                throw new InvalidDataException($"{where}: 未知的 conversation '{c.Conversation}'（可用: {string.Join(", ", Conversations)}）");
            }

            checks.Add(new ServiceCheck
            {
                Id = c.Id,
                Service = c.Service,
                Flag = c.Flag,
                Conversation = c.Conversation,
                Info = c.Info,
                Steps = (c.Steps ?? []).Select(s => new CheckStep
                {
                    Send = s.Send is null && s.SendHex is null ? null : Bytes(s.Send, s.SendHex, where),
                    Expect = s.Expect is null ? null : Pattern(s.Expect, where),
                    Version = s.Version,
                }).ToArray(),
            });
        }

        return new ProbeCatalog(probes, checks);
    }

    private static ServiceMatch ToMatch(MatchEntry m, string where)
    {
        if (string.IsNullOrWhiteSpace(m.Service) || m.Pattern is null)
        {
            throw new InvalidDataException($"{where}: 需要 service 和 pattern");
        }

        if (m.Extract is not null && !Extractors.Contains(m.Extract))
        {
            throw new InvalidDataException($"{where}: 未知的 extract '{m.Extract}'（可用: {string.Join(", ", Extractors)}）");
        }

        return new ServiceMatch
        {
            Service = m.Service,
            Pattern = Pattern(m.Pattern, where),
            Product = m.Product,
            Version = m.Version,
            Info = m.Info,
            Extract = m.Extract,
            Flags = m.Flags ?? [],
        };
    }

    private static Regex Pattern(string pattern, string where)
    {
        try
        {
            // A timeout bounds any pattern on a hostile reply; replies are at most 16 KiB anyway.
            return new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(200));
        }
        catch (ArgumentException ex)
        {
            throw new InvalidDataException($"{where}: 正则无效 '{pattern}': {ex.Message}");
        }
    }

    private static byte[] Bytes(string? text, string? hex, string where)
    {
        if (text is not null && hex is not null)
        {
            throw new InvalidDataException($"{where}: send 和 send_hex 只能给一个");
        }

        if (hex is not null)
        {
            return Hex(hex, where);
        }

        text ??= "";
        if (text.Any(c => c > 0xFF))
        {
            throw new InvalidDataException($"{where}: send 只能包含单字节字符（用 send_hex 表示二进制）");
        }

        return Encoding.Latin1.GetBytes(text);
    }

    private static byte[] Hex(string hex, string where)
    {
        try
        {
            return Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));
        }
        catch (FormatException)
        {
            throw new InvalidDataException($"{where}: 十六进制串无效");
        }
    }

    internal static string Printable(ReadOnlySpan<byte> bytes, int max = 256)
    {
        var sb = new StringBuilder();
        foreach (var b in bytes)
        {
            if (sb.Length >= max)
            {
                sb.Append('…');
                break;
            }

            _ = b switch
            {
                (byte)'\r' => sb.Append("\\r"),
                (byte)'\n' => sb.Append("\\n"),
                >= 0x20 and < 0x7F => sb.Append((char)b),
                _ => sb.Append(CultureInfo.InvariantCulture, $"\\x{b:x2}"),
            };
        }

        return sb.ToString();
    }
}
