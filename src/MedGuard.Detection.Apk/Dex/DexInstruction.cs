namespace MedGuard.Detection.Apk.Dex;

/// <summary>
/// One decoded Dalvik instruction. Registers: <see cref="A"/>, <see cref="B"/>, <see cref="C"/> as the format names
/// them; for 35c/45cc the argument list is <see cref="GetArgument"/>; for 3rc/4rcc a range from <see cref="C"/>.
/// </summary>
public readonly struct DexInstruction
{
    public int Address { get; init; }
    public byte Opcode { get; init; }
    public DexFormat Format { get; init; }
    public int A { get; init; }
    public int B { get; init; }
    public int C { get; init; }
    public long Literal { get; init; }
    public uint Index { get; init; }

    /// <summary>Branch or payload target as an absolute code-unit address.</summary>
    public int Target { get; init; }

    public int ArgumentCount { get; init; }
    private readonly ulong _args; // five 4-bit registers of 35c/45cc, packed

    public DexInstruction(ulong packedArgs) => _args = packedArgs;

    public int GetArgument(int i) => Format is DexFormat.F3rc or DexFormat.F4rcc
        ? C + i
        : (int)((_args >> (i * 8)) & 0xFF);

    public string Name => DexOpcodes.Get(Opcode).Name;
    public DexIndexKind IndexKind => DexOpcodes.Get(Opcode).IndexKind;
    public bool IsInvoke => Opcode is >= 0x6e and <= 0x78 and not 0x73 || Opcode is 0xfa or 0xfb;
    public bool IsStaticInvoke => Opcode is 0x71 or 0x77;
}
