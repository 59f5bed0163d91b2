using System.Diagnostics;
using System.Runtime.ExceptionServices;
using MedGuard.Detection.Apk.Arsc;
using MedGuard.Detection.Apk.Axml;
using MedGuard.Detection.Apk.Dex;
using MedGuard.Detection.Apk.Endpoints;
using MedGuard.Detection.Apk.Libraries;
using MedGuard.Detection.Apk.Model;
using MedGuard.Detection.Apk.Protection;
using MedGuard.Detection.Apk.Rules;
using MedGuard.Detection.Apk.Signing;
using MedGuard.Detection.Apk.Zip;
using MedGuard.Domain.Detection;
using MedGuard.Domain.Findings;

namespace MedGuard.Detection.Apk;

/// <summary>
/// Analyses an APK without decompiling it: zip → manifest (AXML) → resources → every classes*.dex → app model →
/// rules. Usable without the server; the CLI and server are thin hosts around <see cref="Analyze(string)"/>.
/// </summary>
public sealed class ApkAnalyzer
{
    private readonly RuleCatalog? _given;
    private readonly ZipLimits _limits;

    public ApkAnalyzer(RuleCatalog? catalog = null, ZipLimits? limits = null)
    {
        _given = catalog;
        _limits = limits ?? ZipLimits.Default;
        if (catalog is null)
        {
            // The embedded rules take a seventh of a one-app run to parse: they load on another core while the first
            // APK is inflated and its DEX read (the catalog is first needed for the class hierarchy).
            RuleCatalog.Preload();
        }
    }

    public RuleCatalog Catalog => _given ?? RuleCatalog.Default;

    public ApkReport Analyze(string path)
    {
        var timing = ApkTiming.Start(Path.GetFileName(path));
        try
        {
            return Analyze(ZipArchiveReader.Open(path, _limits), Path.GetFileName(path), timing);
        }
        finally
        {
            timing.Finish();
        }
    }

    public ApkReport Analyze(byte[] apk, string fileName)
    {
        var timing = ApkTiming.Start(fileName);
        try
        {
            return Analyze(ZipArchiveReader.Open(apk, _limits), fileName, timing);
        }
        finally
        {
            timing.Finish();
        }
    }

    private ApkReport Analyze(ZipArchiveReader zip, string fileName, ApkTiming timing)
    {
        timing.Mark("zip");
        // The manifest, resources and signature are read on the other core while this one inflates and loads the DEX,
        // the longest step of a one-app run; their errors still come first, as when they were read first.
        var side = Task.Run(() => ReadAppFacts(zip, timing));
        List<DexFile>? dexFiles = null;
        IReadOnlyList<AppClass> classes = [];
        Action<ReferenceFilter>? prepare = null;
        HashSet<string> defined = [];
        ExceptionDispatchInfo? dexError = null;
        try
        {
            dexFiles = ReadDex(zip);
            timing.Mark("dex");
            (classes, prepare, defined) = DexClassLoader.Load(dexFiles);
            timing.Mark("classes");
        }
        catch (ApkFormatException ex)
        {
            dexError = ExceptionDispatchInfo.Capture(ex);
        }

        AppFacts facts;
        try
        {
            facts = side.GetAwaiter().GetResult();
        }
        finally
        {
            timing.Mark("facts-wait");
        }

        dexError?.Throw();
        var dexList = dexFiles!;
        var (manifest, resources, nsc, certificates) = facts;
        var catalog = Catalog;
        timing.Mark("catalog-wait");
        timing.Add("catalog-load", RuleCatalog.EmbeddedLoadTime);
        var hierarchy = new ClassHierarchy(classes, catalog.Framework);
        var app = new AppModel(manifest, classes, hierarchy) { PrepareFilter = prepare, NetworkSecurityConfig = nsc };
        timing.Mark("hierarchy");
        var hits = new RuleEngine(catalog).Evaluate(app);
        timing.Mark("rules");

        // The packer's stub classes: defined in a dex (the loader's set); a package prefix is looked up in each dex's
        // sorted string table, where every class descriptor is.
        var packer = new PackerDetector(catalog.Packers).Detect(zip.Entries.Select(e => e.Name), manifest.ApplicationClass,
            defined.Contains, prefix => dexList.Exists(dex => DefinesUnder(dex, prefix, defined)));
        timing.Mark("packer");
        var coverage = CoverageOf(app, manifest.Package, packer);
        var recognizer = NewRecognizer(app);
        timing.Mark("recognizer");

        var cleartext = manifest.UsesCleartextTraffic ?? (nsc?.CleartextPermitted ?? manifest.TargetSdk < 28);
        if (nsc is not null && manifest.UsesCleartextTraffic is null)
        {
            cleartext = nsc.CleartextPermitted || nsc.CleartextDomains.Count > 0;
        }

        var findings = ToFindings(hits, fileName, manifest, library: false, recognizer);
        var libraryFindings = ToFindings(hits, fileName, manifest, library: true, recognizer);
        timing.Mark("findings");
        var endpoints = EndpointCollector.Collect(dexList, nsc);
        timing.Mark("endpoints");
        return new ApkReport
        {
            File = fileName,
            Package = manifest.Package,
            VersionName = manifest.VersionName,
            Label = manifest.LabelText ?? (manifest.LabelRef != 0 ? resources.ResolveString(manifest.LabelRef) : null),
            MinSdk = manifest.MinSdk,
            TargetSdk = manifest.TargetSdk,
            Debuggable = manifest.Debuggable,
            AllowBackup = manifest.AllowBackup,
            CleartextTrafficPermitted = cleartext,
            NetworkSecurityConfig = nsc,
            DangerousPermissions = manifest.UsesPermissions.Where(Catalog.DangerousPermissions.Contains).ToList(),
            Certificates = certificates,
            Components = manifest.Components,
            DexCount = dexList.Count,
            ClassCount = classes.Count,
            Findings = findings,
            LibraryFindings = libraryFindings,
            Packer = packer,
            Endpoints = endpoints,
            Coverage = coverage,
            SkippedMethods = app.Skipped,
        };
    }

    /// <summary>What the analysis reads beside the code: manifest, resources, network security config, signature.</summary>
    private sealed record AppFacts(AndroidManifest Manifest, ResourceTable Resources, NetworkSecurityConfig? Nsc, IReadOnlyList<SigningCertificate> Certificates);

    private static AppFacts ReadAppFacts(ZipArchiveReader zip, ApkTiming timing)
    {
        var started = Stopwatch.GetTimestamp();
        var manifestEntry = zip.Find("AndroidManifest.xml") ?? throw new ApkFormatException("APK 中没有 AndroidManifest.xml");
        var manifest = AndroidManifest.From(AxmlReader.Read(zip.Read(manifestEntry)));
        var resources = ResourceTable.Empty;
        if (zip.Find("resources.arsc") is { } arsc)
        {
            try
            {
                resources = ResourceTable.Read(zip.Read(arsc));
            }
            catch (ApkFormatException)
            {
                // Packers break resources.arsc on purpose; labels and the config are then unknown, the code still read.
            }
        }

        NetworkSecurityConfig? nsc = null;
        if (manifest.NetworkSecurityConfigRef != 0 && resources.ResolveString(manifest.NetworkSecurityConfigRef) is { } nscPath
            && zip.Find(nscPath) is { } nscEntry)
        {
            nsc = NetworkSecurityConfigReader.Read(AxmlReader.Read(zip.Read(nscEntry), nscPath), nscPath);
        }

        var certificates = SigningCertificateReader.Read(zip);
        timing.Add("manifest+arsc+signature", Stopwatch.GetElapsedTime(started));
        return new AppFacts(manifest, resources, nsc, certificates);
    }

    private static List<DexFile> ReadDex(ZipArchiveReader zip)
    {
        var dexFiles = new List<DexFile>();
        for (var i = 1; ; i++)
        {
            var name = i == 1 ? "classes.dex" : $"classes{i}.dex";
            if (zip.Find(name) is not { } entry)
            {
                return dexFiles;
            }

            dexFiles.AddRange(DexFile.ReadAll(zip.Read(entry), name));
        }
    }

    private static bool DefinesUnder(DexFile dex, string prefix, HashSet<string> defined)
    {
        for (var i = dex.LowerBoundString(prefix); i < dex.StringCount; i++)
        {
            var s = dex.GetString((uint)i);
            if (!s.StartsWith(prefix, StringComparison.Ordinal))
            {
                return false;
            }

            if (defined.Contains(s))
            {
                return true;
            }
        }

        return false;
    }

    // What this analysis could not judge (未完成的检测), as SUBJECT#RULE notes on the package: every code rule when a
    // packer hides the app's code (the manifest rules still ran on the real manifest), and when methods were skipped.
    private List<CoverageNote> CoverageOf(AppModel app, string package, PackerMatch? packer)
    {
        var notes = new List<CoverageNote>();
        var codeRules = Catalog.Rules.Where(r => r.Detector == "code").Select(r => r.Id).ToList();
        if (packer is not null)
        {
            notes.AddRange(codeRules.Select(id => new CoverageNote($"{package}#{id}",
                $"应用经{packer.Name}加固（{string.Join("、", packer.Evidence.Take(3))}），真实代码加密后在运行时加载，此规则无法在隐藏的代码上评估")));
        }
        else if (app.Skipped.Count > 0)
        {
            var named = string.Join("；", app.Skipped.Take(5).Select(m => $"{m.Location}（{m.Reason}）"));
            var more = app.Skipped.Count > 5 ? $" 等 {app.Skipped.Count} 个方法" : "";
            notes.AddRange(codeRules.Select(id => new CoverageNote($"{package}#{id}", $"指令流无法解码的方法已跳过，未就此规则检查：{named}{more}")));
        }

        return notes;
    }

    private LibraryRecognizer? NewRecognizer(AppModel app) => Catalog.LibraryProfiles.Count == 0
        ? null
        : new LibraryRecognizer(Catalog.LibraryProfiles, app.Classes,
            app.Manifest.Components.Select(c => c.ClassDescriptor).Concat(app.Manifest.ApplicationClass is { } a ? [a] : []));

    /// <summary>Runs the rules on an already built model (rule examples, tests).</summary>
    public (IReadOnlyList<Finding> App, IReadOnlyList<Finding> Library) Evaluate(AppModel app, string target)
    {
        var hits = new RuleEngine(Catalog).Evaluate(app);
        var recognizer = NewRecognizer(app);
        return (ToFindings(hits, target, app.Manifest, false, recognizer), ToFindings(hits, target, app.Manifest, true, recognizer));
    }

    private IReadOnlyList<Finding> ToFindings(IReadOnlyList<RuleHit> hits, string target, AndroidManifest manifest, bool library, LibraryRecognizer? recognizer)
    {
        var appPrefix = manifest.Package.Length > 0 ? AndroidManifest.ToDescriptor(manifest.Package, "")[..^1] + "/" : null;
        return hits.Where(h => IsLibrary(h.Location, appPrefix, recognizer) == library)
            .GroupBy(h => h.Rule)
            .OrderBy(g => g.Key.Order).ThenBy(g => g.Key.Id, StringComparer.Ordinal)
            .Select(g => new Finding
            {
                RuleId = g.Key.Id,
                Title = g.Key.Title,
                Severity = g.Key.SeverityFor(manifest.MinSdk),
                Target = new AppTarget(manifest.Package, null) { File = target },
                InThirdPartyCode = library,
                Locations = g.Select(h => h.Location).Distinct().ToList(),
                Evidence = g.GroupBy(h => h.Location).ToDictionary(x => x.Key, x => x.First().Evidence),
                Cwe = g.Key.Cwe,
                StandardRefs = g.Key.StandardRefs,
                Remediation = g.Key.Remediation,
            }).ToList();
    }

    private bool IsLibrary(string location, string? appPrefix, LibraryRecognizer? recognizer)
    {
        if (location == "AndroidManifest.xml" || location.StartsWith("res/", StringComparison.Ordinal) || (appPrefix is not null && location.StartsWith(appPrefix, StringComparison.Ordinal)))
        {
            return false;
        }

        foreach (var prefix in Catalog.LibraryPrefixes)
        {
            if (location.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        // Renamed library code (R8/ProGuard): recognised by its profile, not by its name.
        return location.StartsWith('L') && recognizer?.LibraryOf(location) is not null;
    }
}
