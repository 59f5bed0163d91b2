namespace MedGuard.Detection.Apk.Libraries;

/// <summary>
/// A third-party library (第三方库) as it looks after R8/ProGuard renamed it, from <c>library-profiles.yaml</c>: the
/// string constants its own code holds (log tags, exception messages, keys — renaming leaves them), the shape of its
/// classes (the framework type a class extends with a method of a given signature), and the resource names it ships.
/// </summary>
public sealed class LibraryProfile
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";

    /// <summary>The package the library has before renaming; its classes there are libraries by name already.</summary>
    public List<string> Prefixes { get; set; } = [];

    /// <summary>String constants only this library's code holds: a class whose methods load one is the library's.</summary>
    public List<string> Markers { get; set; } = [];

    /// <summary>Class shapes: a class extending <see cref="ClassShape.Extends"/> and declaring every listed method.</summary>
    public List<ClassShape> Shapes { get; set; } = [];

    /// <summary>Resource file paths (<c>*</c> a wildcard) that show the library is present in the APK.</summary>
    public List<string> Resources { get; set; } = [];

    public LibraryExamples Examples { get; set; } = new();
}

/// <summary>A class's shape that survives renaming: its framework superclass and method signatures (framework types
/// keep their names; the library's own types in a signature are written <c>?</c>; a method written <c>*(…)…</c> has
/// any name — R8 renames those too).</summary>
public sealed class ClassShape
{
    public string Extends { get; set; } = "";
    public List<string> Methods { get; set; } = [];
}

public sealed class LibraryExamples
{
    public List<string> Positive { get; set; } = [];
    public List<string> Negative { get; set; } = [];
}
