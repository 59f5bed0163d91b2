using MedGuard.Detection.Apk.Dex;

namespace MedGuard.Detection.Apk.Model;

/// <summary>Builds the app's classes from its dex files; the first definition of a class wins, as on the device.</summary>
internal static class DexClassLoader
{
    /// <param name="dexFiles">The app's dex files in load order.</param>
    /// <returns>The classes, how to build the fastref index once the rules' filter is known, and the descriptors of
    /// the classes defined (for the packer's stub classes).</returns>
    public static (IReadOnlyList<AppClass> Classes, Action<ReferenceFilter> Prepare, HashSet<string> Defined) Load(IReadOnlyList<DexFile> dexFiles)
    {
        var classes = new List<AppClass>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var sources = new DexCodeSource[dexFiles.Count];
        for (var d = 0; d < dexFiles.Count; d++)
        {
            var dex = dexFiles[d];
            var source = sources[d] = new DexCodeSource(dex);
            for (var i = 0; i < dex.ClassDefCount; i++)
            {
                var def = dex.GetClassDef(i);
                if (!seen.Add(def.Descriptor))
                {
                    continue;
                }

                classes.Add(new AppClass(def.Descriptor, def.Superclass, def.Interfaces, def.AccessFlags, source, def.ClassDataOffset));
            }
        }

        void Prepare(ReferenceFilter filter)
        {
            // One index per dex, built side by side: each reads only its own dex's tables.
            BothCores.For(sources.Length, () => 0, (d, _) => sources[d].Index = new DexReferenceIndex(sources[d].Dex, filter));
        }

        return (classes, Prepare, seen);
    }
}

/// <summary>One dex's code as the app model reads it, with the rules' fastref index once it is built.</summary>
internal sealed class DexCodeSource(DexFile dex)
{
    public DexFile Dex { get; } = dex;

    public DexReferenceIndex? Index { get; set; }

    public IMethodCode? LoadCode(uint codeOffset) => Dex.GetCode(codeOffset) is { } code ? new DexMethodCode(Dex, code) : null;

    public bool MayReference(uint codeOffset) =>
        codeOffset != 0 && Index is { IsEmpty: false } index && index.Matches(Dex.GetInstructions(codeOffset));

    /// <summary><see cref="MayReference"/>, true too when the code does not decode (the rules' pass names it).</summary>
    public bool MayReferenceOrBroken(uint codeOffset)
    {
        try
        {
            return MayReference(codeOffset);
        }
        catch (ApkFormatException)
        {
            return true;
        }
    }
}
