using System.Buffers.Binary;

namespace MedGuard.Detection.Apk.Dex;

/// <summary>
/// Decodes a method's instruction stream (every format). Payload pseudo-instructions (packed-switch, sparse-switch,
/// fill-array-data tables) sit in the stream after the code and are stepped over by their own declared size.
/// </summary>
public static class DexInstructionDecoder
{
    public const ushort PackedSwitchPayload = 0x0100;
    public const ushort SparseSwitchPayload = 0x0200;
    public const ushort FillArrayDataPayload = 0x0300;

    /// <summary>Size in code units of the payload at <paramref name="pc"/>, or 0 when it is not a payload.</summary>
    public static int PayloadUnits(ReadOnlySpan<byte> code, int pc)
    {
        var unitCount = code.Length / 2;
        var ident = Unit(code, pc);
        long units = ident switch
        {
            PackedSwitchPayload when pc + 1 < unitCount => (Unit(code, pc + 1) * 2L) + 4,
            SparseSwitchPayload when pc + 1 < unitCount => (Unit(code, pc + 1) * 4L) + 2,
            FillArrayDataPayload when pc + 3 < unitCount =>
                ((Unit(code, pc + 1) * (long)(Unit(code, pc + 2) | ((uint)Unit(code, pc + 3) << 16))) + 1) / 2 + 4,
            PackedSwitchPayload or SparseSwitchPayload or FillArrayDataPayload => long.MaxValue, // header cut off
            _ => 0,
        };
        if (units > unitCount - pc)
        {
            throw new ApkFormatException($"DEX 指令流损坏：地址 {pc} 处的数据块越界");
        }

        return (int)units;
    }

    /// <summary>Decodes the instruction at code-unit <paramref name="pc"/>; returns its length in units.</summary>
    public static int Decode(ReadOnlySpan<byte> code, int pc, out DexInstruction instruction)
    {
        var unitCount = code.Length / 2;
        var u0 = Unit(code, pc);
        var op = (byte)(u0 & 0xFF);
        var info = DexOpcodes.Get(op);
        var units = info.Units;
        if (pc + units > unitCount)
        {
            throw new ApkFormatException($"DEX 指令流损坏：地址 {pc} 处的指令 {info.Name} 越界");
        }

        var aa = u0 >> 8;
        int a = 0, b = 0, c = 0, count = 0, target = 0;
        long literal = 0;
        uint index = 0;
        ulong packed = 0;
        switch (info.Format)
        {
            case DexFormat.F10x:
                break;
            case DexFormat.F12x:
                a = aa & 0xF; b = aa >> 4;
                break;
            case DexFormat.F11n:
                a = aa & 0xF; literal = (sbyte)(aa & 0xF0) >> 4;
                break;
            case DexFormat.F11x:
                a = aa;
                break;
            case DexFormat.F10t:
                target = pc + (sbyte)aa;
                break;
            case DexFormat.F20t:
                target = pc + (short)Unit(code, pc + 1);
                break;
            case DexFormat.F22x:
                a = aa; b = Unit(code, pc + 1);
                break;
            case DexFormat.F21t:
                a = aa; target = pc + (short)Unit(code, pc + 1);
                break;
            case DexFormat.F21s:
                a = aa; literal = (short)Unit(code, pc + 1);
                break;
            case DexFormat.F21h:
                a = aa;
                literal = op == 0x15 ? (long)(int)((uint)Unit(code, pc + 1) << 16) : (long)(short)Unit(code, pc + 1) << 48;
                break;
            case DexFormat.F21c:
                a = aa; index = Unit(code, pc + 1);
                break;
            case DexFormat.F23x:
                a = aa; b = Unit(code, pc + 1) & 0xFF; c = Unit(code, pc + 1) >> 8;
                break;
            case DexFormat.F22b:
                a = aa; b = Unit(code, pc + 1) & 0xFF; literal = (sbyte)(Unit(code, pc + 1) >> 8);
                break;
            case DexFormat.F22t:
                a = aa & 0xF; b = aa >> 4; target = pc + (short)Unit(code, pc + 1);
                break;
            case DexFormat.F22s:
                a = aa & 0xF; b = aa >> 4; literal = (short)Unit(code, pc + 1);
                break;
            case DexFormat.F22c:
                a = aa & 0xF; b = aa >> 4; index = Unit(code, pc + 1);
                break;
            case DexFormat.F32x:
                a = Unit(code, pc + 1); b = Unit(code, pc + 2);
                break;
            case DexFormat.F30t:
                target = pc + (int)Unit32(code, pc + 1);
                break;
            case DexFormat.F31t:
                a = aa; target = pc + (int)Unit32(code, pc + 1);
                break;
            case DexFormat.F31i:
                a = aa; literal = (int)Unit32(code, pc + 1);
                break;
            case DexFormat.F31c:
                a = aa; index = Unit32(code, pc + 1);
                break;
            case DexFormat.F35c:
            case DexFormat.F45cc:
                {
                    count = aa >> 4;
                    if (count > 5)
                    {
                        throw new ApkFormatException($"DEX 指令流损坏：地址 {pc} 处的参数个数 {count} 超过 5");
                    }

                    index = Unit(code, pc + 1);
                    var regs = Unit(code, pc + 2);
                    uint r = regs;
                    packed = (r & 0xFu) | (((r >> 4) & 0xFu) << 8) | (((r >> 8) & 0xFu) << 16)
                        | ((ulong)((r >> 12) & 0xFu) << 24) | ((ulong)((uint)aa & 0xFu) << 32);
                    if (info.Format == DexFormat.F45cc)
                    {
                        literal = Unit(code, pc + 3); // proto index
                    }

                    break;
                }

            case DexFormat.F3rc:
            case DexFormat.F4rcc:
                count = aa; index = Unit(code, pc + 1); c = Unit(code, pc + 2);
                if (info.Format == DexFormat.F4rcc)
                {
                    literal = Unit(code, pc + 3);
                }

                break;
            case DexFormat.F51l:
                a = aa; literal = (long)(Unit32(code, pc + 1) | ((ulong)Unit32(code, pc + 3) << 32));
                break;
        }

        instruction = new DexInstruction(packed)
        {
            Address = pc,
            Opcode = op,
            Format = info.Format,
            A = a,
            B = b,
            C = c,
            Literal = literal,
            Index = index,
            Target = target,
            ArgumentCount = count,
        };
        return units;
    }

    /// <summary>Decodes a whole stream: instructions in order, payloads skipped.</summary>
    public static List<DexInstruction> DecodeAll(ReadOnlySpan<byte> code)
    {
        var list = new List<DexInstruction>(code.Length / 5);
        var unitCount = code.Length / 2;
        var pc = 0;
        while (pc < unitCount)
        {
            if (Unit(code, pc) is PackedSwitchPayload or SparseSwitchPayload or FillArrayDataPayload)
            {
                pc += PayloadUnits(code, pc);
                continue;
            }

            pc += Decode(code, pc, out var ins);
            list.Add(ins);
        }

        return list;
    }

    /// <summary>The data of a fill-array-data payload at <paramref name="pc"/> (element width 1 only: byte arrays).</summary>
    public static byte[]? ReadFillArrayBytes(ReadOnlySpan<byte> code, int pc)
    {
        var unitCount = code.Length / 2;
        if (pc < 0 || pc + 4 > unitCount || Unit(code, pc) != FillArrayDataPayload || Unit(code, pc + 1) != 1)
        {
            return null;
        }

        var size = Unit(code, pc + 2) | ((uint)Unit(code, pc + 3) << 16);
        var start = (pc + 4) * 2;
        return size > (uint)(code.Length - start) ? null : code.Slice(start, (int)size).ToArray();
    }

    private static ushort Unit(ReadOnlySpan<byte> code, int pc) => BinaryPrimitives.ReadUInt16LittleEndian(code[(pc * 2)..]);

    private static uint Unit32(ReadOnlySpan<byte> code, int pc) =>
        BinaryPrimitives.ReadUInt16LittleEndian(code[(pc * 2)..]) | ((uint)BinaryPrimitives.ReadUInt16LittleEndian(code[((pc + 1) * 2)..]) << 16);
}
