using MedGuard.Detection.Apk.Dex;

namespace MedGuard.Detection.Apk.Model;

/// <summary>Builds the app's classes from its dex files; the first definition of a class wins, as on the device.</summary>
internal static class DexClassLoader
{
    public static (IReadOnlyList<AppClass> Classes, Action<ReferenceFilter> Prepare) Load(IReadOnlyList<DexFile> dexFiles)
    {
        var classes = new List<AppClass>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var indexes = new DexReferenceIndex?[dexFiles.Count];
        for (var d = 0; d < dexFiles.Count; d++)
        {
            var dex = dexFiles[d];
            var dexNumber = d;
            for (var i = 0; i < dex.ClassDefCount; i++)
            {
                var def = dex.GetClassDef(i);
                if (!seen.Add(def.Descriptor))
                {
                    continue;
                }

                var cls = new AppClass(def.Descriptor, def.Superclass, def.Interfaces, def.AccessFlags);
                foreach (var m in dex.GetMethods(def))
                {
                    var methodIndex = m.MethodIndex;
                    var codeOffset = m.CodeOffset;
                    cls.Methods.Add(new AppMethod(cls, () => dex.GetMethod(methodIndex) is var r ? (r.Name, r.Proto) : default, m.AccessFlags,
                        () => dex.GetCode(codeOffset) is { } code ? new DexMethodCode(dex, code) : null,
                        _ => codeOffset != 0 && indexes[dexNumber] is { IsEmpty: false } index && dex.GetCode(codeOffset) is { } code
                            && index.Matches(code.Instructions.Span)));
                }

                classes.Add(cls);
            }
        }

        void Prepare(ReferenceFilter filter)
        {
            for (var d = 0; d < dexFiles.Count; d++)
            {
                indexes[d] = new DexReferenceIndex(dexFiles[d], filter);
            }
        }

        return (classes, Prepare);
    }
}
