using MedGuard.Detection.Apk.Dex;

namespace MedGuard.Detection.Apk.Model;

/// <summary>
/// The "fastref" pre-filter for one dex: which of its method / field / type ids the rules care about, computed from
/// the id tables alone. A dex with none cannot trigger a code rule, and a method whose instructions reference none is
/// skipped after a cheap opcode walk.
/// </summary>
internal sealed class DexReferenceIndex
{
    private readonly bool[] _methods;
    private readonly bool[] _fields;
    private readonly bool[] _types;
    private readonly HashSet<uint> _strings;

    public bool IsEmpty { get; }

    public DexReferenceIndex(DexFile dex, ReferenceFilter filter)
    {
        _methods = new bool[dex.MethodCount];
        _fields = new bool[dex.FieldCount];
        _types = new bool[dex.TypeCount];
        var any = false;
        // Names first: most method and field ids fail on their name. With the filter's names known, the wanted name
        // strings are looked up in the sorted string table; else every distinct name is tested once.
        var methodNames = filter.MethodNamePrefixes is { } prefixes ? NameIndexes(dex, prefixes, filter.MethodName) : null;
        var names = new Dictionary<uint, bool>();
        for (uint i = 0; i < _methods.Length; i++)
        {
            var nameIndex = dex.GetMethodNameIndex(i);
            bool nameOk;
            if (methodNames is not null)
            {
                nameOk = methodNames.Contains(nameIndex);
            }
            else if (!names.TryGetValue(nameIndex, out nameOk))
            {
                names[nameIndex] = nameOk = filter.MethodName(dex.GetString(nameIndex));
            }

            any |= _methods[i] = nameOk && filter.Method(dex.GetMethod(i));
        }

        var fieldNames = filter.FieldNames is { } exact ? NameIndexes(dex, exact, _ => true, exactOnly: true) : null;
        names.Clear();
        for (uint i = 0; i < _fields.Length; i++)
        {
            var nameIndex = dex.GetFieldNameIndex(i);
            bool nameOk;
            if (fieldNames is not null)
            {
                nameOk = fieldNames.Contains(nameIndex);
            }
            else if (!names.TryGetValue(nameIndex, out nameOk))
            {
                names[nameIndex] = nameOk = filter.FieldName(dex.GetString(nameIndex));
            }

            any |= _fields[i] = nameOk && filter.Field(dex.GetField(i));
        }

        _strings = NameIndexes(dex, filter.StringPrefixes, filter.String);
        any |= _strings.Count > 0;

        if (filter.Types is { } types)
        {
            foreach (var type in types)
            {
                if (dex.FindType(type) is var t and >= 0)
                {
                    any |= _types[t] = true;
                }
            }
        }
        else
        {
            for (uint i = 0; i < _types.Length; i++)
            {
                any |= _types[i] = filter.Type(dex.GetType(i));
            }
        }

        IsEmpty = !any;
    }

    // The string indexes of the names that start with one of the prefixes and pass the check: a binary search to the
    // first string not below the prefix, then the run of strings that start with it (the table is sorted, as the
    // format requires and the platform's verifier enforces).
    private static HashSet<uint> NameIndexes(DexFile dex, IEnumerable<string> prefixes, Func<string, bool> accept, bool exactOnly = false)
    {
        var found = new HashSet<uint>();
        foreach (var prefix in prefixes)
        {
            if (exactOnly)
            {
                if (dex.FindString(prefix) is var exact and >= 0)
                {
                    found.Add((uint)exact);
                }

                continue;
            }

            for (var i = dex.LowerBoundString(prefix); i < dex.StringCount; i++)
            {
                var s = dex.GetString((uint)i);
                if (!s.StartsWith(prefix, StringComparison.Ordinal))
                {
                    break;
                }

                if (accept(s))
                {
                    found.Add((uint)i);
                }
            }
        }

        return found;
    }

    /// <summary>Walks the instructions without building them and answers whether any references a wanted id.</summary>
    public bool Matches(ReadOnlySpan<byte> code)
    {
        if (IsEmpty)
        {
            return false;
        }

        var units = code.Length / 2;
        var pc = 0;
        while (pc < units)
        {
            var unit = (ushort)(code[pc * 2] | (code[(pc * 2) + 1] << 8));
            if (unit is DexInstructionDecoder.PackedSwitchPayload or DexInstructionDecoder.SparseSwitchPayload or DexInstructionDecoder.FillArrayDataPayload)
            {
                pc += DexInstructionDecoder.PayloadUnits(code, pc);
                continue;
            }

            var op = DexOpcodes.Get((byte)unit);
            if (pc + op.Units > units)
            {
                throw new ApkFormatException($"DEX 指令流损坏：地址 {pc} 处的指令 {op.Name} 越界");
            }

            if (op.IndexKind != DexIndexKind.None)
            {
                var index = op.Format == DexFormat.F31c
                    ? (uint)(code[(pc * 2) + 2] | (code[(pc * 2) + 3] << 8) | (code[(pc * 2) + 4] << 16) | (code[(pc * 2) + 5] << 24))
                    : (uint)(code[(pc * 2) + 2] | (code[(pc * 2) + 3] << 8));
                var hit = op.IndexKind switch
                {
                    DexIndexKind.Method => index < _methods.Length && _methods[index],
                    DexIndexKind.Field => index < _fields.Length && _fields[index],
                    DexIndexKind.Type => index < _types.Length && _types[index],
                    DexIndexKind.String => _strings.Count > 0 && _strings.Contains(index),
                    _ => false,
                };
                if (hit)
                {
                    return true;
                }
            }

            pc += op.Units;
        }

        return false;
    }
}
