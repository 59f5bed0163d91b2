using System.Text.RegularExpressions;
using MedGuard.Domain.Findings;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;
using Version = System.Version;

namespace MedGuard.Detection.Web.Libraries;

/// <summary>One range of versions of a library with known vulnerabilities: [<see cref="From"/>, <see cref="Below"/>).</summary>
public sealed record VulnerableRange(Version? From, Version Below, Severity Severity, IReadOnlyList<string> Cves, string Summary, string Source)
{
    public bool Contains(Version v) => (From is null || v >= From) && v < Below;
}

/// <summary>A library seen in a response: which one, which version, and the ranges (with CVEs) that version falls in.</summary>
public sealed record LibrarySighting(ClientLibrary Library, Version Version, IReadOnlyList<VulnerableRange> Ranges)
{
    public bool Vulnerable => Ranges.Count > 0;

    public Severity Severity => Ranges.Count == 0 ? Severity.Info : Ranges.Max(r => r.Severity);

    public IReadOnlyList<string> Cves => [.. Ranges.SelectMany(r => r.Cves).Distinct(StringComparer.Ordinal)];
}

/// <summary>A client-side library: how its files and banners name a version, and which versions are vulnerable.</summary>
public sealed record ClientLibrary(string Name, IReadOnlyList<Regex> Files, IReadOnlyList<Regex> Banners, IReadOnlyList<VulnerableRange> Vulnerable)
{
    public IReadOnlyList<(string Text, Version Version)> VulnerableExamples { get; init; } = [];

    public IReadOnlyList<string> SafeExamples { get; init; } = [];

    /// <summary>Versions named in <paramref name="addresses"/> (URLs, script addresses in a page) and in <paramref name="script"/> banners.</summary>
    public IEnumerable<Version> Versions(string addresses, string? script)
    {
        foreach (var regex in Files)
        {
            foreach (var v in Matches(regex, addresses))
            {
                yield return v;
            }
        }

        if (script is null)
        {
            yield break;
        }

        foreach (var regex in Banners)
        {
            foreach (var v in Matches(regex, script))
            {
                yield return v;
            }
        }
    }

    public LibrarySighting Sighting(Version v) => new(this, v, [.. Vulnerable.Where(r => r.Contains(v))]);

    private static IEnumerable<Version> Matches(Regex regex, string text)
    {
        MatchCollection matches;
        try
        {
            matches = regex.Matches(text);
            _ = matches.Count;
        }
        catch (RegexMatchTimeoutException)
        {
            yield break;
        }

        foreach (Match m in matches.Take(20))
        {
            if (Version.TryParse(m.Groups["v"].Value, out var v))
            {
                yield return v;
            }
        }
    }
}

/// <summary>
/// The client libraries with known CVEs (data: Libraries/Data/client-libraries.yaml, every entry with its NVD source).
/// Loading checks each library's own examples, so a pattern that misses its example or a range that reports a fixed
/// version fails the build's tests rather than a scan.
/// </summary>
public static class ClientLibraryCatalog
{
    private const string Resource = "MedGuard.Web.Libraries.client-libraries.yaml";
    private const string SourceName = "src/MedGuard.Detection.Web/Libraries/Data/client-libraries.yaml";

    private static readonly Lazy<IReadOnlyList<ClientLibrary>> Bundled = new(() =>
    {
        using var stream = typeof(ClientLibraryCatalog).Assembly.GetManifestResourceStream(Resource)
            ?? throw new InvalidOperationException($"embedded data '{Resource}' is missing from the build");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd(), SourceName);
    });

    public static IReadOnlyList<ClientLibrary> All => Bundled.Value;

    /// <summary>Every library version named in a response: its URL and script addresses always, banners in scripts only.</summary>
    public static IEnumerable<LibrarySighting> Identify(string addresses, string? script, IReadOnlyList<ClientLibrary>? libraries = null)
    {
        foreach (var library in libraries ?? All)
        {
            foreach (var v in library.Versions(addresses, script).Distinct())
            {
                yield return library.Sighting(v);
            }
        }
    }

    public static IReadOnlyList<ClientLibrary> Parse(string yaml, string source)
    {
        List<LibraryDto> dtos;
        try
        {
            dtos = new DeserializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).Build().Deserialize<List<LibraryDto>>(yaml) ?? [];
        }
        catch (YamlException ex)
        {
            throw new InvalidDataException($"{source} 第 {ex.Start.Line} 行：{MedGuard.Domain.Yaml.YamlErrorText.Describe(ex, "name、files、banners、vulnerable、examples")}", ex);
        }

        var list = new List<ClientLibrary>();
        foreach (var d in dtos)
        {
            InvalidDataException Error(string message) => new($"{source}：库 '{d.Name}' {message}");
            Regex Compile(string pattern)
            {
                try
                {
                    var regex = new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.IgnoreCase | RegexOptions.Multiline, TimeSpan.FromSeconds(1));
                    return regex.GetGroupNames().Contains("v") ? regex : throw Error($"的正则 '{pattern}' 缺少命名分组 (?<v>…)");
                }
                catch (ArgumentException ex)
                {
                    throw Error($"的正则 '{pattern}' 无法编译：{ex.Message}");
                }
            }

            Version ParseVersion(string? text, string field) =>
                Version.TryParse(text, out var v) ? v : throw Error($"的 {field} '{text}' 不是版本号（如 3.5.0）");

            if (string.IsNullOrWhiteSpace(d.Name) || (d.Files ?? []).Count + (d.Banners ?? []).Count == 0)
            {
                throw Error("缺少 name 或识别规则（files/banners）");
            }

            var ranges = (d.Vulnerable ?? []).Select(r =>
            {
                if (!SeverityNames.TryParse(r.Severity, out var severity) || severity is not (Severity.Medium or Severity.Low))
                {
                    throw Error($"的严重程度 '{r.Severity}' 无效（客户端库漏洞为 中 或 低）");
                }

                if (r.Cves is not { Count: > 0 } || r.Cves.Any(c => !Regex.IsMatch(c, @"^CVE-\d{4}-\d{4,}$")))
                {
                    throw Error("的漏洞范围缺少 CVE 编号（CVE-年份-编号）");
                }

                if (string.IsNullOrWhiteSpace(r.Source) || !r.Source.StartsWith("https://", StringComparison.Ordinal))
                {
                    throw Error("的漏洞范围缺少 source（NVD 或 GitHub 安全公告地址）");
                }

                return new VulnerableRange(r.From is null ? null : ParseVersion(r.From, "from"), ParseVersion(r.Below, "below"), severity,
                    r.Cves, r.Summary ?? "", r.Source);
            }).ToList();
            if (ranges.Count == 0)
            {
                throw Error("没有漏洞版本范围（vulnerable）");
            }

            var library = new ClientLibrary(d.Name, [.. (d.Files ?? []).Select(Compile)], [.. (d.Banners ?? []).Select(Compile)], ranges)
            {
                VulnerableExamples = [.. (d.Examples?.Vulnerable ?? []).Select(x => (x.Text ?? "", ParseVersion(x.Version, "examples.version")))],
                SafeExamples = [.. (d.Examples?.Safe ?? []).Select(x => x.Text ?? "")],
            };
            if (library.VulnerableExamples.Count == 0 || library.SafeExamples.Count == 0)
            {
                throw Error("需要至少一个 vulnerable 和一个 safe 示例");
            }

            // The examples are the entry's own test (as for check templates): refused here rather than scanned wrong.
            foreach (var (text, version) in library.VulnerableExamples)
            {
                if (!Identify(text, text, [library]).Any(s => s.Version == version && s.Vulnerable))
                {
                    throw Error($"的示例没有识别为有漏洞的 {version}：{text}");
                }
            }

            foreach (var text in library.SafeExamples)
            {
                if (Identify(text, text, [library]).FirstOrDefault(s => s.Vulnerable) is { } wrong)
                {
                    throw Error($"的安全示例被识别为有漏洞的 {wrong.Version}：{text}");
                }
            }

            list.Add(library);
        }

        return list;
    }

    // YAML shapes; unknown fields are an error so that a typo cannot silently drop a range.
    private sealed class LibraryDto
    {
        public string Name { get; set; } = "";
        public List<string>? Files { get; set; }
        public List<string>? Banners { get; set; }
        public List<RangeDto>? Vulnerable { get; set; }
        public ExamplesDto? Examples { get; set; }
    }

    private sealed class RangeDto
    {
        public string? From { get; set; }
        public string? Below { get; set; }
        public string? Severity { get; set; }
        public List<string>? Cves { get; set; }
        public string? Summary { get; set; }
        public string? Source { get; set; }
    }

    private sealed class ExamplesDto
    {
        public List<ExampleDto>? Vulnerable { get; set; }
        public List<ExampleDto>? Safe { get; set; }
    }

    private sealed class ExampleDto
    {
        public string? Text { get; set; }
        public string? Version { get; set; }
    }
}
