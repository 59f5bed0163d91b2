using MedGuard.Detection.Apk.Endpoints;
using MedGuard.Detection.Apk.Model;
using MedGuard.Detection.Apk.Protection;
using MedGuard.Domain.Detection;
using MedGuard.Domain.Findings;

namespace MedGuard.Detection.Apk;

/// <summary>The analysis of one APK: manifest facts, the app's findings and, apart, the libraries' findings.</summary>
public sealed record ApkReport
{
    public required string File { get; init; }
    public required string Package { get; init; }
    public string? VersionName { get; init; }
    public string? Label { get; init; }
    public int MinSdk { get; init; }
    public int TargetSdk { get; init; }
    public bool Debuggable { get; init; }

    /// <summary>android:allowBackup as written (null: unset, which Android treats as true).</summary>
    public bool? AllowBackup { get; init; }

    /// <summary>Whether cleartext HTTP is allowed, as the platform decides it (attribute, config, targetSdk default).</summary>
    public bool CleartextTrafficPermitted { get; init; }

    public NetworkSecurityConfig? NetworkSecurityConfig { get; init; }
    public IReadOnlyList<string> DangerousPermissions { get; init; } = [];
    public IReadOnlyList<SigningCertificate> Certificates { get; init; } = [];
    public IReadOnlyList<AppComponent> Components { get; init; } = [];
    public int DexCount { get; init; }
    public int ClassCount { get; init; }

    /// <summary>Findings in the app's own code, one per rule; <see cref="Finding.Locations"/> are counted.</summary>
    public IReadOnlyList<Finding> Findings { get; init; } = [];

    /// <summary>Findings inside third-party libraries: reported, never counted as the app's.</summary>
    public IReadOnlyList<Finding> LibraryFindings { get; init; } = [];

    /// <summary>The packer (加固) that hides the app's code, when one is recognised: the app is reported as packed.</summary>
    public PackerMatch? Packer { get; init; }

    /// <summary>What could not be judged (subjects <c>PACKAGE#RULE</c>): never a clean result for those rules.</summary>
    public IReadOnlyList<CoverageNote> Coverage { get; init; } = [];

    /// <summary>Methods whose instruction stream does not decode, skipped (the rest of the app analysed).</summary>
    public IReadOnlyList<SkippedMethod> SkippedMethods { get; init; } = [];

    /// <summary>The servers the app talks to, offered as candidate web assets (to be authorized before any scan).</summary>
    public IReadOnlyList<AppEndpoint> Endpoints { get; init; } = [];

    public int CountOf(string ruleId) => Findings.FirstOrDefault(f => f.RuleId == ruleId)?.Locations.Count ?? 0;
}
