using System.Globalization;
using System.Text.RegularExpressions;
using MedGuard.Detection.Apk.Dex;
using MedGuard.Detection.Apk.Model;

namespace MedGuard.Detection.Apk.Rules.Examples;

/// <summary>
/// Assembles the small smali dialect of rule examples into app classes, so a rule's examples run through the same
/// tracker and engine as a real dex. Supported: <c>.class L…; extends L…; [implements L…;, …]</c>,
/// <c>.method [static] name(proto)R</c> … <c>.end method</c>, <c>.try</c> / <c>.end try</c>, and instructions in
/// smali syntax (registers vN / pN; <c>fill-array-data vN, 00 01 …</c> with the bytes inline; branch targets ignored).
/// </summary>
public static partial class SmaliSnippet
{
    public static IReadOnlyList<AppClass> Assemble(string text)
    {
        var classes = new List<AppClass>();
        AppClass? cls = null;
        SnippetCode? code = null;
        (string Name, string Proto, bool Static)? method = null;
        var tryStart = -1;
        var lineNumber = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            lineNumber++;
            var line = rawLine.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            try
            {
                if (line.StartsWith(".class ", StringComparison.Ordinal))
                {
                    var m = ClassLine().Match(line);
                    if (!m.Success)
                    {
                        throw new FormatException("应为 .class L…; extends L…; [implements L…;, …]");
                    }

                    var interfaces = m.Groups[3].Success ? m.Groups[3].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) : [];
                    cls = new AppClass(m.Groups[1].Value, m.Groups[2].Value, interfaces, 0x1);
                    classes.Add(cls);
                }
                else if (line.StartsWith(".method ", StringComparison.Ordinal))
                {
                    var parts = line[8..].Trim();
                    var isStatic = parts.StartsWith("static ", StringComparison.Ordinal);
                    parts = isStatic ? parts[7..].Trim() : parts;
                    var paren = parts.IndexOf('(');
                    method = (parts[..paren], parts[paren..], isStatic);
                    code = new SnippetCode();
                }
                else if (line == ".end method")
                {
                    if (cls is null || method is null || code is null)
                    {
                        throw new FormatException(".end method 之前没有 .class 或 .method");
                    }

                    var finished = code;
                    var (name, proto, isStatic) = method.Value;
                    cls.Methods.Add(new AppMethod(cls, name, proto, isStatic ? 0x9u : 0x1u, () => finished, _ => true));
                    method = null;
                    code = null;
                }
                else if (line == ".try")
                {
                    tryStart = code!.Address;
                }
                else if (line == ".end try")
                {
                    code!.TryBlocks.Add(new DexTryBlock(tryStart, code.Address - tryStart));
                }
                else
                {
                    (code ?? throw new FormatException("指令不在 .method 之内")).Add(line);
                }
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException or IndexOutOfRangeException or KeyNotFoundException)
            {
                throw new ApkFormatException($"smali 示例第 {lineNumber} 行（{line}）：{ex.Message}", ex);
            }
        }

        return classes;
    }

    [GeneratedRegex(@"^\.class\s+(L[^;]+;)\s+extends\s+(L[^;]+;)(?:\s+implements\s+(.+))?$")]
    private static partial Regex ClassLine();

    private sealed class SnippetCode : IMethodCode
    {
        private static readonly Dictionary<string, DexOpcode> ByName = DexOpcodes.All.ToDictionary(o => o.Name, StringComparer.Ordinal);
        private readonly List<DexInstruction> _instructions = [];
        private readonly List<string> _strings = [];
        private readonly List<string> _types = [];
        private readonly List<MethodRef> _methods = [];
        private readonly List<FieldRef> _fields = [];
        private readonly Dictionary<int, byte[]> _arrays = [];

        public int Address { get; private set; }
        public List<DexTryBlock> TryBlocks { get; } = [];
        public IReadOnlyList<DexInstruction> Instructions => _instructions;
        public IReadOnlyList<DexTryBlock> Tries => TryBlocks;
        public int FirstParameterRegister => 200;
        public MethodRef ResolveMethod(uint index) => _methods[(int)index];
        public FieldRef ResolveField(uint index) => _fields[(int)index];
        public string ResolveString(uint index) => _strings[(int)index];
        public string ResolveType(uint index) => _types[(int)index];
        public byte[]? ArrayData(int address) => _arrays.GetValueOrDefault(address);

        public void Add(string line)
        {
            var space = line.IndexOf(' ');
            var name = space < 0 ? line : line[..space];
            var rest = space < 0 ? "" : line[(space + 1)..].Trim();
            var op = ByName.TryGetValue(name, out var o) ? o : throw new FormatException($"未知指令 {name}");
            var ins = new DexInstruction { Address = Address, Opcode = op.Code, Format = op.Format };
            switch (op.Format)
            {
                case DexFormat.F35c or DexFormat.F45cc or DexFormat.F3rc or DexFormat.F4rcc:
                    {
                        var close = rest.IndexOf('}');
                        var regs = rest[1..close].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(Register).ToList();
                        var reference = rest[(close + 1)..].TrimStart(',', ' ');
                        var index = Index(op.IndexKind, reference);
                        ulong packed = 0;
                        for (var i = 0; i < regs.Count; i++)
                        {
                            packed |= (ulong)(uint)regs[i] << (i * 8);
                        }

                        // Registers are kept in 8 bits here; the snippet never needs more than 5 of them.
                        ins = new DexInstruction(packed) { Address = Address, Opcode = op.Code, Format = DexFormat.F35c, Index = index, ArgumentCount = regs.Count };
                        break;
                    }

                default:
                    {
                        var operands = SplitOperands(rest);
                        var regs = operands.TakeWhile(IsRegister).Select(Register).ToList();
                        var last = operands.Count > regs.Count ? operands[regs.Count] : null;
                        ins = ins with { A = regs.ElementAtOrDefault(0), B = regs.ElementAtOrDefault(1), C = regs.ElementAtOrDefault(2) };
                        if (op.Code == 0x26 && last is not null)
                        {
                            var bytes = string.Join(' ', operands.Skip(1)).Split(' ', StringSplitOptions.RemoveEmptyEntries)
                                .Select(h => byte.Parse(h, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToArray();
                            var target = 100_000 + _arrays.Count;
                            _arrays[target] = bytes;
                            ins = ins with { Target = target };
                        }
                        else if (op.IndexKind != DexIndexKind.None && last is not null)
                        {
                            ins = ins with { Index = Index(op.IndexKind, last) };
                        }
                        else if (last is not null && !last.StartsWith(':') && !last.StartsWith('+'))
                        {
                            ins = ins with
                            {
                                Literal = last.StartsWith("0x", StringComparison.OrdinalIgnoreCase) || last.StartsWith("-0x", StringComparison.OrdinalIgnoreCase)
                                ? (last[0] == '-' ? -1 : 1) * long.Parse(last.TrimStart('-')[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture)
                                : long.Parse(last, CultureInfo.InvariantCulture)
                            };
                        }

                        break;
                    }
            }

            _instructions.Add(ins);
            Address += op.Units;
        }

        private static List<string> SplitOperands(string rest)
        {
            var list = new List<string>();
            var i = 0;
            while (i < rest.Length)
            {
                if (rest[i] is ' ' or ',')
                {
                    i++;
                    continue;
                }

                if (rest[i] == '"')
                {
                    var end = rest.IndexOf('"', i + 1);
                    list.Add(rest[i..(end + 1)]);
                    i = end + 1;
                    continue;
                }

                var next = rest.IndexOf(',', i);
                var token = (next < 0 ? rest[i..] : rest[i..next]).Trim();
                list.Add(token);
                i = next < 0 ? rest.Length : next + 1;
            }

            return list;
        }

        private static bool IsRegister(string s) => s.Length > 1 && (s[0] is 'v' or 'p') && s[1..].All(char.IsAsciiDigit);

        // p registers are kept apart from v registers: the tracker only needs them distinct.
        private static int Register(string s) => (s[0] == 'p' ? 200 : 0) + int.Parse(s[1..], CultureInfo.InvariantCulture);

        private uint Index(DexIndexKind kind, string reference)
        {
            switch (kind)
            {
                case DexIndexKind.String:
                    _strings.Add(reference.Trim('"'));
                    return (uint)(_strings.Count - 1);
                case DexIndexKind.Type:
                    _types.Add(reference);
                    return (uint)(_types.Count - 1);
                case DexIndexKind.Method:
                    _methods.Add(MethodRef.Parse(reference));
                    return (uint)(_methods.Count - 1);
                case DexIndexKind.Field:
                    {
                        var arrow = reference.IndexOf("->", StringComparison.Ordinal);
                        var colon = reference.IndexOf(':', arrow);
                        _fields.Add(new FieldRef(reference[..arrow], reference[(arrow + 2)..colon], reference[(colon + 1)..]));
                        return (uint)(_fields.Count - 1);
                    }

                default:
                    throw new FormatException($"不支持的引用类型 {kind}");
            }
        }
    }
}
