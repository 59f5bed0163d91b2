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

/// <summary>
/// A method with (optionally) code. <see cref="MayReference"/> is the cheap pre-check before decoding. A DEX method's
/// name and proto are resolved on first use: most of an app's methods are never looked at by name.
/// </summary>
public sealed class AppMethod
{
    private readonly Func<IMethodCode?> _loadCode;
    private readonly Func<ReferenceFilter, bool> _mayReference;
    private readonly Func<(string Name, string Proto)>? _signature;
    private string? _name;
    private string? _proto;

    public AppMethod(AppClass owner, string name, string proto, uint accessFlags, Func<IMethodCode?> loadCode, Func<ReferenceFilter, bool> mayReference)
    {
        Owner = owner;
        _name = name;
        _proto = proto;
        AccessFlags = accessFlags;
        _loadCode = loadCode;
        _mayReference = mayReference;
    }

    public AppMethod(AppClass owner, Func<(string Name, string Proto)> signature, uint accessFlags, Func<IMethodCode?> loadCode, Func<ReferenceFilter, bool> mayReference)
    {
        Owner = owner;
        _signature = signature;
        AccessFlags = accessFlags;
        _loadCode = loadCode;
        _mayReference = mayReference;
    }

    public AppClass Owner { get; }

    public string Name => _name ?? Resolve().Name;

    public string Proto => _proto ?? Resolve().Proto;

    public uint AccessFlags { get; }
    public bool IsStatic => (AccessFlags & 0x8) != 0;

    /// <summary>Smali-style location: <c>Lcom/x/Foo;->bar(I)V</c>.</summary>
    public string Location => $"{Owner.Descriptor}->{Name}{Proto}";

    public IMethodCode? LoadCode() => _loadCode();

    public bool MayReference(ReferenceFilter filter) => _mayReference(filter);

    private (string Name, string Proto) Resolve()
    {
        var (name, proto) = _signature!();
        _name = name;
        _proto = proto;
        return (name, proto);
    }
}
