namespace MedGuard.Detection.Apk.Protection;

/// <summary>A packer recognised in an APK, with what gave it away (file paths, class names).</summary>
public sealed record PackerMatch(string Id, string Name, IReadOnlyList<string> Evidence);
