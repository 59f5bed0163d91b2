using MedGuard.Detection.Apk.Dex;

namespace MedGuard.Detection.Apk.Model;

/// <summary>
/// A class of the app (any dex), with its methods. A DEX class reads its methods on first use: the fastref scan walks
/// every method's bytes without building them, and most classes of an app never match a rule.
/// </summary>
public sealed class AppClass
{
    private readonly DexCodeSource? _source;
    private readonly uint _classDataOffset;
    private List<AppMethod>? _methods;

    public AppClass(string descriptor, string? superclass, IReadOnlyList<string> interfaces, uint accessFlags)
    {
        Descriptor = descriptor;
        Superclass = superclass;
        Interfaces = interfaces;
        AccessFlags = accessFlags;
        _methods = [];
    }

    internal AppClass(string descriptor, string? superclass, IReadOnlyList<string> interfaces, uint accessFlags, DexCodeSource source, uint classDataOffset)
    {
        Descriptor = descriptor;
        Superclass = superclass;
        Interfaces = interfaces;
        AccessFlags = accessFlags;
        _source = source;
        _classDataOffset = classDataOffset;
    }

    public string Descriptor { get; }
    public string? Superclass { get; }
    public IReadOnlyList<string> Interfaces { get; }
    public uint AccessFlags { get; }

    public List<AppMethod> Methods => _methods ?? LoadMethods();

    public bool IsInterface => (AccessFlags & 0x200) != 0;

    private List<AppMethod> LoadMethods()
    {
        var encoded = new List<DexEncodedMethod>();
        _source!.Dex.ReadMethods(_classDataOffset, Descriptor, encoded);
        var methods = new List<AppMethod>(encoded.Count);
        foreach (var m in encoded)
        {
            methods.Add(new AppMethod(this, _source, m.MethodIndex, m.AccessFlags, m.CodeOffset));
        }

        return Interlocked.CompareExchange(ref _methods, methods, null) ?? methods;
    }

    /// <summary>
    /// The positions in <see cref="Methods"/> of the methods that may reference a target of <paramref name="filter"/>,
    /// or whose code does not decode (the caller records those); null when none. A DEX class is scanned from its bytes
    /// without building its methods. Safe to call from several threads on different classes.
    /// </summary>
    internal List<int>? ScanReferences(ReferenceFilter filter, List<DexEncodedMethod> scratch)
    {
        List<int>? positions = null;
        if (_methods is null && _source is not null)
        {
            _source.Dex.ReadMethods(_classDataOffset, Descriptor, scratch);
            for (var i = 0; i < scratch.Count; i++)
            {
                if (_source.MayReferenceOrBroken(scratch[i].CodeOffset))
                {
                    (positions ??= []).Add(i);
                }
            }

            return positions;
        }

        var methods = Methods;
        for (var i = 0; i < methods.Count; i++)
        {
            bool may;
            try
            {
                may = methods[i].MayReference(filter);
            }
            catch (ApkFormatException)
            {
                may = true;
            }

            if (may)
            {
                (positions ??= []).Add(i);
            }
        }

        return positions;
    }
}

/// <summary>
/// A method with (optionally) code. <see cref="MayReference"/> is the cheap pre-check before decoding. A DEX method's
/// name and proto are resolved on first use: most of an app's methods are never looked at by name.
/// </summary>
public sealed class AppMethod
{
    private readonly Func<IMethodCode?>? _loadCode;
    private readonly Func<ReferenceFilter, bool>? _mayReference;
    private readonly DexCodeSource? _source;
    private readonly uint _methodIndex;
    private readonly uint _codeOffset;
    private string? _name;
    private string? _proto;
    private string? _location;

    public AppMethod(AppClass owner, string name, string proto, uint accessFlags, Func<IMethodCode?> loadCode, Func<ReferenceFilter, bool> mayReference)
    {
        Owner = owner;
        _name = name;
        _proto = proto;
        AccessFlags = accessFlags;
        _loadCode = loadCode;
        _mayReference = mayReference;
    }

    internal AppMethod(AppClass owner, DexCodeSource source, uint methodIndex, uint accessFlags, uint codeOffset)
    {
        Owner = owner;
        _source = source;
        _methodIndex = methodIndex;
        AccessFlags = accessFlags;
        _codeOffset = codeOffset;
    }

    public AppClass Owner { get; }

    public string Name => _name ?? Resolve().Name;

    public string Proto => _proto ?? Resolve().Proto;

    public uint AccessFlags { get; }
    public bool IsStatic => (AccessFlags & 0x8) != 0;

    /// <summary>Smali-style location: <c>Lcom/x/Foo;->bar(I)V</c>.</summary>
    public string Location => _location ??= $"{Owner.Descriptor}->{Name}{Proto}";

    /// <summary>Whether this is the method <c>name</c> + <c>proto</c> written as one (<c>onReceive(…)V</c>).</summary>
    internal bool IsNamed(string nameAndProto) =>
        nameAndProto.Length == Name.Length + Proto.Length && nameAndProto.StartsWith(Name, StringComparison.Ordinal)
        && nameAndProto.AsSpan(Name.Length).SequenceEqual(Proto);

    public IMethodCode? LoadCode() => _source is not null ? _source.LoadCode(_codeOffset) : _loadCode!();

    public bool MayReference(ReferenceFilter filter) => _source is not null ? _source.MayReference(_codeOffset) : _mayReference!(filter);

    private (string Name, string Proto) Resolve()
    {
        var r = _source!.Dex.GetMethod(_methodIndex);
        _name = r.Name;
        _proto = r.Proto;
        return (r.Name, r.Proto);
    }
}
