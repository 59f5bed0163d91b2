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
    private readonly bool[] _strings;

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
        var classes = filter.MethodClass is null ? null : new sbyte[dex.TypeCount]; // 0 unknown, 1 may match, -1 cannot
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

            if (nameOk && classes is not null)
            {
                var type = dex.GetMethodClassIndex(i);
                if (type >= classes.Length)
                {
                    throw new ApkFormatException($"{dex.Name} 的类型索引 {type} 越界");
                }

                if (classes[type] == 0)
                {
                    classes[type] = (sbyte)(filter.MethodClass!(dex.GetType(type)) ? 1 : -1);
                }

                nameOk = classes[type] > 0;
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

        _strings = new bool[dex.StringCount];
        foreach (var s in NameIndexes(dex, filter.StringPrefixes, filter.String))
        {
            any = _strings[s] = true;
        }

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

        // Opcode tables instead of the opcode records: this loop steps over every instruction of the app.
        var unitsByOpcode = DexOpcodes.UnitsByOpcode;
        var kindByOpcode = DexOpcodes.IndexKindByOpcode;
        var units = code.Length / 2;
        var pc = 0;
        while (pc < units)
        {
            var at = pc * 2;
            var op = code[at];
            if (op == 0 && code[at + 1] is 1 or 2 or 3) // packed-switch, sparse-switch, fill-array-data payloads
            {
                pc += DexInstructionDecoder.PayloadUnits(code, pc);
                continue;
            }

            int size = unitsByOpcode[op];
            if (pc + size > units)
            {
                throw new ApkFormatException($"DEX 指令流损坏：地址 {pc} 处的指令 {DexOpcodes.Get(op).Name} 越界");
            }

            var kind = kindByOpcode[op];
            if (kind != DexIndexKind.None)
            {
                var index = op == 0x1b // const-string/jumbo (31c), the one index of 32 bits
                    ? (uint)(code[at + 2] | (code[at + 3] << 8) | (code[at + 4] << 16) | (code[at + 5] << 24))
                    : (uint)(code[at + 2] | (code[at + 3] << 8));
                var hit = kind switch
                {
                    DexIndexKind.Method => index < (uint)_methods.Length && _methods[index],
                    DexIndexKind.Field => index < (uint)_fields.Length && _fields[index],
                    DexIndexKind.Type => index < (uint)_types.Length && _types[index],
                    DexIndexKind.String => index < (uint)_strings.Length && _strings[index],
                    _ => false,
                };
                if (hit)
                {
                    return true;
                }
            }

            pc += size;
        }

        return false;
    }
}
