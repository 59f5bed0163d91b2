using System.Reflection;
using System.Text.RegularExpressions;
using MedGuard.Detection.Apk.Dex;
using MedGuard.Detection.Apk.Libraries;
using MedGuard.Detection.Apk.Model;
using MedGuard.Detection.Apk.Protection;
using MedGuard.Domain.Findings;

namespace MedGuard.Detection.Apk.Rules;

/// <summary>
/// The rules, the library prefixes and the framework hierarchy, loaded from the embedded YAML under Rules/Data and
/// validated at load: an error names the file and line.
/// </summary>
public sealed class RuleCatalog
{
    private const string Prefix = "MedGuard.Detection.Apk.Rules.Data.";
    private static readonly Lazy<RuleCatalog> Embedded = new(LoadEmbedded);

    public IReadOnlyList<RuleDefinition> Rules { get; }
    public IReadOnlyList<string> LibraryPrefixes { get; }
    public IReadOnlyDictionary<string, FrameworkType> Framework { get; }

    /// <summary>Android's dangerous permissions (危险权限), reported among the manifest facts.</summary>
    public IReadOnlySet<string> DangerousPermissions { get; }

    /// <summary>The packers (加固) recognised, from <c>packers.yaml</c>.</summary>
    public IReadOnlyList<PackerDefinition> Packers { get; private init; } = [];

    /// <summary>Library profiles that survive renaming, from <c>library-profiles.yaml</c>.</summary>
    public IReadOnlyList<LibraryProfile> LibraryProfiles { get; private init; } = [];

    private RuleCatalog(IReadOnlyList<RuleDefinition> rules, IReadOnlyList<string> libraryPrefixes, IReadOnlyDictionary<string, FrameworkType> framework, IReadOnlySet<string> dangerous)
    {
        Rules = rules;
        LibraryPrefixes = libraryPrefixes;
        Framework = framework;
        DangerousPermissions = dangerous;
    }

    public static RuleCatalog Default => Embedded.Value;

    /// <summary>Starts loading <see cref="Default"/> on the thread pool (once); whoever asks for it meanwhile waits.</summary>
    public static void Preload()
    {
        if (!Embedded.IsValueCreated && Interlocked.Exchange(ref _preloading, 1) == 0)
        {
            _ = Task.Run(() => Embedded.Value);
        }
    }

    private static int _preloading;

    /// <summary>
    /// Every GB/T 22239 citation of the embedded rules with its file and line, for the catalog check in
    /// MedGuard.Standards (StandardRefIntegrity): this engine knows the codes' shape, the standards library which exist.
    /// </summary>
    public static IEnumerable<StandardRefSite> StandardRefs() =>
        EmbeddedFiles().SelectMany(f => StandardRefText.Scan($"src/MedGuard.Detection.Apk/Rules/Data/{f.Name}", f.Text));

    /// <summary>A copy with another library list (the list is configurable).</summary>
    public RuleCatalog WithLibraryPrefixes(IReadOnlyList<string> prefixes) =>
        new(Rules, prefixes, Framework, DangerousPermissions) { Packers = Packers, LibraryProfiles = LibraryProfiles };

    private static RuleCatalog LoadEmbedded()
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var catalog = Load(EmbeddedFiles());
        EmbeddedLoadTime = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        return catalog;
    }

    /// <summary>How long the embedded catalog took to load (for MEDGUARD_APK_TIMING).</summary>
    internal static TimeSpan EmbeddedLoadTime { get; private set; }

    private static List<(string Name, string Text)> EmbeddedFiles()
    {
        var assembly = Assembly.GetExecutingAssembly();
        return assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(n =>
            {
                using var stream = assembly.GetManifestResourceStream(n)!;
                using var reader = new StreamReader(stream);
                return (Name: n[Prefix.Length..], Text: reader.ReadToEnd());
            }).ToList();
    }

    /// <summary>Loads rule files (<c>rule_*.yaml</c>), <c>libraries.yaml</c> and <c>framework.yaml</c>.</summary>
    public static RuleCatalog Load(IEnumerable<(string Name, string Text)> files)
    {
        var rules = new List<RuleDefinition>();
        var libraries = new List<string>();
        var framework = new Dictionary<string, FrameworkType>(StringComparer.Ordinal);
        var dangerous = new HashSet<string>(StringComparer.Ordinal);
        var packers = new List<PackerDefinition>();
        var profiles = new List<LibraryProfile>();
        foreach (var (name, text) in files)
        {
            try
            {
                if (name == "libraries.yaml")
                {
                    libraries.AddRange(CatalogMapping.NameLists(CatalogYaml.Read(text)).Prefixes);
                }
                else if (name == "dangerous-permissions.yaml")
                {
                    dangerous.UnionWith(CatalogMapping.NameLists(CatalogYaml.Read(text)).Permissions);
                }
                else if (name == "packers.yaml")
                {
                    packers.AddRange(CatalogMapping.Packers(CatalogYaml.Read(text)));
                    ValidatePackers(packers, name);
                }
                else if (name == "library-profiles.yaml")
                {
                    profiles.AddRange(CatalogMapping.LibraryProfiles(CatalogYaml.Read(text)));
                    ValidateProfiles(profiles, name);
                }
                else if (name == "framework.yaml")
                {
                    foreach (var (type, super, interfaces) in CatalogMapping.Framework(CatalogYaml.Read(text)))
                    {
                        framework[type] = new FrameworkType(super, interfaces);
                    }
                }
                else if (name.StartsWith("rule_", StringComparison.Ordinal))
                {
                    var rule = CatalogYaml.Read(text) is { } node ? CatalogMapping.Rule(node) : new RuleDefinition();
                    Validate(rule, name);
                    foreach (var site in StandardRefText.Scan(name, text).Where(s => !StandardRefText.IsUnitCode(s.Code)))
                    {
                        throw new ApkFormatException($"规则文件 {name} 第 {site.Line} 行：standardRefs 中的 '{site.Code}' 不是 GB/T 28448 单元编号（应写成 L3-CES1-20）");
                    }
                    rules.Add(rule);
                }
            }
            catch (CatalogYamlException ex)
            {
                throw new ApkFormatException($"规则文件 {name} 第 {ex.Line} 行有误：{ex.Message}", ex);
            }
        }

        var duplicate = rules.GroupBy(r => r.Id).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ApkFormatException($"规则 id 重复：{duplicate.Key}");
        }

        return new RuleCatalog(rules.OrderBy(r => r.Order).ThenBy(r => r.Id, StringComparer.Ordinal).ToList(), libraries, framework, dangerous)
        {
            Packers = packers,
            LibraryProfiles = profiles,
        };
    }

    private static void ValidatePackers(List<PackerDefinition> packers, string file)
    {
        foreach (var p in packers)
        {
            if (!Regex.IsMatch(p.Id, "^[a-z][a-z0-9_]*$") || p.Name.Length == 0)
            {
                throw new ApkFormatException($"规则文件 {file}（{p.Id}）：id 须为小写字母、数字和下划线，且须有 name");
            }

            if (p.Libs.Count + p.Files.Count + p.Classes.Count + p.Weak.Count == 0 || p.Examples.Positive.Count == 0 || p.Examples.Negative.Count == 0)
            {
                throw new ApkFormatException($"规则文件 {file}（{p.Id}）：须有特征（libs/files/classes/weak）及至少一个正例和一个反例");
            }
        }
    }

    private static void ValidateProfiles(List<LibraryProfile> profiles, string file)
    {
        foreach (var p in profiles)
        {
            if (p.Id.Length == 0 || p.Name.Length == 0 || p.Markers.Count == 0 || p.Examples.Positive.Count == 0 || p.Examples.Negative.Count == 0)
            {
                throw new ApkFormatException($"规则文件 {file}（{p.Id}）：须有 id、name、markers 及至少一个正例和一个反例");
            }

            if (p.Markers.Exists(m => m.Length < 12))
            {
                throw new ApkFormatException($"规则文件 {file}（{p.Id}）：特征字符串过短（少于 12 个字符），易误认应用自己的代码");
            }
        }
    }

    private static void Validate(RuleDefinition rule, string file)
    {
        void Fail(string what) => throw new ApkFormatException($"规则文件 {file}（{rule.Id}）：{what}");
        if (!Regex.IsMatch(rule.Id, "^[a-z][a-z0-9_]*$"))
        {
            Fail("id 须为小写字母、数字和下划线");
        }

        if (string.IsNullOrWhiteSpace(rule.Title) || string.IsNullOrWhiteSpace(rule.Remediation) || rule.StandardRefs.Count == 0)
        {
            Fail("缺少 title、remediation 或 standardRefs");
        }

        if (!SeverityNames.TryParse(rule.Severity, out var severity) || severity == Severity.Info)
        {
            Fail($"严重程度 '{rule.Severity}' 应为 高/中/低");
        }

        rule.ParsedSeverity = severity;
        if (!Regex.IsMatch(rule.Cwe, @"^CWE-\d+$"))
        {
            Fail($"CWE '{rule.Cwe}' 格式应为 CWE-数字");
        }

        if (rule.Examples.Positive.Count == 0 || rule.Examples.Negative.Count == 0)
        {
            Fail("每条规则至少需要一个正例和一个反例");
        }

        switch (rule.Detector)
        {
            case "manifest_flag" when rule.Attribute is "allowBackup" or "debuggable" or "usesCleartextTraffic":
            case "network_config" when rule.Attribute is "trustsUserCertificates":
            case "exported_component" when rule.Component is "activity" or "service" or "provider" or "receiver":
            case "manifest_metadata" when rule.MetaData.Count > 0:
                break;
            case "code" when rule.Match.Count > 0:
                foreach (var p in rule.Match.Concat(rule.UnlessMethodCalls).Concat(rule.RequireMethodCalls).Concat(rule.UnlessAppCallsAll))
                {
                    var kinds = (p.Call is null ? 0 : 1) + (p.Field is null ? 0 : 1) + (p.NewInstance is null ? 0 : 1) + (p.Override is null ? 0 : 1) + (p.String is null ? 0 : 1);
                    if (kinds != 1)
                    {
                        Fail("每个匹配项须且仅须有 call / field / newInstance / override / string 之一");
                    }

                    if (p.String is not null && (p.StringPrefix is not { Length: >= 3 } || !p.String.StartsWith("^" + Regex.Escape(p.StringPrefix), StringComparison.Ordinal)))
                    {
                        Fail("string 须以 ^ 加 stringPrefix（至少 3 个字符）开头，以便在字符串表中查找");
                    }

                    if (p.String is not null)
                    {
                        try
                        {
                            _ = new Regex(p.String);
                        }
                        catch (ArgumentException ex)
                        {
                            Fail(ex.Message);
                        }
                    }

                    try
                    {
                        if (p.Call is not null)
                        {
                            MethodRef.Parse(p.Call);
                        }

                        foreach (var w in p.Where)
                        {
                            if (w.Matches is not null)
                            {
                                _ = new Regex(w.Matches);
                            }

                            if (w.Is is not null and not ("constBytes" or "implicitIntent"))
                            {
                                Fail($"未知的参数条件 is: {w.Is}");
                            }
                        }
                    }
                    catch (Exception ex) when (ex is FormatException or ArgumentException)
                    {
                        Fail(ex.Message);
                    }
                }

                break;
            default:
                Fail($"未知或不完整的检测器 '{rule.Detector}'");
                break;
        }
    }
}
