namespace MedGuard.Detection.Apk.Protection;

/// <summary>
/// Recognises a packer (加固) from an APK's file list, its manifest's application class and the classes its DEX
/// defines. A packed app's real code is encrypted and loaded at run time: what the DEX shows is the packer's stub.
/// </summary>
public sealed class PackerDetector(IReadOnlyList<PackerDefinition> packers)
{
    public IReadOnlyList<PackerDefinition> Packers { get; } = packers;

    /// <summary>The first packer whose evidence holds (one strong trait, or two weak ones), or null.</summary>
    public PackerMatch? Detect(IEnumerable<string> files, string? applicationClass, Func<string, bool> hasClass, Func<string, bool> hasClassUnder)
    {
        var paths = files as IReadOnlyCollection<string> ?? files.ToList();
        var names = paths.Select(p => p[(p.LastIndexOf('/') + 1)..]).ToArray();
        foreach (var packer in Packers)
        {
            var evidence = new List<string>();
            var i = 0;
            foreach (var path in paths)
            {
                var name = names[i++];
                var nativeOrAsset = path.StartsWith("lib/", StringComparison.Ordinal) || path.StartsWith("assets/", StringComparison.Ordinal);
                if ((nativeOrAsset && packer.Libs.Exists(g => Glob(g, name))) || packer.Files.Exists(g => Glob(g, path)))
                {
                    evidence.Add(path);
                }
            }

            foreach (var cls in packer.Classes)
            {
                var isPrefix = cls.EndsWith('/');
                if (applicationClass is not null && (isPrefix ? applicationClass.StartsWith(cls, StringComparison.Ordinal) : applicationClass == cls))
                {
                    evidence.Add($"application {applicationClass}");
                }
                else if (isPrefix ? hasClassUnder(cls) : hasClass(cls))
                {
                    evidence.Add($"类 {cls}");
                }
            }

            var weak = packer.Weak.Count == 0 ? [] : paths.Where((p, n) => packer.Weak.Exists(g => Glob(g, names[n]))).ToList();
            if (evidence.Count > 0 || weak.Count >= 2)
            {
                return new PackerMatch(packer.Id, packer.Name, [.. evidence, .. weak]);
            }
        }

        return null;
    }

    /// <summary>Runs <see cref="Detect"/> on an example's traits.</summary>
    public PackerMatch? Detect(PackerExample example)
    {
        ArgumentNullException.ThrowIfNull(example);
        var classes = example.Classes.ToHashSet(StringComparer.Ordinal);
        return Detect(example.Files, example.Application, classes.Contains, p => classes.Any(c => c.StartsWith(p, StringComparison.Ordinal)));
    }

    // `*` matches any run of characters; everything else literally (file names, never regular expressions).
    internal static bool Glob(string pattern, string text) => Glob(pattern.AsSpan(), text.AsSpan());

    // On spans: every file of an APK meets every packer's patterns, and slicing strings allocated for each try.
    private static bool Glob(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text)
    {
        var star = pattern.IndexOf('*');
        if (star < 0)
        {
            return pattern.SequenceEqual(text);
        }

        var head = pattern[..star];
        var tail = pattern[(star + 1)..];
        if (!text.StartsWith(head, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = text[head.Length..];
        for (var i = 0; i <= rest.Length; i++)
        {
            if (Glob(tail, rest[i..]))
            {
                return true;
            }
        }

        return false;
    }
}
