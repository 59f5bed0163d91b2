using MedGuard.Detection.Apk.Dex;
using MedGuard.Detection.Apk.Model;

namespace MedGuard.Detection.Apk.Analysis;

/// <summary>
/// Constant values of fields, learnt from their class's constructors and static initialiser (<c>key = "…"</c>,
/// <c>iv = new byte[]{…}</c>). Computed lazily per class, so only classes whose fields a tracked method reads are
/// looked at. A field written with two different values, or with anything unknown, has no constant.
/// </summary>
public sealed class FieldConstants(IReadOnlyList<AppClass> classes)
{
    // Built on the first field asked about: most apps' rules read no field of the app's own classes.
    private Dictionary<string, AppClass>? _classes;
    private readonly Dictionary<string, Dictionary<string, TrackedValue?>> _cache = new(StringComparer.Ordinal);

    private static Dictionary<string, AppClass> Index(IReadOnlyList<AppClass> classes)
    {
        var map = new Dictionary<string, AppClass>(StringComparer.Ordinal);
        foreach (var c in classes)
        {
            map.TryAdd(c.Descriptor, c);
        }

        return map;
    }

    public TrackedValue? Get(FieldRef field)
    {
        if (!(_classes ??= Index(classes)).TryGetValue(field.Class, out var cls))
        {
            return null;
        }

        if (!_cache.TryGetValue(field.Class, out var values))
        {
            values = new Dictionary<string, TrackedValue?>(StringComparer.Ordinal);
            _cache[field.Class] = values; // before analysing: a cycle through the initialisers reads nothing
            foreach (var method in cls.Methods.Where(m => m.Name is "<init>" or "<clinit>"))
            {
                IReadOnlyList<(FieldRef Field, TrackedValue? Value)> writes;
                try
                {
                    if (method.LoadCode() is not { } code)
                    {
                        continue;
                    }

                    writes = MethodAnalyzer.Analyze(code).FieldWrites;
                }
                catch (ApkFormatException)
                {
                    continue; // an initialiser that does not decode gives no constants; the rules' own pass names it
                }

                foreach (var (written, value) in writes)
                {
                    if (written.Class != field.Class)
                    {
                        continue;
                    }

                    var constant = value is { Text: not null } or { Bytes: not null } ? value : null;
                    values[written.Name] = values.TryGetValue(written.Name, out var previous) && !Same(previous, constant) ? null : constant;
                }
            }
        }

        return values.GetValueOrDefault(field.Name);
    }

    private static bool Same(TrackedValue? a, TrackedValue? b) =>
        a is not null && b is not null && a.Text == b.Text && (a.Bytes is null ? b.Bytes is null : b.Bytes is not null && a.Bytes.AsSpan().SequenceEqual(b.Bytes));
}
