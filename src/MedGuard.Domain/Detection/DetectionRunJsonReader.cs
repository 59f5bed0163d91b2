using System.Globalization;
using System.Text.Json;
using MedGuard.Domain.Findings;

namespace MedGuard.Domain.Detection;

/// <summary>A file that is not a MedGuard detection run, or a broken one; the message says what is wrong, in Chinese.</summary>
public sealed class DetectionRunFormatException(string message, Exception? inner = null) : FormatException(message, inner);

// The reading half: the exact inverse of the writer, over JsonDocument (no reflection; the Domain is AOT-compiled).
public static partial class DetectionRunJson
{
    /// <summary>Largest run file read (200 MB): a larger one is refused before a byte of it is parsed.</summary>
    public const long MaxInputBytes = 200L * 1024 * 1024;

    // The summary's own counts; every other summary figure is the detector's (DetectionRun.Figures).
    private static readonly HashSet<string> SummaryCounts = new(StringComparer.Ordinal) { "findings", "高", "中", "低", "信息", "kinds" };

    public static DetectionRun Read(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (json.Length > MaxInputBytes)
        {
            throw TooLarge(json.Length);
        }

        return Read(System.Text.Encoding.UTF8.GetBytes(json));
    }

    /// <summary>Reads a run from a stream; refuses more than <see cref="MaxInputBytes"/> before parsing.</summary>
    public static DetectionRun Read(Stream input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.CanSeek && input.Length - input.Position > MaxInputBytes)
        {
            throw TooLarge(input.Length - input.Position);
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while ((n = input.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + n > MaxInputBytes)
            {
                throw TooLarge(buffer.Length + n);
            }

            buffer.Write(chunk, 0, n);
        }

        return Read(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
    }

    public static DetectionRun Read(ReadOnlyMemory<byte> utf8)
    {
        if (utf8.Length > MaxInputBytes)
        {
            throw TooLarge(utf8.Length);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8, new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException ex)
        {
            var line = (ex.LineNumber ?? 0) + 1;
            var position = (ex.BytePositionInLine ?? 0) + 1;
            throw new DetectionRunFormatException($"JSON 格式错误（第 {line} 行，第 {position} 个字节附近）：不是有效的检测运行结果", ex);
        }

        using (document)
        {
            return ReadRun(document.RootElement);
        }
    }

    private static DetectionRunFormatException TooLarge(long size) =>
        new($"文件过大（{size / (1024 * 1024)} MB 以上），检测运行结果最大 {MaxInputBytes / (1024 * 1024)} MB；请拆分后分批导入");

    private static DetectionRun ReadRun(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new DetectionRunFormatException("不是 MedGuard 检测运行结果：顶层应为 JSON 对象");
        }

        if (!root.TryGetProperty("schemaVersion", out var version))
        {
            throw new DetectionRunFormatException(Foreign(root) ?? "不是 MedGuard 检测运行结果：缺少 schemaVersion");
        }

        if (version.ValueKind != JsonValueKind.Number || !version.TryGetInt32(out var v) || v != DetectionRun.SchemaVersion)
        {
            throw new DetectionRunFormatException($"不支持的检测运行结果版本 schemaVersion={version.GetRawText()}（本版本读取 {DetectionRun.SchemaVersion}）");
        }

        IReadOnlyList<string>? covered = null;
        string? portsScanned = null;
        if (root.TryGetProperty("covered", out var coveredElement) && coveredElement.ValueKind == JsonValueKind.Object)
        {
            covered = Strings(coveredElement, "subjects", "covered.subjects");
            portsScanned = OptionalString(coveredElement, "ports", "covered.ports");
        }

        var findings = new List<Finding>();
        var index = 0;
        var pool = new TextPool();
        foreach (var element in Array(root, "findings", "findings"))
        {
            findings.Add(ReadFinding(element, $"findings[{index++}]", pool));
        }

        return new DetectionRun
        {
            DetectorId = RequiredString(root, "detector", "detector"),
            DetectorVersion = RequiredString(root, "detectorVersion", "detectorVersion"),
            Scope = RequiredString(root, "scope", "scope"),
            Target = OptionalString(root, "target", "target"),
            StartedAt = Time(root, "startedAt"),
            EndedAt = Time(root, "endedAt"),
            Statistics = new DetectionStatistics
            {
                Requests = Long(root, "requests", "requests"),
                Connections = Long(root, "connections", "connections"),
                Files = Long(root, "files", "files"),
            },
            Coverage = [.. Array(root, "coverage", "coverage").Select((e, i) => new CoverageNote(
                RequiredString(e, "subject", $"coverage[{i}].subject"), RequiredString(e, "reason", $"coverage[{i}].reason")))],
            Covered = covered,
            PortsScanned = portsScanned,
            Hosts = [.. Array(root, "hosts", "hosts").Select((e, i) => ReadHost(e, $"hosts[{i}]"))],
            Apps = [.. Array(root, "apps", "apps").Select((e, i) => ReadApp(e, $"apps[{i}]"))],
            Findings = findings,
            Figures = ReadFigures(root),
        };
    }

    /// <summary>Names what a foreign JSON is, when it is recognizably something else; null otherwise.</summary>
    private static string? Foreign(JsonElement root)
    {
        if (root.TryGetProperty("runs", out _) && (root.TryGetProperty("$schema", out _) || root.TryGetProperty("version", out _)))
        {
            return "这是 SARIF 文件，不是 MedGuard 检测运行结果：请导入检测命令 --format json 的输出";
        }

        if (root.TryGetProperty("nmaprun", out _) || root.TryGetProperty("scaninfo", out _))
        {
            return "这是 nmap 结果（JSON 形式），不是 MedGuard 检测运行结果：请用 medguard scan import-nmap 导入 nmap 的 XML（-oX）输出";
        }

        return null;
    }

    private static ObservedHost ReadHost(JsonElement e, string path) =>
        new(RequiredString(e, "address", path + ".address"), [.. Array(e, "ports", path + ".ports").Select((p, i) =>
            new ObservedPort(Int(p, "port", $"{path}.ports[{i}].port"), RequiredString(p, "state", $"{path}.ports[{i}].state"))
            {
                Service = OptionalString(p, "service", $"{path}.ports[{i}].service"),
                Product = OptionalString(p, "product", $"{path}.ports[{i}].product"),
                Banner = OptionalString(p, "banner", $"{path}.ports[{i}].banner"),
            })])
        {
            HostName = OptionalString(e, "hostName", path + ".hostName"),
            Closed = Int(e, "closed", path + ".closed"),
            Filtered = Int(e, "filtered", path + ".filtered"),
        };

    private static ObservedApp ReadApp(JsonElement e, string path) =>
        new(RequiredString(e, "file", path + ".file"), RequiredString(e, "package", path + ".package"))
        {
            VersionName = OptionalString(e, "versionName", path + ".versionName"),
            MinSdk = Int(e, "minSdk", path + ".minSdk"),
            TargetSdk = Int(e, "targetSdk", path + ".targetSdk"),
            Debuggable = e.TryGetProperty("debuggable", out var d) && d.ValueKind == JsonValueKind.True,
        };

    private static Finding ReadFinding(JsonElement e, string path, TextPool pool)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw new DetectionRunFormatException($"检测运行结果的 {path} 应为 JSON 对象");
        }

        var severityText = RequiredString(e, "severity", path + ".severity");
        if (!SeverityNames.TryParse(severityText, out var severity))
        {
            throw new DetectionRunFormatException($"检测运行结果的 {path}.severity 无效：'{severityText}'（应为 高/中/低/信息）");
        }

        var evidence = new Dictionary<string, string>(StringComparer.Ordinal);
        if (e.TryGetProperty("evidence", out var ev) && ev.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in ev.EnumerateObject())
            {
                evidence[pool.Text(property.Name)] = pool.Text(property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText());
            }
        }

        var finding = new Finding
        {
            RuleId = pool.Text(RequiredString(e, "ruleId", path + ".ruleId")),
            Title = pool.Text(RequiredString(e, "title", path + ".title")),
            Severity = severity,
            Target = ReadTarget(e, path, pool),
            Locations = pool.Texts(Strings(e, "locations", path + ".locations")),
            Evidence = evidence,
            Cwe = pool.Text(OptionalString(e, "cwe", path + ".cwe")),
            StandardRefs = pool.Texts(Strings(e, "standardRefs", path + ".standardRefs")),
            HighRiskCases = pool.Texts(Strings(e, "highRiskCases", path + ".highRiskCases")),
            Remediation = pool.Text(OptionalString(e, "remediation", path + ".remediation")),
            Technique = pool.Text(OptionalString(e, "technique", path + ".technique")),
            InThirdPartyCode = e.TryGetProperty("library", out var library) && library.ValueKind == JsonValueKind.True,
        };

        // The fingerprint is derived, never trusted from the file; a different one means the file was edited or
        // written under other identity rules.
        if (OptionalString(e, "fingerprint", path + ".fingerprint") is { } written && !string.Equals(written, finding.Fingerprint, StringComparison.Ordinal))
        {
            throw new DetectionRunFormatException($"检测运行结果的 {path}.fingerprint 与其规则和目标不符（文件被修改，或由不兼容的版本写出）");
        }

        return finding;
    }

    private static FindingTarget ReadTarget(JsonElement e, string path, TextPool pool)
    {
        var kind = RequiredString(e, "targetKind", path + ".targetKind");
        return kind switch
        {
            "service" => new ServiceTarget(pool.Text(RequiredString(e, "host", path + ".host")), Int(e, "port", path + ".port")),
            "web" => new WebTarget(pool.Text(RequiredString(e, "origin", path + ".origin")), RequiredString(e, "path", path + ".path"), pool.Text(OptionalString(e, "parameter", path + ".parameter")))
            {
                Method = pool.Text(OptionalString(e, "method", path + ".method")),
            },
            "app" => new AppTarget(pool.Text(RequiredString(e, "package", path + ".package")), OptionalString(e, "member", path + ".member"))
            {
                File = pool.Text(OptionalString(e, "file", path + ".file")),
            },
            "account" => new AccountTarget(RequiredString(e, "account", path + ".account"), OptionalString(e, "endpoint", path + ".endpoint")),
            _ => throw new DetectionRunFormatException($"检测运行结果的 {path}.targetKind 未知：'{kind}'（应为 service、web、app 或 account）"),
        };
    }

    private static List<KeyValuePair<string, long>> ReadFigures(JsonElement root)
    {
        var figures = new List<KeyValuePair<string, long>>();
        if (root.TryGetProperty("summary", out var summary) && summary.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in summary.EnumerateObject())
            {
                if (!SummaryCounts.Contains(property.Name) && property.Value.TryGetInt64(out var value))
                {
                    figures.Add(new(property.Name, value));
                }
            }
        }

        return figures;
    }

    private static IEnumerable<JsonElement> Array(JsonElement e, string name, string path)
    {
        if (!e.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        return value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray()
            : throw new DetectionRunFormatException($"检测运行结果的 {path} 应为数组");
    }

    private static List<string> Strings(JsonElement e, string name, string path) =>
        [.. Array(e, name, path).Select((s, i) => s.ValueKind == JsonValueKind.String
            ? s.GetString()!
            : throw new DetectionRunFormatException($"检测运行结果的 {path}[{i}] 应为字符串"))];

    private static string RequiredString(JsonElement e, string name, string path) =>
        OptionalString(e, name, path) ?? throw new DetectionRunFormatException($"检测运行结果缺少字段 {path}");

    private static string? OptionalString(JsonElement e, string name, string path)
    {
        if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw new DetectionRunFormatException($"检测运行结果的 {path} 应为字符串");
    }

    private static long Long(JsonElement e, string name, string path)
    {
        if (!e.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return 0;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n)
            ? n
            : throw new DetectionRunFormatException($"检测运行结果的 {path} 应为整数");
    }

    private static int Int(JsonElement e, string name, string path)
    {
        var n = Long(e, name, path);
        return n is >= int.MinValue and <= int.MaxValue ? (int)n : throw new DetectionRunFormatException($"检测运行结果的 {path} 超出范围");
    }

    private static DateTimeOffset Time(JsonElement e, string name)
    {
        var text = RequiredString(e, name, name);
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at)
            ? at
            : throw new DetectionRunFormatException($"检测运行结果的 {name} 不是 ISO 8601 时间：'{text}'");
    }
}
