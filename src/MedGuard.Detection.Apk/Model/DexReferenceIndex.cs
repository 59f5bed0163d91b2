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

    public bool IsEmpty { get; }

    public DexReferenceIndex(DexFile dex, ReferenceFilter filter)
    {
        _methods = new bool[dex.MethodCount];
        _fields = new bool[dex.FieldCount];
        _types = new bool[dex.TypeCount];
        var any = false;
        // Names first: most method and field ids fail on their name, and a name check costs one cached string.
        var names = new Dictionary<uint, bool>();
        for (uint i = 0; i < _methods.Length; i++)
        {
            var nameIndex = dex.GetMethodNameIndex(i);
            if (!names.TryGetValue(nameIndex, out var nameOk))
            {
                names[nameIndex] = nameOk = filter.MethodName(dex.GetString(nameIndex));
            }

            any |= _methods[i] = nameOk && filter.Method(dex.GetMethod(i));
        }

        names.Clear();
        for (uint i = 0; i < _fields.Length; i++)
        {
            var nameIndex = dex.GetFieldNameIndex(i);
            if (!names.TryGetValue(nameIndex, out var nameOk))
            {
                names[nameIndex] = nameOk = filter.FieldName(dex.GetString(nameIndex));
            }

            any |= _fields[i] = nameOk && filter.Field(dex.GetField(i));
        }

        for (uint i = 0; i < _types.Length; i++)
        {
            any |= _types[i] = filter.Type(dex.GetType(i));
        }

        IsEmpty = !any;
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

            if (op.IndexKind != DexIndexKind.None && op.IndexKind != DexIndexKind.String)
            {
                var index = op.Format == DexFormat.F31c
                    ? (uint)(code[(pc * 2) + 2] | (code[(pc * 2) + 3] << 8) | (code[(pc * 2) + 4] << 16) | (code[(pc * 2) + 5] << 24))
                    : (uint)(code[(pc * 2) + 2] | (code[(pc * 2) + 3] << 8));
                var hit = op.IndexKind switch
                {
                    DexIndexKind.Method => index < _methods.Length && _methods[index],
                    DexIndexKind.Field => index < _fields.Length && _fields[index],
                    DexIndexKind.Type => index < _types.Length && _types[index],
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
