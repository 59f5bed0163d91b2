using MedGuard.Detection.Apk.Arsc;
using MedGuard.Detection.Apk.Axml;
using MedGuard.Detection.Apk.Dex;
using MedGuard.Detection.Apk.Model;
using MedGuard.Detection.Apk.Rules;
using MedGuard.Detection.Apk.Signing;
using MedGuard.Detection.Apk.Zip;
using MedGuard.Domain.Findings;

namespace MedGuard.Detection.Apk;

/// <summary>
/// Analyses an APK without decompiling it: zip → manifest (AXML) → resources → every classes*.dex → app model →
/// rules. Usable without the server; the CLI and server are thin hosts around <see cref="Analyze(string)"/>.
/// </summary>
public sealed class ApkAnalyzer(RuleCatalog? catalog = null, ZipLimits? limits = null)
{
    private readonly RuleCatalog _catalog = catalog ?? RuleCatalog.Default;
    private readonly ZipLimits _limits = limits ?? ZipLimits.Default;

    public RuleCatalog Catalog => _catalog;

    public ApkReport Analyze(string path) => Analyze(ZipArchiveReader.Open(path, _limits), Path.GetFileName(path));

    public ApkReport Analyze(byte[] apk, string fileName) => Analyze(ZipArchiveReader.Open(apk, _limits), fileName);

    private ApkReport Analyze(ZipArchiveReader zip, string fileName)
    {
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

        var dexFiles = new List<DexFile>();
        for (var i = 1; ; i++)
        {
            var name = i == 1 ? "classes.dex" : $"classes{i}.dex";
            if (zip.Find(name) is not { } entry)
            {
                break;
            }

            dexFiles.AddRange(DexFile.ReadAll(zip.Read(entry), name));
        }

        var (classes, prepare) = DexClassLoader.Load(dexFiles);
        var hierarchy = new ClassHierarchy(classes, _catalog.Framework);
        var app = new AppModel(manifest, classes, hierarchy) { PrepareFilter = prepare, NetworkSecurityConfig = nsc };
        var hits = new RuleEngine(_catalog).Evaluate(app);

        var cleartext = manifest.UsesCleartextTraffic ?? (nsc?.CleartextPermitted ?? manifest.TargetSdk < 28);
        if (nsc is not null && manifest.UsesCleartextTraffic is null)
        {
            cleartext = nsc.CleartextPermitted || nsc.CleartextDomains.Count > 0;
        }

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
            DangerousPermissions = manifest.UsesPermissions.Where(_catalog.DangerousPermissions.Contains).ToList(),
            Certificates = SigningCertificateReader.Read(zip),
            Components = manifest.Components,
            DexCount = dexFiles.Count,
            ClassCount = classes.Count,
            Findings = ToFindings(hits, fileName, manifest, library: false),
            LibraryFindings = ToFindings(hits, fileName, manifest, library: true),
        };
    }

    /// <summary>Runs the rules on an already built model (rule examples, tests).</summary>
    public (IReadOnlyList<Finding> App, IReadOnlyList<Finding> Library) Evaluate(AppModel app, string target)
    {
        var hits = new RuleEngine(_catalog).Evaluate(app);
        return (ToFindings(hits, target, app.Manifest, false), ToFindings(hits, target, app.Manifest, true));
    }

    private IReadOnlyList<Finding> ToFindings(IReadOnlyList<RuleHit> hits, string target, AndroidManifest manifest, bool library)
    {
        var appPrefix = manifest.Package.Length > 0 ? AndroidManifest.ToDescriptor(manifest.Package, "")[..^1] + "/" : null;
        return hits.Where(h => IsLibrary(h.Location, appPrefix) == library)
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

    private bool IsLibrary(string location, string? appPrefix)
    {
        if (location == "AndroidManifest.xml" || location.StartsWith("res/", StringComparison.Ordinal) || (appPrefix is not null && location.StartsWith(appPrefix, StringComparison.Ordinal)))
        {
            return false;
        }

        foreach (var prefix in _catalog.LibraryPrefixes)
        {
            if (location.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
