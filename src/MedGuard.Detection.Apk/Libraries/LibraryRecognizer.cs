using MedGuard.Detection.Apk.Dex;
using MedGuard.Detection.Apk.Model;

namespace MedGuard.Detection.Apk.Libraries;

/// <summary>
/// Tells which library a class belongs to when its name no longer says (R8/ProGuard renamed it): the class, or the
/// class it is nested in, loads a string constant of a <see cref="LibraryProfile"/> or has one of its shapes; or its
/// renamed package holds two or more such classes of one library and none of the app's declared components. Asked
/// only for the classes where a rule hit, so its cost follows the findings, not the app's size.
/// </summary>
public sealed class LibraryRecognizer
{
    private const int PackageScanLimit = 400;
    private readonly IReadOnlyList<LibraryProfile> _profiles;
    private readonly Dictionary<string, AppClass> _classes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<AppClass>> _packages = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LibraryProfile?> _byClass = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LibraryProfile?> _byPackage = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LibraryProfile> _markers = new(StringComparer.Ordinal);
    private readonly IReadOnlyList<AppClass> _allClasses;
    private readonly IEnumerable<string> _appClasses;
    private HashSet<string>? _appPackagesBuilt;

    public LibraryRecognizer(IReadOnlyList<LibraryProfile> profiles, IReadOnlyList<AppClass> classes, IEnumerable<string> appClasses)
    {
        ArgumentNullException.ThrowIfNull(classes);
        _profiles = profiles;
        foreach (var p in profiles)
        {
            foreach (var m in p.Markers)
            {
                _markers.TryAdd(m, p);
            }
        }

        _allClasses = classes;
        _appClasses = appClasses;
    }

    // The class and package maps are built on the first question: most hits are named by the app's package or a
    // library prefix, and then the recognizer is never asked.
    private HashSet<string> AppPackages()
    {
        if (_appPackagesBuilt is not null)
        {
            return _appPackagesBuilt;
        }

        foreach (var c in _allClasses)
        {
            _classes.TryAdd(c.Descriptor, c);
            var package = PackageOf(c.Descriptor);
            if (!_packages.TryGetValue(package, out var list))
            {
                _packages[package] = list = [];
            }

            list.Add(c);
        }

        return _appPackagesBuilt = _appClasses.Select(PackageOf).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The library the class of a location (<c>Lx/y;->m()V</c> or <c>Lx/y;</c>) belongs to, or null.</summary>
    public LibraryProfile? LibraryOf(string location)
    {
        AppPackages();
        var arrow = location.IndexOf("->", StringComparison.Ordinal);
        var descriptor = arrow < 0 ? location : location[..arrow];
        for (var c = descriptor; ; c = c[..c.LastIndexOf('$')] + ";")
        {
            if (ByClass(c) is { } profile)
            {
                return profile;
            }

            if (c.LastIndexOf('$') <= c.LastIndexOf('/'))
            {
                break;
            }
        }

        return ByPackage(PackageOf(descriptor));
    }

    private LibraryProfile? ByClass(string descriptor)
    {
        if (_byClass.TryGetValue(descriptor, out var known))
        {
            return known;
        }

        LibraryProfile? found = null;
        if (_classes.TryGetValue(descriptor, out var cls))
        {
            found = ByShape(cls) ?? ByMarker(cls);
        }

        _byClass[descriptor] = found;
        return found;
    }

    private LibraryProfile? ByMarker(AppClass cls)
    {
        foreach (var method in cls.Methods)
        {
            IMethodCode? code;
            try
            {
                code = method.LoadCode();
            }
            catch (ApkFormatException)
            {
                continue;
            }

            if (code is null)
            {
                continue;
            }

            foreach (var instruction in code.Instructions)
            {
                if (instruction.IndexKind == DexIndexKind.String && _markers.TryGetValue(code.ResolveString(instruction.Index), out var profile))
                {
                    return profile;
                }
            }
        }

        return null;
    }

    private LibraryProfile? ByShape(AppClass cls)
    {
        foreach (var profile in _profiles)
        {
            foreach (var shape in profile.Shapes)
            {
                if (cls.Superclass == shape.Extends && shape.Methods.TrueForAll(m => cls.Methods.Exists(own => m.StartsWith('*')
                    ? SameShape(own.Proto, m[1..]) // any (renamed) name with this signature
                    : SameShape(own.Name + own.Proto, m))))
                {
                    return profile;
                }
            }
        }

        return null;
    }

    // A renamed package (one letter under R8) with two marker classes of one library and no component of the app's.
    private LibraryProfile? ByPackage(string package)
    {
        if (_byPackage.TryGetValue(package, out var known))
        {
            return known;
        }

        LibraryProfile? found = null;
        if (!AppPackages().Contains(package) && _packages.TryGetValue(package, out var members))
        {
            var counts = new Dictionary<LibraryProfile, int>();
            foreach (var member in members.Take(PackageScanLimit))
            {
                if (ByClass(member.Descriptor) is { } p && (counts[p] = counts.GetValueOrDefault(p) + 1) >= 2)
                {
                    found = p;
                    break;
                }
            }
        }

        _byPackage[package] = found;
        return found;
    }

    // `?` in a shape's signature stands for one class type of the library's own (renamed) names.
    internal static bool SameShape(string actual, string shape)
    {
        int a = 0, s = 0;
        while (a < actual.Length && s < shape.Length)
        {
            if (shape[s] == '?')
            {
                var end = actual[a] == 'L' ? actual.IndexOf(';', a) : -1;
                if (end < 0)
                {
                    return false;
                }

                a = end + 1;
                s++;
            }
            else if (shape[s++] != actual[a++])
            {
                return false;
            }
        }

        return a == actual.Length && s == shape.Length;
    }

    private static string PackageOf(string descriptor) => descriptor.LastIndexOf('/') is var slash and > 0 ? descriptor[..slash] : "";
}
