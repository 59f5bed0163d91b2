using System.Text.RegularExpressions;
using MedGuard.Domain.Findings;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace MedGuard.Detection.Web.Templates;

/// <summary>
/// Reads check templates from YAML (bundled resources or a user folder) and validates them at load, with errors that
/// name the file and line: unknown fields, bad severities, regexes that do not compile, missing examples, and examples
/// that the template's own matchers get wrong.
/// </summary>
public static class TemplateLoader
{
    private const string ResourcePrefix = "MedGuard.Web.Templates.";
    private const int MaxTemplateBytes = 256 * 1024;

    private static readonly IDeserializer Yaml = new DeserializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .Build();

    /// <summary>The templates shipped inside the assembly.</summary>
    public static IReadOnlyList<CheckTemplate> LoadBundled()
    {
        var assembly = typeof(TemplateLoader).Assembly;
        var list = new List<CheckTemplate>();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            list.AddRange(Parse(reader.ReadToEnd(), name[ResourcePrefix.Length..]));
        }

        EnsureUniqueIds(list);
        return list;
    }

    /// <summary>Every *.yaml / *.yml under <paramref name="directory"/>.</summary>
    public static IReadOnlyList<CheckTemplate> LoadDirectory(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"找不到模板目录 {directory}");
        }

        var list = new List<CheckTemplate>();
        foreach (var file in Directory.EnumerateFiles(directory, "*.*", SearchOption.AllDirectories)
                     .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
                     .Order(StringComparer.Ordinal))
        {
            if (new FileInfo(file).Length > MaxTemplateBytes)
            {
                throw new InvalidDataException($"{file}：模板文件过大（超过 256 KiB）");
            }

            list.AddRange(Parse(File.ReadAllText(file), file));
        }

        EnsureUniqueIds(list);
        return list;
    }

    public static void EnsureUniqueIds(IEnumerable<CheckTemplate> templates)
    {
        var dup = templates.GroupBy(t => t.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null)
        {
            throw new InvalidDataException($"模板 id '{dup.Key}' 重复：{string.Join("、", dup.Select(t => t.Source))}");
        }
    }

    /// <summary>Parses one file; a file may hold one template or a YAML list of them.</summary>
    public static IReadOnlyList<CheckTemplate> Parse(string yaml, string source)
    {
        List<TemplateDto> dtos;
        try
        {
            // A list of templates may open with comments: the first line that is neither decides.
            var first = yaml.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0 && !l.StartsWith('#')) ?? "";
            dtos = first.StartsWith('-')
                ? Yaml.Deserialize<List<TemplateDto>>(yaml) ?? []
                : [Yaml.Deserialize<TemplateDto>(yaml) ?? throw new InvalidDataException($"{source}：文件为空")];
        }
        catch (YamlException ex)
        {
            throw new InvalidDataException($"{source} 第 {ex.Start.Line} 行第 {ex.Start.Column} 列：{MedGuard.Domain.Yaml.YamlErrorText.Describe(ex)}", ex);
        }

        // One way to cite the standard in every detector's data: GB/T 28448 unit codes, not clause numbers.
        foreach (var site in StandardRefText.Scan(source, yaml))
        {
            if (!StandardRefText.IsUnitCode(site.Code))
            {
                throw new InvalidDataException($"{source} 第 {site.Line} 行：standardRefs 中的 '{site.Code}' 不是 GB/T 28448 单元编号（应写成 L3-CES1-17）");
            }
        }

        return [.. dtos.Select(d => Build(d, source, yaml))];
    }

    /// <summary>The bundled templates' GB/T 22239 citations with file and line, for the catalog check in MedGuard.Standards.</summary>
    public static IEnumerable<StandardRefSite> StandardRefs()
    {
        var assembly = typeof(TemplateLoader).Assembly;
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            foreach (var site in StandardRefText.Scan($"src/MedGuard.Detection.Web/Templates/Bundled/{name[ResourcePrefix.Length..]}", reader.ReadToEnd()))
            {
                yield return site;
            }
        }
    }

    /// <summary>The citations of the user's templates under <paramref name="directory"/> (as <see cref="LoadDirectory"/> reads them).</summary>
    public static IEnumerable<StandardRefSite> StandardRefs(string directory) =>
        Directory.EnumerateFiles(directory, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .SelectMany(f => StandardRefText.Scan(f, File.ReadAllText(f)));

    private static CheckTemplate Build(TemplateDto d, string source, string text)
    {
        string Where(string? needle) => needle is null ? source : $"{source} 第 {LineOf(text, needle)} 行";
        InvalidDataException Error(string? near, string message) => new($"{Where(near)}：模板 '{d.Id}' {message}");

        if (string.IsNullOrWhiteSpace(d.Id) || !Regex.IsMatch(d.Id, "^[a-z0-9][a-z0-9_.-]*$"))
        {
            throw new InvalidDataException($"{Where("id:")}：模板 id '{d.Id}' 无效（小写字母、数字、- _ .）");
        }

        if (string.IsNullOrWhiteSpace(d.Title))
        {
            throw Error("id:", "缺少 title");
        }

        if (!SeverityNames.TryParse(d.Severity, out var severity))
        {
            throw Error("severity:", $"严重程度 '{d.Severity}' 无效（高/中/低/信息）");
        }

        if (d.Cwe is not null && !Regex.IsMatch(d.Cwe, @"^CWE-\d+$"))
        {
            throw Error(d.Cwe, $"CWE '{d.Cwe}' 格式应为 CWE-数字");
        }

        var matchers = (d.Matchers ?? []).Select(m => BuildMatcher(m, Error)).ToList();
        if (matchers.Count == 0)
        {
            throw Error("id:", "至少需要一个 matcher");
        }

        var requests = (d.Requests ?? []).Select(r =>
        {
            var paths = r.Paths ?? (r.Path is null ? [] : [r.Path]);
            if (paths.Count == 0)
            {
                throw Error("requests:", "请求缺少 path");
            }

            if (paths.Any(p => !p.StartsWith('/') && !p.StartsWith("{{BaseURL}}", StringComparison.Ordinal)))
            {
                throw Error("path", "path 必须以 / 或 {{BaseURL}} 开头（模板不能指向其他主机）");
            }

            return new TemplateRequest((r.Method ?? "GET").ToUpperInvariant(), paths)
            {
                Headers = [.. (r.Headers ?? []).Select(h => new KeyValuePair<string, string>(h.Key, h.Value))],
                Body = r.Body,
                ContentType = r.ContentType,
                FollowRedirects = r.FollowRedirects,
            };
        }).ToList();

        if (requests.Count == 0 && !d.Passive)
        {
            throw Error("id:", "既没有 requests 也不是 passive，无从检测");
        }

        var extractors = (d.Extractors ?? []).Select(e => new Extractor
        {
            HeaderName = e.Type == "header" ? e.Name ?? throw Error("extractors:", "header 提取器缺少 name") : null,
            Regex = e.Type == "regex" ? Compile(e.Regex ?? throw Error("extractors:", "regex 提取器缺少 regex"), false, Error) : null,
            Group = e.Group,
            Part = ParsePart(e.Part, Error),
        }).ToList();

        var positive = (d.Examples?.Positive ?? []).Select(x => Sample(x, Error)).ToList();
        var negative = (d.Examples?.Negative ?? []).Select(x => Sample(x, Error)).ToList();
        if (positive.Count == 0 || negative.Count == 0)
        {
            throw Error("examples:", "需要至少一个 positive 和一个 negative 示例");
        }

        var template = new CheckTemplate
        {
            Id = d.Id,
            Title = d.Title,
            Severity = severity,
            Cwe = d.Cwe,
            StandardRefs = d.StandardRefs ?? [],
            HighRiskCases = d.HighRiskCases ?? [],
            Remediation = d.Remediation?.Trim(),
            Source = source,
            Passive = d.Passive,
            Schemes = d.Schemes ?? ["http", "https"],
            Soft404 = d.Soft404,
            OncePerHost = d.OncePerHost,
            Requests = requests,
            MatchersCondition = d.MatchersCondition?.ToLowerInvariant() == "and" ? MatchCondition.And : MatchCondition.Or,
            Matchers = matchers,
            Extractors = extractors,
            PositiveExamples = positive,
            NegativeExamples = negative,
        };

        // The examples are the template's own test: one that disagrees with the matchers means the template would miss
        // (positive) or cry wolf (negative), so it is refused here rather than run wrong.
        foreach (var (example, i) in positive.Select((e, i) => (e, i + 1)))
        {
            if (!template.Matches(example))
            {
                throw Error("positive:", $"第 {i} 个 positive 示例不满足匹配规则（模板会漏报）");
            }
        }

        foreach (var (example, i) in negative.Select((e, i) => (e, i + 1)))
        {
            if (template.Matches(example))
            {
                throw Error("negative:", $"第 {i} 个 negative 示例满足了匹配规则（模板会误报）");
            }
        }

        return template;
    }

    private static Matcher BuildMatcher(MatcherDto m, Func<string?, string, InvalidDataException> error)
    {
        var type = m.Type?.ToLowerInvariant() switch
        {
            "status" => MatcherType.Status,
            "word" => MatcherType.Word,
            "regex" => MatcherType.Regex,
            "header" => MatcherType.Header,
            "size" => MatcherType.Size,
            _ => throw error("type:", $"matcher 类型 '{m.Type}' 无效（status/word/regex/header/size）"),
        };
        var matcher = new Matcher
        {
            Type = type,
            Part = ParsePart(m.Part, error),
            Condition = m.Condition?.ToLowerInvariant() == "and" ? MatchCondition.And : MatchCondition.Or,
            Negative = m.Negative,
            CaseInsensitive = m.CaseInsensitive,
            Status = m.Status ?? [],
            Words = m.Words ?? [],
            Regexes = [.. (m.Regex ?? []).Select(x => Compile(x, m.CaseInsensitive, error))],
            HeaderName = m.Name,
            MinSize = m.Min,
            MaxSize = m.Max,
        };
        var ok = type switch
        {
            MatcherType.Status => matcher.Status.Count > 0,
            MatcherType.Word => matcher.Words.Count > 0,
            MatcherType.Regex => matcher.Regexes.Count > 0,
            MatcherType.Header => !string.IsNullOrWhiteSpace(matcher.HeaderName),
            _ => matcher.MinSize is not null || matcher.MaxSize is not null,
        };
        return ok ? matcher : throw error("type:", $"{m.Type} matcher 缺少必需字段");
    }

    private static MatchPart ParsePart(string? part, Func<string?, string, InvalidDataException> error) => part?.ToLowerInvariant() switch
    {
        null or "body" => MatchPart.Body,
        "header" => MatchPart.Header,
        "all" => MatchPart.All,
        _ => throw error("part:", $"part '{part}' 无效（body/header/all）"),
    };

    private static Regex Compile(string pattern, bool ignoreCase, Func<string?, string, InvalidDataException> error)
    {
        try
        {
            var options = RegexOptions.CultureInvariant | RegexOptions.Multiline | (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None);
            return new Regex(pattern, options, Matcher.RegexTimeout);
        }
        catch (ArgumentException ex)
        {
            throw error(pattern, $"正则表达式无法编译：{ex.Message}");
        }
    }

    private static ResponseSample Sample(SampleDto x, Func<string?, string, InvalidDataException> error)
    {
        var headers = (x.Headers ?? []).Select(h =>
        {
            var colon = h.IndexOf(':');
            if (colon <= 0)
            {
                throw error(h, $"示例响应头 '{h}' 应写成 \"名称: 值\"");
            }

            return new KeyValuePair<string, string>(h[..colon].Trim(), h[(colon + 1)..].Trim());
        }).ToList();
        return new ResponseSample(x.Status ?? 200, headers, x.Body ?? "");
    }

    private static int LineOf(string text, string needle)
    {
        var index = text.IndexOf(needle, StringComparison.Ordinal);
        return index < 0 ? 1 : text.AsSpan(0, index).Count('\n') + 1;
    }

    // YAML shapes. Unknown fields are an error (YamlDotNet's default), so a typo cannot silently disable a matcher.
    private sealed class TemplateDto
    {
        public string Id { get; set; } = "";
        public string Title { get; set; } = "";
        public string? Severity { get; set; }
        public string? Cwe { get; set; }
        public List<string>? StandardRefs { get; set; }
        public List<string>? HighRiskCases { get; set; }
        public string? Remediation { get; set; }
        public bool Passive { get; set; }
        public List<string>? Schemes { get; set; }
        public bool Soft404 { get; set; }
        public bool OncePerHost { get; set; }
        public List<RequestDto>? Requests { get; set; }
        public string? MatchersCondition { get; set; }
        public List<MatcherDto>? Matchers { get; set; }
        public List<ExtractorDto>? Extractors { get; set; }
        public ExamplesDto? Examples { get; set; }
    }

    private sealed class RequestDto
    {
        public string? Method { get; set; }
        public string? Path { get; set; }
        public List<string>? Paths { get; set; }
        public Dictionary<string, string>? Headers { get; set; }
        public string? Body { get; set; }
        public string? ContentType { get; set; }
        public bool FollowRedirects { get; set; }
    }

    private sealed class MatcherDto
    {
        public string? Type { get; set; }
        public string? Part { get; set; }
        public string? Condition { get; set; }
        public bool Negative { get; set; }
        public bool CaseInsensitive { get; set; }
        public List<int>? Status { get; set; }
        public List<string>? Words { get; set; }
        public List<string>? Regex { get; set; }
        public string? Name { get; set; }
        public int? Min { get; set; }
        public int? Max { get; set; }
    }

    private sealed class ExtractorDto
    {
        public string? Type { get; set; }
        public string? Name { get; set; }
        public string? Regex { get; set; }
        public int Group { get; set; }
        public string? Part { get; set; }
    }

    private sealed class ExamplesDto
    {
        public List<SampleDto>? Positive { get; set; }
        public List<SampleDto>? Negative { get; set; }
    }

    private sealed class SampleDto
    {
        public int? Status { get; set; }
        public List<string>? Headers { get; set; }
        public string? Body { get; set; }
    }
}
