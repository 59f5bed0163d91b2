using System.Text;
using MedGuard.Detection.Apk.Dex;
using MedGuard.Detection.Apk.Model;

namespace MedGuard.Detection.Apk.Analysis;

/// <summary>
/// One linear pass over a method's instructions with a small register tracker: constants (numbers, strings, byte
/// arrays filled from payloads), objects created here (and whether an Intent was made explicit), moved through
/// move/move-result. Branches are not merged — the tracker keeps the last write in code order, which is what the
/// argument set-up right before a call almost always is.
/// </summary>
public static class MethodAnalyzer
{
    private const int MaxTrackedArray = 4096;

    private static readonly HashSet<string> IntentExplicitSetters = new(StringComparer.Ordinal)
    {
        "setClass", "setClassName", "setComponent", "setPackage", "setSelector",
    };

    private static readonly string[] LoggingClasses = ["Landroid/util/Log;", "Ljava/io/PrintStream;", "Ljava/lang/StringBuilder;"];

    /// <param name="code">The method's code.</param>
    /// <param name="proto">The method's proto and static flag, to name its parameter registers (optional).</param>
    /// <param name="isStatic">Whether the method is static (no receiver in p0).</param>
    /// <param name="fieldConstant">Known constant values of fields (set once in their class's initializers).</param>
    public static MethodFacts Analyze(IMethodCode code, string? proto = null, bool isStatic = false, Func<FieldRef, TrackedValue?>? fieldConstant = null)
    {
        var facts = new MethodFacts();
        var registers = new Dictionary<int, TrackedValue>();
        if (proto is not null)
        {
            var register = code.FirstParameterRegister;
            var logical = 0;
            if (!isStatic)
            {
                registers[register++] = new TrackedValue { Parameter = logical++ };
            }

            foreach (var width in new MethodRef("", "", proto).ParameterRegisterWidths())
            {
                registers[register] = new TrackedValue { Parameter = logical++ };
                register += width;
            }
        }

        TrackedValue? lastResult = null;
        var sawThrow = false;
        var sawRealCall = false;
        var returns = 0;
        var trueReturns = 0;

        foreach (var ins in code.Instructions)
        {
            var op = ins.Opcode;
            TrackedValue? result = null;
            switch (op)
            {
                case >= 0x01 and <= 0x09:
                    Set(registers, ins.A, registers.GetValueOrDefault(ins.B), wide: op is >= 0x04 and <= 0x06);
                    break;
                case 0x0a or 0x0b or 0x0c:
                    Set(registers, ins.A, lastResult, wide: op == 0x0b);
                    break;
                case 0x0f:
                    returns++;
                    if (registers.GetValueOrDefault(ins.A)?.Number == 1)
                    {
                        trueReturns++;
                    }

                    break;
                case 0x10 or 0x11:
                    returns++;
                    break;
                case >= 0x12 and <= 0x15:
                    Set(registers, ins.A, new TrackedValue { Number = ins.Literal }, wide: false);
                    break;
                case >= 0x16 and <= 0x19:
                    Set(registers, ins.A, new TrackedValue { Number = ins.Literal }, wide: true);
                    break;
                case 0x1a or 0x1b:
                    {
                        var s = code.ResolveString(ins.Index);
                        facts.Strings.Add(s);
                        Set(registers, ins.A, new TrackedValue { Text = s }, wide: false);
                        break;
                    }

                case 0x1c:
                    Set(registers, ins.A, new TrackedValue { ClassConstant = code.ResolveType(ins.Index) }, wide: false);
                    break;
                case 0x1f:
                    break; // check-cast keeps the value
                case 0x22:
                    {
                        var type = code.ResolveType(ins.Index);
                        facts.NewInstances.Add(type);
                        Set(registers, ins.A, new TrackedValue { Object = new TrackedObject(type) }, wide: false);
                        break;
                    }

                case 0x23:
                    {
                        var size = registers.GetValueOrDefault(ins.B)?.Number;
                        var type = code.ResolveType(ins.Index);
                        Set(registers, ins.A, type == "[B" && size is >= 0 and <= MaxTrackedArray ? new TrackedValue { Bytes = new byte[size.Value] } : null, wide: false);
                        break;
                    }

                case 0x26:
                    if (registers.GetValueOrDefault(ins.A)?.Bytes is not null && code.ArrayData(ins.Target) is { } data)
                    {
                        Set(registers, ins.A, new TrackedValue { Bytes = data }, wide: false);
                    }

                    break;
                case 0x27:
                    sawThrow = true;
                    break;
                case 0x4f:
                    {
                        // aput-byte value, array, index: keep a tracked constant array up to date
                        if (registers.GetValueOrDefault(ins.B)?.Bytes is { } bytes && registers.GetValueOrDefault(ins.C)?.Number is { } i
                            && i >= 0 && i < bytes.Length && registers.GetValueOrDefault(ins.A)?.Number is { } v)
                        {
                            bytes[i] = (byte)v;
                        }

                        break;
                    }

                case (>= 0x52 and <= 0x58) or (>= 0x60 and <= 0x66):
                    {
                        var field = code.ResolveField(ins.Index);
                        facts.FieldReads.Add(field);
                        Set(registers, ins.A, fieldConstant?.Invoke(field), wide: op is 0x53 or 0x61);
                        break;
                    }

                case (>= 0x59 and <= 0x5f) or (>= 0x67 and <= 0x6d):
                    facts.FieldWrites.Add((code.ResolveField(ins.Index), registers.GetValueOrDefault(ins.A)));
                    break;
                case (>= 0x6e and <= 0x72) or (>= 0x74 and <= 0x78) or 0xfa or 0xfb:
                    {
                        var target = code.ResolveMethod(ins.Index);
                        var isStaticCall = op is 0x71 or 0x77;
                        var args = Arguments(ins, target, isStaticCall, registers);
                        facts.Calls.Add(new CallSite(target, ins.Address, InTry(code.Tries, ins.Address), args));
                        if (!LoggingClasses.Contains(target.Class))
                        {
                            sawRealCall = true;
                        }

                        result = Effect(target, args);
                        break;
                    }

                case 0xfc or 0xfd:
                    sawRealCall = true;
                    break;
                default:
                    if (Writes(op))
                    {
                        Set(registers, ins.A, null, wide: IsWideWrite(op));
                    }

                    break;
            }

            lastResult = result ?? (ins.IsInvoke || op is 0x24 or 0x25 ? null : lastResult);
        }

        facts.IsEmpty = !sawThrow && !sawRealCall;
        facts.ReturnsConstantTrue = returns > 0 && returns == trueReturns;
        return facts;
    }

    private static bool InTry(IReadOnlyList<DexTryBlock> tries, int address)
    {
        // Indexed, not foreach: an interface enumerator per call site was most of what the analysis allocated.
        for (var i = 0; i < tries.Count; i++)
        {
            var t = tries[i];
            if (address >= t.Start && address < t.Start + t.Count)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Maps the instruction's registers to logical arguments (a wide parameter takes two registers).</summary>
    private static TrackedValue?[] Arguments(DexInstruction ins, MethodRef target, bool isStatic, Dictionary<int, TrackedValue> registers)
    {
        var widths = target.ParameterRegisterWidths();
        var args = new TrackedValue?[widths.Count + (isStatic ? 0 : 1)];
        var r = 0;
        var a = 0;
        if (!isStatic && ins.ArgumentCount > 0)
        {
            args[a++] = registers.GetValueOrDefault(ins.GetArgument(r++));
        }

        foreach (var w in widths)
        {
            if (r >= ins.ArgumentCount || a >= args.Length)
            {
                break;
            }

            args[a++] = registers.GetValueOrDefault(ins.GetArgument(r));
            r += w;
        }

        return args;
    }

    /// <summary>Side effects and results the tracker models: explicit intents, String.getBytes, Base64.decode.</summary>
    private static TrackedValue? Effect(MethodRef target, TrackedValue?[] args)
    {
        if (target.Class == "Landroid/content/Intent;")
        {
            if (args.Length > 0 && args[0]?.Object is { } intent)
            {
                if (IntentExplicitSetters.Contains(target.Name)
                    || (target.Name == "<init>" && (target.Proto.Contains("Ljava/lang/Class;", StringComparison.Ordinal) || target.Proto.Contains("Landroid/content/Intent;", StringComparison.Ordinal))))
                {
                    intent.Explicit = true;
                }

                if (target.Proto.EndsWith(")Landroid/content/Intent;", StringComparison.Ordinal))
                {
                    return args[0]; // builder-style setters return the same intent
                }
            }

            return null;
        }

        if (target.Class == "Ljava/lang/String;" && target.Name == "getBytes" && args.Length > 0 && args[0]?.Text is { } text)
        {
            return new TrackedValue { Bytes = Encoding.UTF8.GetBytes(text) };
        }

        if (target.Class == "Landroid/util/Base64;" && target.Name == "decode" && args.Length > 0 && args[0]?.Text is { } b64)
        {
            try
            {
                return new TrackedValue { Bytes = Convert.FromBase64String(b64) };
            }
            catch (FormatException)
            {
                return null;
            }
        }

        return null;
    }

    private static void Set(Dictionary<int, TrackedValue> registers, int register, TrackedValue? value, bool wide)
    {
        if (value is null)
        {
            registers.Remove(register);
        }
        else
        {
            registers[register] = value;
        }

        if (wide)
        {
            registers.Remove(register + 1);
        }
    }

    /// <summary>Whether the opcode writes its A register (and is not handled above).</summary>
    private static bool Writes(byte op) => op switch
    {
        0x00 or 0x0e or 0x1d or 0x1e or 0x26 or 0x27 => false,
        >= 0x28 and <= 0x2c => false,
        >= 0x32 and <= 0x43 => false,
        >= 0x4b and <= 0x51 => false,
        >= 0x59 and <= 0x5f => false,
        >= 0x67 and <= 0x6d => false,
        >= 0x6e and <= 0x7a => false,
        >= 0xe3 => false,
        _ => true,
    };

    private static bool IsWideWrite(byte op) => op is 0x45 or 0x7d or 0x7e or 0x81 or 0x83 or 0x86 or 0x88 or 0x89 or 0x8b or 0x8c
        or (>= 0x9b and <= 0xa5) or (>= 0xab and <= 0xaf) or (>= 0xbb and <= 0xc5) or (>= 0xcb and <= 0xcf);
}
