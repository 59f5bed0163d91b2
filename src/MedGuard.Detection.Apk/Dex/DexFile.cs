using System.Buffers.Binary;
using System.Text;

namespace MedGuard.Detection.Apk.Dex;

/// <summary>A class definition (class_def_item): the class, its superclass, interfaces and access flags.</summary>
public sealed record DexClassDef(string Descriptor, uint AccessFlags, string? Superclass, IReadOnlyList<string> Interfaces, uint ClassDataOffset);

/// <summary>A method declared by a class (encoded_method): its method id, access flags and code offset.</summary>
public readonly record struct DexEncodedMethod(uint MethodIndex, uint AccessFlags, uint CodeOffset);

/// <summary>A try range of a code item: any instruction in [Start, Start+Count) is guarded by a handler.</summary>
public readonly record struct DexTryBlock(int Start, int Count);

/// <summary>A method's code item: its instruction bytes (a slice of the file) and try ranges.</summary>
public sealed record DexCode(int RegisterCount, int InCount, ReadOnlyMemory<byte> Instructions, IReadOnlyList<DexTryBlock> Tries);

/// <summary>
/// A DEX file (035–041), read in place. Every id table is checked against the file size once; every later read
/// (strings, type lists, class data, code items) is checked again where it lands, so a hostile offset yields an
/// <see cref="ApkFormatException"/>, never an out-of-range read.
/// </summary>
public sealed class DexFile
{
    private readonly byte[] _data;
    private readonly int _base; // where this dex starts inside a DEX 041 container
    private readonly string?[] _strings;
    private readonly MethodRef?[] _methods;
    private readonly FieldRef?[] _fields;
    private readonly string?[] _protos;

    public string Name { get; }
    public int Version { get; }
    public int StringCount { get; }
    public int TypeCount { get; }
    public int ProtoCount { get; }
    public int FieldCount { get; }
    public int MethodCount { get; }
    public int ClassDefCount { get; }

    private readonly int _stringIdsOff, _typeIdsOff, _protoIdsOff, _fieldIdsOff, _methodIdsOff, _classDefsOff;

    /// <summary>Size in bytes of this dex (its header's file_size).</summary>
    public int Size { get; }

    private DexFile(byte[] data, int @base, string name)
    {
        _data = data;
        _base = @base;
        Name = name;
        var span = data.AsSpan();
        if (span.Length - @base < 0x70)
        {
            throw new ApkFormatException($"{name} 不是 DEX 文件（过短）");
        }

        var h = span[@base..];
        if (h[0] != 'd' || h[1] != 'e' || h[2] != 'x' || h[3] != '\n' || h[7] != 0
            || !int.TryParse(Encoding.ASCII.GetString(h.Slice(4, 3)), out var version))
        {
            throw new ApkFormatException($"{name} 不是 DEX 文件（魔数错误）");
        }

        Version = version;
        if (version is < 35 or > 41)
        {
            throw new ApkFormatException($"{name} 的 DEX 版本 {version:D3} 不受支持（支持 035–041）");
        }

        var fileSize = BinaryPrimitives.ReadUInt32LittleEndian(h[0x20..]);
        var headerSize = BinaryPrimitives.ReadUInt32LittleEndian(h[0x24..]);
        var endian = BinaryPrimitives.ReadUInt32LittleEndian(h[0x28..]);
        if (endian != 0x12345678)
        {
            throw new ApkFormatException($"{name} 的字节序标记无效");
        }

        if (fileSize < 0x70 || fileSize > (uint)(span.Length - @base) || headerSize < 0x70 || headerSize > fileSize)
        {
            throw new ApkFormatException($"{name} 的头部大小或文件大小无效（文件可能被截断）");
        }

        Size = (int)fileSize;
        (StringCount, _stringIdsOff) = Table(h, 0x38, 4, "string_ids");
        (TypeCount, _typeIdsOff) = Table(h, 0x40, 4, "type_ids");
        (ProtoCount, _protoIdsOff) = Table(h, 0x48, 12, "proto_ids");
        (FieldCount, _fieldIdsOff) = Table(h, 0x50, 8, "field_ids");
        (MethodCount, _methodIdsOff) = Table(h, 0x58, 8, "method_ids");
        (ClassDefCount, _classDefsOff) = Table(h, 0x60, 32, "class_defs");
        _strings = new string?[StringCount];
        _methods = new MethodRef?[MethodCount];
        _fields = new FieldRef?[FieldCount];
        _protos = new string?[ProtoCount];
    }

    /// <summary>Reads one table's (size, offset) from the header and checks that it fits the file.</summary>
    private (int Count, int Offset) Table(ReadOnlySpan<byte> header, int at, int itemSize, string what)
    {
        var count = BinaryPrimitives.ReadUInt32LittleEndian(header[at..]);
        var offset = BinaryPrimitives.ReadUInt32LittleEndian(header[(at + 4)..]);
        if (count == 0)
        {
            return (0, 0);
        }

        // In a 041 container the offsets are from the container's start; before that from this dex's start.
        var absolute = (long)offset + (Version >= 41 ? 0 : _base);
        if (count > int.MaxValue / itemSize || absolute + ((long)count * itemSize) > _data.Length || absolute < 0)
        {
            throw new ApkFormatException($"{Name} 的 {what} 表超出文件范围（{count} 项 @ {offset}）");
        }

        return ((int)count, (int)absolute);
    }

    /// <summary>Reads every dex in <paramref name="data"/>: one, or several in a DEX 041 container.</summary>
    public static IReadOnlyList<DexFile> ReadAll(byte[] data, string name)
    {
        var first = new DexFile(data, 0, name);
        if (first.Version < 41)
        {
            return [first];
        }

        var list = new List<DexFile> { first };
        var next = (long)first.Size;
        while (next + 0x70 <= data.Length && list.Count < 1024)
        {
            var dex = new DexFile(data, (int)next, $"{name}#{list.Count}");
            list.Add(dex);
            next += dex.Size;
        }

        return list;
    }

    private int Abs(uint offset, int length, string what)
    {
        var absolute = (long)offset + (Version >= 41 ? 0 : _base);
        if (absolute <= 0 || absolute + length > _data.Length)
        {
            throw new ApkFormatException($"{Name} 的{what}偏移 {offset} 超出文件范围");
        }

        return (int)absolute;
    }

    private uint U32(int at) => BinaryPrimitives.ReadUInt32LittleEndian(_data.AsSpan(at));
    private ushort U16(int at) => BinaryPrimitives.ReadUInt16LittleEndian(_data.AsSpan(at));

    public string GetString(uint index)
    {
        if (index >= (uint)StringCount)
        {
            throw new ApkFormatException($"{Name} 的字符串索引 {index} 越界");
        }

        return _strings[index] ??= DecodeString(index);
    }

    private string DecodeString(uint index)
    {
        var p = Abs(U32(_stringIdsOff + ((int)index * 4)), 1, "字符串");
        var span = _data.AsSpan();
        var utf16Length = ReadUleb128(span, ref p);
        return ModifiedUtf8.Decode(span[p..], utf16Length, Name);
    }

    /// <summary>Binary search of the sorted string table (the "fastref" look-up); -1 when absent.</summary>
    public int FindString(string value)
    {
        int lo = 0, hi = StringCount - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var cmp = string.CompareOrdinal(GetString((uint)mid), value);
            if (cmp == 0)
            {
                return mid;
            }

            if (cmp < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return -1;
    }

    /// <summary>Index of the first string not ordered below <paramref name="value"/> (StringCount when none).</summary>
    public int LowerBoundString(string value)
    {
        int lo = 0, hi = StringCount;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (string.CompareOrdinal(GetString((uint)mid), value) < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    public string GetType(uint index)
    {
        if (index >= (uint)TypeCount)
        {
            throw new ApkFormatException($"{Name} 的类型索引 {index} 越界");
        }

        return GetString(U32(_typeIdsOff + ((int)index * 4)));
    }

    /// <summary>Type index of a descriptor, -1 when this dex never mentions it.</summary>
    public int FindType(string descriptor)
    {
        var s = FindString(descriptor);
        if (s < 0)
        {
            return -1;
        }

        int lo = 0, hi = TypeCount - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var v = U32(_typeIdsOff + (mid * 4));
            if (v == (uint)s)
            {
                return mid;
            }

            if (v < (uint)s)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return -1;
    }

    public string GetProto(uint index)
    {
        if (index >= (uint)ProtoCount)
        {
            throw new ApkFormatException($"{Name} 的原型索引 {index} 越界");
        }

        return _protos[index] ??= DecodeProto(index);
    }

    private string DecodeProto(uint index)
    {
        var at = _protoIdsOff + ((int)index * 12);
        var returnType = GetType(U32(at + 4));
        var parameters = ReadTypeList(U32(at + 8));
        return "(" + string.Concat(parameters) + ")" + returnType;
    }

    private IReadOnlyList<string> ReadTypeList(uint offset)
    {
        if (offset == 0)
        {
            return [];
        }

        var at = Abs(offset, 4, "类型列表");
        var size = U32(at);
        if (size > (uint)(_data.Length - at - 4) / 2)
        {
            throw new ApkFormatException($"{Name} 的类型列表越界");
        }

        var list = new string[size];
        for (var i = 0; i < size; i++)
        {
            list[i] = GetType(U16(at + 4 + (i * 2)));
        }

        return list;
    }

    public FieldRef GetField(uint index)
    {
        if (index >= (uint)FieldCount)
        {
            throw new ApkFormatException($"{Name} 的字段索引 {index} 越界");
        }

        return _fields[index] ??= new FieldRef(
            GetType(U16(_fieldIdsOff + ((int)index * 8))),
            GetString(U32(_fieldIdsOff + ((int)index * 8) + 4)),
            GetType(U16(_fieldIdsOff + ((int)index * 8) + 2)));
    }

    public MethodRef GetMethod(uint index)
    {
        if (index >= (uint)MethodCount)
        {
            throw new ApkFormatException($"{Name} 的方法索引 {index} 越界");
        }

        return _methods[index] ??= new MethodRef(
            GetType(U16(_methodIdsOff + ((int)index * 8))),
            GetString(U32(_methodIdsOff + ((int)index * 8) + 4)),
            GetProto(U16(_methodIdsOff + ((int)index * 8) + 2)));
    }

    /// <summary>The name string index of a method id, without building the reference (fast pre-filter).</summary>
    public uint GetMethodNameIndex(uint index) => U32(_methodIdsOff + ((int)index * 8) + 4);

    /// <summary>The class type index of a method id.</summary>
    public uint GetMethodClassIndex(uint index) => U16(_methodIdsOff + ((int)index * 8));

    /// <summary>The name string index of a field id.</summary>
    public uint GetFieldNameIndex(uint index) => U32(_fieldIdsOff + ((int)index * 8) + 4);

    public DexClassDef GetClassDef(int index)
    {
        if ((uint)index >= (uint)ClassDefCount)
        {
            throw new ApkFormatException($"{Name} 的类定义索引 {index} 越界");
        }

        var at = _classDefsOff + (index * 32);
        var superIndex = U32(at + 8);
        return new DexClassDef(
            GetType(U32(at)),
            U32(at + 4),
            superIndex == 0xFFFFFFFF ? null : GetType(superIndex),
            ReadTypeList(U32(at + 12)),
            U32(at + 24));
    }

    /// <summary>Direct then virtual methods of a class (class_data_item).</summary>
    public IReadOnlyList<DexEncodedMethod> GetMethods(DexClassDef classDef)
    {
        var methods = new List<DexEncodedMethod>();
        ReadMethods(classDef.ClassDataOffset, classDef.Descriptor, methods);
        return methods;
    }

    /// <summary>A code item's instruction bytes, bounds-checked like <see cref="GetCode"/>, without allocating.</summary>
    internal ReadOnlySpan<byte> GetInstructions(uint codeOffset)
    {
        var at = Abs(codeOffset, 16, "代码");
        var triesSize = U16(at + 6);
        var insnsSize = U32(at + 12);
        var insStart = at + 16;
        if (insnsSize > (uint)(_data.Length - insStart) / 2)
        {
            throw new ApkFormatException($"{Name} 中偏移 {codeOffset} 的代码长度越界");
        }

        // The try table is checked too, as reading the whole code item would: a method is refused for the same faults.
        if (triesSize != 0 && insStart + ((int)insnsSize * 2) + ((insnsSize & 1) != 0 ? 2 : 0) + (triesSize * 8) > _data.Length)
        {
            throw new ApkFormatException($"{Name} 中偏移 {codeOffset} 的 try 表越界");
        }

        return _data.AsSpan(insStart, (int)insnsSize * 2);
    }

    /// <summary>
    /// The methods of a class_data_item (direct then virtual), read into <paramref name="into"/> without building the
    /// class definition. Same checks as <see cref="GetMethods(DexClassDef)"/>.
    /// </summary>
    internal void ReadMethods(uint classDataOffset, string descriptor, List<DexEncodedMethod> into)
    {
        into.Clear();
        if (classDataOffset == 0)
        {
            return;
        }

        var span = _data.AsSpan();
        var p = Abs(classDataOffset, 4, "类数据");
        var staticFields = ReadUleb128(span, ref p);
        var instanceFields = ReadUleb128(span, ref p);
        var directMethods = ReadUleb128(span, ref p);
        var virtualMethods = ReadUleb128(span, ref p);
        if (staticFields < 0 || instanceFields < 0 || directMethods < 0 || virtualMethods < 0
            || (long)staticFields + instanceFields > (_data.Length - p) / 2 || (long)directMethods + virtualMethods > (_data.Length - p) / 3)
        {
            throw new ApkFormatException($"{Name} 中类 {descriptor} 的类数据计数越界");
        }

        for (var i = 0; i < staticFields + instanceFields; i++)
        {
            ReadUleb128(span, ref p);
            ReadUleb128(span, ref p);
        }

        for (var pass = 0; pass < 2; pass++)
        {
            var count = pass == 0 ? directMethods : virtualMethods;
            uint index = 0;
            for (var i = 0; i < count; i++)
            {
                index += (uint)ReadUleb128(span, ref p);
                var flags = (uint)ReadUleb128(span, ref p);
                var code = (uint)ReadUleb128(span, ref p);
                into.Add(new DexEncodedMethod(index, flags, code));
            }
        }
    }

    /// <summary>Reads a code item: instruction bytes and try ranges, all bounds-checked.</summary>
    public DexCode? GetCode(uint codeOffset)
    {
        if (codeOffset == 0)
        {
            return null;
        }

        var at = Abs(codeOffset, 16, "代码");
        var registers = U16(at);
        var ins = U16(at + 2);
        var triesSize = U16(at + 6);
        var insnsSize = U32(at + 12);
        var insStart = at + 16;
        if (insnsSize > (uint)(_data.Length - insStart) / 2)
        {
            throw new ApkFormatException($"{Name} 中偏移 {codeOffset} 的代码长度越界");
        }

        var instructions = new ReadOnlyMemory<byte>(_data, insStart, (int)insnsSize * 2);
        if (triesSize == 0)
        {
            return new DexCode(registers, ins, instructions, []);
        }

        var triesAt = insStart + ((int)insnsSize * 2);
        if ((insnsSize & 1) != 0)
        {
            triesAt += 2; // padding to 4-byte alignment
        }

        if (triesAt + (triesSize * 8) > _data.Length)
        {
            throw new ApkFormatException($"{Name} 中偏移 {codeOffset} 的 try 表越界");
        }

        var tries = new DexTryBlock[triesSize];
        for (var i = 0; i < triesSize; i++)
        {
            tries[i] = new DexTryBlock((int)U32(triesAt + (i * 8)), U16(triesAt + (i * 8) + 4));
        }

        return new DexCode(registers, ins, instructions, tries);
    }

    internal static int ReadUleb128(ReadOnlySpan<byte> span, ref int p)
    {
        var result = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            if ((uint)p >= (uint)span.Length)
            {
                throw new ApkFormatException("DEX 数据损坏：ULEB128 越界");
            }

            var b = span[p++];
            result |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }

        throw new ApkFormatException("DEX 数据损坏：ULEB128 过长");
    }
}
