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

    /// <summary>
    /// Methods left out because their instruction stream does not decode — protectors plant such code to break
    /// disassemblers. The rest of the app is still analysed; the run's coverage notes name these.
    /// </summary>
    public IReadOnlyList<SkippedMethod> Skipped => _skipped;

    private readonly List<SkippedMethod> _skipped = [];

    internal void Skip(string location, string reason)
    {
        if (!_skipped.Exists(s => s.Location == location))
        {
            _skipped.Add(new SkippedMethod(location, reason));
        }
    }
}

/// <summary>A method whose code could not be read (<see cref="AppModel.Skipped"/>).</summary>
public sealed record SkippedMethod(string Location, string Reason);
