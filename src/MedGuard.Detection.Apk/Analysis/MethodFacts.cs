using MedGuard.Detection.Apk.Dex;

namespace MedGuard.Detection.Apk.Analysis;

/// <summary>A call in a method, with the constant values the tracker knows for its arguments (null = unknown).</summary>
public sealed record CallSite(MethodRef Target, int Address, bool InTry, IReadOnlyList<TrackedValue?> Arguments);

/// <summary>What one method's code does, as far as the rules need: calls, strings, fields read, objects created.</summary>
public sealed class MethodFacts
{
    public List<CallSite> Calls { get; } = [];
    public List<string> Strings { get; } = [];
    public List<FieldRef> FieldReads { get; } = [];

    /// <summary>Fields written (iput/sput) with what the tracker knew of the value.</summary>
    public List<(FieldRef Field, TrackedValue? Value)> FieldWrites { get; } = [];
    public List<string> NewInstances { get; } = [];

    /// <summary>No throw and no call except logging: an override that checks nothing.</summary>
    public bool IsEmpty { get; set; }

    /// <summary>Every return returns the constant true.</summary>
    public bool ReturnsConstantTrue { get; set; }
}
