using System.Globalization;
using System.Text;
using System.Text.Json;
using MedGuard.Domain.Findings;

namespace MedGuard.Domain.Detection;

/// <summary>A file that is not a MedGuard detection run, or a broken one; the message says what is wrong, in Chinese.</summary>
public sealed class DetectionRunFormatException(string message, Exception? inner = null) : FormatException(message, inner);

// The reading half: the exact inverse of the writer. One forward pass of Utf8JsonReader over the file's bytes — no
// document tree (a JsonDocument over a 100,000-finding run held ~3 million tokens beside the objects built from them),
// no reflection (the Domain is AOT-compiled), and repeated texts decoded once (TextPool).
public static partial class DetectionRunJson
{
    /// <summary>Largest run file read (200 MB): a larger one is refused before a byte of it is parsed.</summary>
    public const long MaxInputBytes = 200L * 1024 * 1024;

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 32 };

    // The summary's own counts; every other summary figure is the detector's (DetectionRun.Figures).
    private static readonly HashSet<string> SummaryCounts = new(StringComparer.Ordinal) { "findings", "高", "中", "低", "信息", "kinds" };

    public static DetectionRun Read(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (json.Length > MaxInputBytes)
        {
            throw TooLarge(json.Length);
        }

        return Read(Encoding.UTF8.GetBytes(json));
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

    /// <summary>Reads a run file; refuses one over <see cref="MaxInputBytes"/> before reading it.</summary>
    public static DetectionRun ReadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        if (file.Length > MaxInputBytes)
        {
            throw TooLarge(file.Length);
        }

        // One buffer of the file's exact size, garbage once read (a pooled one would be kept by the pool for good).
        var bytes = GC.AllocateUninitializedArray<byte>((int)file.Length);
        file.ReadExactly(bytes);
        return Read(bytes);
    }

    public static DetectionRun Read(ReadOnlyMemory<byte> utf8)
    {
        if (utf8.Length > MaxInputBytes)
        {
            throw TooLarge(utf8.Length);
        }

        var span = utf8.Span;
        if (span.StartsWith("\uFEFF"u8))
        {
            span = span[3..];
        }

        if (span.Trim(" \t\r\n"u8).IsEmpty)
        {
            throw Wrong("文件为空：不是 MedGuard 检测运行结果");
        }

        try
        {
            return new RunReader(span).Run();
        }
        catch (JsonException ex)
        {
            var line = (ex.LineNumber ?? 0) + 1;
            var position = (ex.BytePositionInLine ?? 0) + 1;
            throw new DetectionRunFormatException($"JSON 格式错误（第 {line} 行，第 {position} 个字节附近）：不是有效的检测运行结果", ex);
        }
    }

    private static DetectionRunFormatException TooLarge(long size) =>
        new($"文件过大（{size / (1024 * 1024)} MB 以上），检测运行结果最大 {MaxInputBytes / (1024 * 1024)} MB；请拆分后分批导入");

    private static DetectionRunFormatException Wrong(string message) => new(message);

    /// <summary>One pass over one run's bytes. Property order is free, as in any JSON; unknown properties are skipped.</summary>
    private ref struct RunReader(ReadOnlySpan<byte> json)
    {
        private readonly ReadOnlySpan<byte> _json = json;
        private readonly TextPool _pool = new();
        private Utf8JsonReader _r = new(json, ReaderOptions);

        public DetectionRun Run()
        {
            _r.Read();
            if (_r.TokenType != JsonTokenType.StartObject)
            {
                throw Wrong("不是 MedGuard 检测运行结果：顶层应为 JSON 对象");
            }

            bool hasVersion = false, sarifRuns = false, sarifMarker = false, nmap = false;
            string? detector = null, detectorVersion = null, scope = null, target = null, startedAt = null, endedAt = null, portsScanned = null;
            long requests = 0, connections = 0, files = 0;
            List<CoverageNote> coverage = [];
            IReadOnlyList<string>? covered = null;
            List<ObservedHost> hosts = [];
            List<ObservedApp> apps = [];
            List<Finding> findings = [];
            List<KeyValuePair<string, long>> figures = [];
            while (NextProperty(out var name))
            {
                switch (name)
                {
                    case "schemaVersion":
                        if (_r.TokenType != JsonTokenType.Number || !_r.TryGetInt32(out var v) || v != DetectionRun.SchemaVersion)
                        {
                            throw Wrong($"不支持的检测运行结果版本 schemaVersion={Raw()}（本版本读取 {DetectionRun.SchemaVersion}）");
                        }

                        hasVersion = true;
                        break;
                    case "detector": detector = String("", "detector"); break;
                    case "detectorVersion": detectorVersion = String("", "detectorVersion"); break;
                    case "scope": scope = String("", "scope"); break;
                    case "target": target = String("", "target"); break;
                    case "startedAt": startedAt = String("", "startedAt"); break;
                    case "endedAt": endedAt = String("", "endedAt"); break;
                    case "requests": requests = Long("", "requests"); break;
                    case "connections": connections = Long("", "connections"); break;
                    case "files": files = Long("", "files"); break;
                    case "coverage":
                        for (var i = 0; NextElement("", "coverage", i); i++)
                        {
                            coverage.Add(ReadNote(Element("coverage", i)));
                        }

                        break;
                    case "covered" when _r.TokenType == JsonTokenType.StartObject:
                        covered = [];
                        while (NextProperty(out var part))
                        {
                            switch (part)
                            {
                                case "subjects": covered = Strings("covered", "subjects"); break;
                                case "ports": portsScanned = String("covered", "ports"); break;
                                default: _r.Skip(); break;
                            }
                        }

                        break;
                    case "hosts":
                        for (var i = 0; NextElement("", "hosts", i); i++)
                        {
                            hosts.Add(ReadHost(Element("hosts", i)));
                        }

                        break;
                    case "apps":
                        for (var i = 0; NextElement("", "apps", i); i++)
                        {
                            apps.Add(ReadApp(Element("apps", i)));
                        }

                        break;
                    case "findings":
                        for (var i = 0; NextElement("", "findings", i); i++)
                        {
                            findings.Add(ReadFinding(i));
                        }

                        break;
                    case "summary" when _r.TokenType == JsonTokenType.StartObject:
                        while (NextProperty(out var figure))
                        {
                            if (!SummaryCounts.Contains(figure) && _r.TokenType == JsonTokenType.Number && _r.TryGetInt64(out var value))
                            {
                                figures.Add(new(figure, value));
                            }
                            else
                            {
                                _r.Skip();
                            }
                        }

                        break;
                    case "runs": sarifRuns = true; _r.Skip(); break;
                    case "$schema" or "version": sarifMarker = true; _r.Skip(); break;
                    case "nmaprun" or "scaninfo": nmap = true; _r.Skip(); break;
                    default: _r.Skip(); break;
                }
            }

            // Only whitespace may follow the run (the reader throws on anything else).
            _r.Read();
            if (!hasVersion)
            {
                throw Wrong(sarifRuns && sarifMarker
                    ? "这是 SARIF 文件，不是 MedGuard 检测运行结果：请导入检测命令 --format json 的输出"
                    : nmap
                        ? "这是 nmap 结果（JSON 形式），不是 MedGuard 检测运行结果：请用 medguard scan import-nmap 导入 nmap 的 XML（-oX）输出"
                        : "不是 MedGuard 检测运行结果：缺少 schemaVersion");
            }

            return new DetectionRun
            {
                DetectorId = detector ?? throw Missing("", "detector"),
                DetectorVersion = detectorVersion ?? throw Missing("", "detectorVersion"),
                Scope = scope ?? throw Missing("", "scope"),
                Target = target,
                StartedAt = Time("startedAt", startedAt),
                EndedAt = Time("endedAt", endedAt),
                Statistics = new DetectionStatistics { Requests = requests, Connections = connections, Files = files },
                Coverage = coverage,
                Covered = covered,
                PortsScanned = portsScanned,
                Hosts = hosts,
                Apps = apps,
                Findings = findings,
                Figures = figures,
            };
        }

        private CoverageNote ReadNote(string path)
        {
            string? subject = null, reason = null;
            ExpectObject(path);
            while (NextProperty(out var name))
            {
                switch (name)
                {
                    case "subject": subject = String(path, "subject"); break;
                    case "reason": reason = String(path, "reason"); break;
                    default: _r.Skip(); break;
                }
            }

            return new CoverageNote(subject ?? throw Missing(path, "subject"), reason ?? throw Missing(path, "reason"));
        }

        private ObservedHost ReadHost(string path)
        {
            string? address = null, hostName = null;
            int closed = 0, filtered = 0;
            List<ObservedPort> ports = [];
            ExpectObject(path);
            while (NextProperty(out var name))
            {
                switch (name)
                {
                    case "address": address = String(path, "address"); break;
                    case "hostName": hostName = String(path, "hostName"); break;
                    case "closed": closed = Int(path, "closed"); break;
                    case "filtered": filtered = Int(path, "filtered"); break;
                    case "ports":
                        for (var i = 0; NextElement(path, "ports", i); i++)
                        {
                            ports.Add(ReadPort(Element(At(path, "ports"), i)));
                        }

                        break;
                    default: _r.Skip(); break;
                }
            }

            return new ObservedHost(address ?? throw Missing(path, "address"), ports) { HostName = hostName, Closed = closed, Filtered = filtered };
        }

        private ObservedPort ReadPort(string path)
        {
            int port = 0;
            string? state = null, service = null, product = null, banner = null, protocol = null;
            ExpectObject(path);
            while (NextProperty(out var name))
            {
                switch (name)
                {
                    case "port": port = Int(path, "port"); break;
                    case "state": state = String(path, "state"); break;
                    case "service": service = String(path, "service"); break;
                    case "product": product = String(path, "product"); break;
                    case "banner": banner = String(path, "banner"); break;
                    case "protocol": protocol = String(path, "protocol"); break;
                    default: _r.Skip(); break;
                }
            }

            return new ObservedPort(port, state ?? throw Missing(path, "state")) { Service = service, Product = product, Banner = banner, Protocol = protocol };
        }

        private ObservedApp ReadApp(string path)
        {
            string? file = null, package = null, versionName = null;
            int minSdk = 0, targetSdk = 0;
            var debuggable = false;
            IReadOnlyList<string> endpoints = [];
            ExpectObject(path);
            while (NextProperty(out var name))
            {
                switch (name)
                {
                    case "file": file = String(path, "file"); break;
                    case "package": package = String(path, "package"); break;
                    case "versionName": versionName = String(path, "versionName"); break;
                    case "minSdk": minSdk = Int(path, "minSdk"); break;
                    case "targetSdk": targetSdk = Int(path, "targetSdk"); break;
                    case "debuggable": debuggable = _r.TokenType == JsonTokenType.True; break;
                    case "endpoints": endpoints = Strings(path, "endpoints"); break;
                    default: _r.Skip(); break;
                }
            }

            return new ObservedApp(file ?? throw Missing(path, "file"), package ?? throw Missing(path, "package"))
            {
                VersionName = versionName,
                MinSdk = minSdk,
                TargetSdk = targetSdk,
                Debuggable = debuggable,
                Endpoints = endpoints,
            };
        }

        private Finding ReadFinding(int index)
        {
            var path = Element("findings", index);
            if (_r.TokenType != JsonTokenType.StartObject)
            {
                throw Wrong($"检测运行结果的 {path} 应为 JSON 对象");
            }

            string? written = null, ruleId = null, title = null, severityText = null, kind = null, host = null, origin = null, webPath = null,
                method = null, parameter = null, package = null, member = null, file = null, account = null, endpoint = null, cwe = null,
                remediation = null, technique = null;
            int port = 0;
            var library = false;
            IReadOnlyList<string> locations = [], standardRefs = [], highRiskCases = [];
            Dictionary<string, string>? evidence = null;
            while (NextProperty(out var name))
            {
                switch (name)
                {
                    case "fingerprint": written = Text(path, "fingerprint", pooled: false); break;
                    case "ruleId": ruleId = Text(path, "ruleId"); break;
                    case "title": title = Text(path, "title"); break;
                    case "severity": severityText = Text(path, "severity"); break;
                    case "targetKind": kind = Text(path, "targetKind"); break;
                    case "host": host = Text(path, "host"); break;
                    case "port": port = Int(path, "port"); break;
                    case "origin": origin = Text(path, "origin"); break;
                    case "path": webPath = Text(path, "path", pooled: false); break;
                    case "method": method = Text(path, "method"); break;
                    case "parameter": parameter = Text(path, "parameter"); break;
                    case "package": package = Text(path, "package"); break;
                    case "member": member = Text(path, "member", pooled: false); break;
                    case "file": file = Text(path, "file"); break;
                    case "account": account = Text(path, "account"); break;
                    case "endpoint": endpoint = Text(path, "endpoint", pooled: false); break;
                    case "cwe": cwe = Text(path, "cwe"); break;
                    case "remediation": remediation = Text(path, "remediation"); break;
                    case "technique": technique = Text(path, "technique"); break;
                    case "library": library = _r.TokenType == JsonTokenType.True; break;
                    case "locations": locations = _pool.Texts(Strings(path, "locations")); break;
                    case "standardRefs": standardRefs = _pool.Texts(Strings(path, "standardRefs")); break;
                    case "highRiskCases": highRiskCases = _pool.Texts(Strings(path, "highRiskCases")); break;
                    case "evidence" when _r.TokenType == JsonTokenType.StartObject:
                        evidence = new Dictionary<string, string>(StringComparer.Ordinal);
                        while (NextProperty(out var key))
                        {
                            evidence[_pool.Text(key)] = _r.TokenType == JsonTokenType.String ? _pool.Text(_r.GetString()!) : _pool.Text(Raw());
                        }

                        break;
                    default: _r.Skip(); break;
                }
            }

            if (severityText is null)
            {
                throw Missing(path, "severity");
            }

            if (!SeverityNames.TryParse(severityText, out var severity))
            {
                throw Wrong($"检测运行结果的 {path}.severity 无效：'{severityText}'（应为 高/中/低/信息）");
            }

            FindingTarget target = (kind ?? throw Missing(path, "targetKind")) switch
            {
                "service" => new ServiceTarget(host ?? throw Missing(path, "host"), port),
                "web" => new WebTarget(origin ?? throw Missing(path, "origin"), webPath ?? throw Missing(path, "path"), parameter) { Method = method },
                "app" => new AppTarget(package ?? throw Missing(path, "package"), member) { File = file },
                "account" => new AccountTarget(account ?? throw Missing(path, "account"), endpoint),
                _ => throw Wrong($"检测运行结果的 {path}.targetKind 未知：'{kind}'（应为 service、web、app 或 account）"),
            };
            var finding = new Finding
            {
                RuleId = ruleId ?? throw Missing(path, "ruleId"),
                Title = title ?? throw Missing(path, "title"),
                Severity = severity,
                Target = target,
                Locations = locations,
                Evidence = evidence ?? (IReadOnlyDictionary<string, string>)new Dictionary<string, string>(StringComparer.Ordinal),
                Cwe = cwe,
                StandardRefs = standardRefs,
                HighRiskCases = highRiskCases,
                Remediation = remediation,
                Technique = technique,
                InThirdPartyCode = library,
            };

            // The fingerprint is derived, never trusted from the file; a different one means the file was edited or
            // written under other identity rules.
            if (written is not null && !string.Equals(written, finding.Fingerprint, StringComparison.Ordinal))
            {
                throw Wrong($"检测运行结果的 {path}.fingerprint 与其规则和目标不符（文件被修改，或由不兼容的版本写出）");
            }

            return finding;
        }

        /// <summary>Moves to the next property of the current object and onto its value; false at the object's end.</summary>
        private bool NextProperty(out string name)
        {
            _r.Read();
            if (_r.TokenType == JsonTokenType.EndObject)
            {
                name = "";
                return false;
            }

            // Property names are few and repeat in every finding: decoded through the pool.
            name = PooledString();
            _r.Read();
            return true;
        }

        /// <summary>
        /// On entering an array (the current token), or at its next element: moves onto the element; false at the end,
        /// and for null (an absent list).
        /// </summary>
        private bool NextElement(string parent, string field, int index)
        {
            if (index == 0)
            {
                if (_r.TokenType == JsonTokenType.Null)
                {
                    return false;
                }

                if (_r.TokenType != JsonTokenType.StartArray)
                {
                    throw Wrong($"检测运行结果的 {At(parent, field)} 应为数组");
                }
            }

            _r.Read();
            return _r.TokenType != JsonTokenType.EndArray;
        }

        private void ExpectObject(string path)
        {
            if (_r.TokenType != JsonTokenType.StartObject)
            {
                throw Wrong($"检测运行结果的 {path} 应为 JSON 对象");
            }
        }

        private List<string> Strings(string parent, string field)
        {
            List<string> list = [];
            for (var i = 0; NextElement(parent, field, i); i++)
            {
                list.Add(_r.TokenType == JsonTokenType.String ? PooledString() : throw Wrong($"检测运行结果的 {Element(At(parent, field), i)} 应为字符串"));
            }

            return list;
        }

        private string? String(string parent, string field) => Text(parent, field, pooled: false);

        /// <summary>A string or null; pooled when the text is one a run repeats (rule, title, host…).</summary>
        private string? Text(string parent, string field, bool pooled = true) => _r.TokenType switch
        {
            JsonTokenType.Null => null,
            JsonTokenType.String => pooled ? PooledString() : _r.GetString(),
            _ => throw Wrong($"检测运行结果的 {At(parent, field)} 应为字符串"),
        };

        private string PooledString()
        {
            // Short texts are unescaped onto the stack and looked up before a string is made: a repeat costs nothing.
            var length = _r.HasValueSequence ? _r.ValueSequence.Length : _r.ValueSpan.Length;
            if (length <= 256)
            {
                Span<char> chars = stackalloc char[256];
                var written = _r.CopyString(chars);
                return _pool.Text(chars[..written]);
            }

            return _pool.Text(_r.GetString()!);
        }

        private long Long(string parent, string field)
        {
            if (_r.TokenType == JsonTokenType.Null)
            {
                return 0;
            }

            return _r.TokenType == JsonTokenType.Number && _r.TryGetInt64(out var n)
                ? n
                : throw Wrong($"检测运行结果的 {At(parent, field)} 应为整数");
        }

        private int Int(string parent, string field)
        {
            var n = Long(parent, field);
            return n is >= int.MinValue and <= int.MaxValue ? (int)n : throw Wrong($"检测运行结果的 {At(parent, field)} 超出范围");
        }

        /// <summary>The current value's JSON text (a number, a literal, or a whole object or array).</summary>
        private string Raw()
        {
            if (_r.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                var start = (int)_r.TokenStartIndex;
                _r.Skip();
                return Encoding.UTF8.GetString(_json[start..(int)_r.BytesConsumed]);
            }

            return _r.TokenType == JsonTokenType.String ? $"\"{_r.GetString()}\"" : Encoding.UTF8.GetString(_r.ValueSpan);
        }

        private static DetectionRunFormatException Missing(string parent, string field) => Wrong($"检测运行结果缺少字段 {At(parent, field)}");

        // Paths in messages (findings[3].severity) are built only when a message needs one.
        private static string At(string parent, string field) => parent.Length == 0 ? field : parent + "." + field;

        private static string Element(string array, int index) => string.Create(CultureInfo.InvariantCulture, $"{array}[{index}]");

        private static DateTimeOffset Time(string name, string? text)
        {
            if (text is null)
            {
                throw Missing("", name);
            }

            return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at)
                ? at
                : throw Wrong($"检测运行结果的 {name} 不是 ISO 8601 时间：'{text}'");
        }
    }
}
