namespace MedGuard.Detection.Apk.Model;

/// <summary>An app as the rules see it: its manifest and its classes (from every dex), with the hierarchy.</summary>
public sealed class AppModel(AndroidManifest manifest, IReadOnlyList<AppClass> classes, ClassHierarchy hierarchy)
{
    public AndroidManifest Manifest { get; } = manifest;
    public IReadOnlyList<AppClass> Classes { get; } = classes;
    public ClassHierarchy Hierarchy { get; } = hierarchy;

    /// <summary>The app's network security config, when it has one.</summary>
    public NetworkSecurityConfig? NetworkSecurityConfig { get; init; }

    /// <summary>Called once before the code is scanned, so a DEX source can build its fastref index.</summary>
    public Action<ReferenceFilter>? PrepareFilter { get; init; }
}
