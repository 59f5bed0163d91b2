using System.Collections.Concurrent;

namespace MedGuard.Detection.Apk.Model;

/// <summary>
/// The class hierarchy across every dex, completed with the framework classes apps extend (Activity →
/// ContextWrapper → Context…), which are not in the APK. Apps call <c>sendBroadcast</c> on their own Activity
/// subclass; this is what resolves such a call to <c>Context.sendBroadcast</c>.
/// </summary>
public sealed class ClassHierarchy
{
    private readonly Dictionary<string, (string? Super, IReadOnlyList<string> Interfaces)> _types = new(StringComparer.Ordinal);
    // Every type's ancestors (itself, its superclasses, its interfaces, transitively), computed once per type: the
    // fastref filter asks about each method id's class, thousands of times, and almost always of a type without parents.
    private readonly ConcurrentDictionary<string, string[]> _ancestors = new(StringComparer.Ordinal);

    public ClassHierarchy(IEnumerable<AppClass> classes, IReadOnlyDictionary<string, FrameworkType> framework)
    {
        foreach (var (name, type) in framework)
        {
            _types[name] = (type.Super, type.Interfaces);
        }

        foreach (var c in classes)
        {
            _types.TryAdd(c.Descriptor, (c.Superclass, c.Interfaces));
        }
    }

    public bool Contains(string descriptor) => _types.ContainsKey(descriptor);

    /// <summary>True when <paramref name="type"/> is <paramref name="target"/> or extends/implements it.</summary>
    public bool IsAssignableTo(string type, string target)
    {
        if (type == target || target == "Ljava/lang/Object;")
        {
            return true;
        }

        if (!_types.ContainsKey(type))
        {
            return false; // neither the app's nor a known framework type: nothing above it is known
        }

        var ancestors = _ancestors.GetValueOrDefault(type) ?? _ancestors.GetOrAdd(type, Ancestors);
        return Array.IndexOf(ancestors, target) >= 0;
    }

    /// <summary>
    /// Whether a type may be one of <paramref name="targets"/> or extend/implement one: a cheap, memoised pre-check for
    /// <see cref="IsAssignableTo"/> against each (true when unsure, on a hierarchy too deep or cyclic to follow).
    /// </summary>
    public Func<string, bool> AssignableToAny(IReadOnlyCollection<string> targets)
    {
        if (targets.Contains("Ljava/lang/Object;"))
        {
            return _ => true;
        }

        var set = targets.ToHashSet(StringComparer.Ordinal);
        var memo = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        bool Any(string type, int depth, ref int budget)
        {
            if (set.Contains(type))
            {
                return true;
            }

            if (!_types.TryGetValue(type, out var info))
            {
                return false;
            }

            if (memo.TryGetValue(type, out var known))
            {
                return known;
            }

            // Too deep or too many steps (a cyclic hierarchy): unsure, so true — the full check decides.
            if (depth > 64 || --budget < 0)
            {
                return true;
            }

            var result = info.Super is not null && Any(info.Super, depth + 1, ref budget);
            for (var i = 0; !result && i < info.Interfaces.Count; i++)
            {
                result = Any(info.Interfaces[i], depth + 1, ref budget);
            }

            // A false is always a full answer (any cut-off above answers true), so both are kept.
            memo[type] = result;
            return result;
        }

        return type =>
        {
            var budget = 4096;
            return Any(type, 0, ref budget);
        };
    }

    // A type's ancestors from its parents' (memoised) ancestors: one array per type, no walk state. Deep or cyclic
    // hierarchies (a hostile dex) fall back to the bounded walk.
    private string[] Ancestors(string type)
    {
        var budget = 4096;
        return AncestorsOf(type, 0, ref budget) ?? Walk(type);
    }

    private string[]? AncestorsOf(string type, int depth, ref int budget)
    {
        if (_ancestors.TryGetValue(type, out var known))
        {
            return known;
        }

        if (!_types.TryGetValue(type, out var info))
        {
            return [type];
        }

        if (depth > 64 || --budget < 0)
        {
            return null;
        }

        var parents = info.Interfaces.Count + (info.Super is null ? 0 : 1);
        if (parents == 0)
        {
            return _ancestors.GetOrAdd(type, [type]);
        }

        if (info.Super is not null && info.Interfaces.Count == 0)
        {
            if (AncestorsOf(info.Super, depth + 1, ref budget) is not { } above || Array.IndexOf(above, type) >= 0)
            {
                return null;
            }

            var chain = new string[above.Length + 1];
            chain[0] = type;
            above.CopyTo(chain, 1);
            return _ancestors.GetOrAdd(type, chain);
        }

        var all = new List<string> { type };
        foreach (var parent in info.Super is null ? info.Interfaces : info.Interfaces.Prepend(info.Super))
        {
            if (AncestorsOf(parent, depth + 1, ref budget) is not { } above || Array.IndexOf(above, type) >= 0)
            {
                return null;
            }

            foreach (var a in above)
            {
                if (!all.Contains(a))
                {
                    all.Add(a);
                }
            }
        }

        return _ancestors.GetOrAdd(type, [.. all]);
    }

    private string[] Walk(string type)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>();
        pending.Push(type);
        // A hostile dex can make the hierarchy cyclic or huge: the walk stops at 4096 types.
        while (pending.Count > 0 && seen.Count < 4096)
        {
            var t = pending.Pop();
            if (!seen.Add(t) || !_types.TryGetValue(t, out var info))
            {
                continue;
            }

            if (info.Super is not null)
            {
                pending.Push(info.Super);
            }

            foreach (var i in info.Interfaces)
            {
                pending.Push(i);
            }
        }

        return _ancestors.GetOrAdd(type, [.. seen]);
    }
}

/// <summary>A framework class's parents, from the embedded framework hierarchy data.</summary>
public sealed record FrameworkType(string? Super, IReadOnlyList<string> Interfaces);
