namespace MedGuard.Detection.Apk.Model;

/// <summary>A class of the app (any dex), with its methods.</summary>
public sealed class AppClass(string descriptor, string? superclass, IReadOnlyList<string> interfaces, uint accessFlags)
{
    public string Descriptor { get; } = descriptor;
    public string? Superclass { get; } = superclass;
    public IReadOnlyList<string> Interfaces { get; } = interfaces;
    public uint AccessFlags { get; } = accessFlags;
    public List<AppMethod> Methods { get; } = [];

    public bool IsInterface => (AccessFlags & 0x200) != 0;
}

/// <summary>A method with (optionally) code. <see cref="MayReference"/> is the cheap pre-check before decoding.</summary>
public sealed class AppMethod(AppClass owner, string name, string proto, uint accessFlags, Func<IMethodCode?> loadCode, Func<ReferenceFilter, bool> mayReference)
{
    public AppClass Owner { get; } = owner;
    public string Name { get; } = name;
    public string Proto { get; } = proto;
    public uint AccessFlags { get; } = accessFlags;
    public bool IsStatic => (AccessFlags & 0x8) != 0;

    /// <summary>Smali-style location: <c>Lcom/x/Foo;->bar(I)V</c>.</summary>
    public string Location => $"{Owner.Descriptor}->{Name}{Proto}";

    public IMethodCode? LoadCode() => loadCode();

    public bool MayReference(ReferenceFilter filter) => mayReference(filter);
}
