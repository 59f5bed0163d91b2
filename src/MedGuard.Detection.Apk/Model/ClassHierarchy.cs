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
    private readonly ConcurrentDictionary<(string, string), bool> _memo = new();

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

        return _memo.GetOrAdd((type, target), key => Walk(key.Item1, key.Item2));
    }

    private bool Walk(string type, string target)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>();
        pending.Push(type);
        while (pending.Count > 0 && seen.Count < 4096)
        {
            var t = pending.Pop();
            if (t == target)
            {
                return true;
            }

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

        return false;
    }
}

/// <summary>A framework class's parents, from the embedded framework hierarchy data.</summary>
public sealed record FrameworkType(string? Super, IReadOnlyList<string> Interfaces);
