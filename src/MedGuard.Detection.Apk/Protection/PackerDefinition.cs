namespace MedGuard.Detection.Apk.Protection;

/// <summary>
/// One packer (加固) as written in <c>Rules/Data/packers.yaml</c>: the native libraries, files and stub classes that
/// betray it. <see cref="Weak"/> names are common enough elsewhere that one alone proves nothing.
/// </summary>
public sealed class PackerDefinition
{
    public string Id { get; set; } = "";

    /// <summary>The product's Chinese name as vendors and reports write it (360加固, 梆梆加固).</summary>
    public string Name { get; set; } = "";

    public List<string> Libs { get; set; } = [];
    public List<string> Files { get; set; } = [];
    public List<string> Classes { get; set; } = [];
    public List<string> Weak { get; set; } = [];
    public PackerExamples Examples { get; set; } = new();
}

public sealed class PackerExamples
{
    public List<PackerExample> Positive { get; set; } = [];
    public List<PackerExample> Negative { get; set; } = [];
}

/// <summary>An APK's traits in short: its file paths, its application class, some of its classes.</summary>
public sealed class PackerExample
{
    public List<string> Files { get; set; } = [];
    public string? Application { get; set; }
    public List<string> Classes { get; set; } = [];
}
