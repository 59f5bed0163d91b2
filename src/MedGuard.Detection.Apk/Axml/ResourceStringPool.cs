using System.Buffers.Binary;
using System.Text;

namespace MedGuard.Detection.Apk.Axml;

/// <summary>
/// A ResStringPool chunk (字符串池), shared by AXML and resources.arsc: UTF-8 or UTF-16 strings, decoded lazily.
/// A string whose offset or length points outside the chunk reads as empty rather than failing the whole file,
/// as Android tolerates it too.
/// </summary>
public sealed class ResourceStringPool
{
    private const uint Utf8Flag = 0x100;
    private readonly byte[] _chunk;
    private readonly int _count;
    private readonly int _offsetsStart;
    private readonly int _stringsStart;
    private readonly bool _utf8;
    private readonly string?[] _cache;

    public static ResourceStringPool Empty { get; } = new([], 0, 0, 0, false);

    private ResourceStringPool(byte[] chunk, int count, int offsetsStart, int stringsStart, bool utf8)
    {
        _chunk = chunk;
        _count = count;
        _offsetsStart = offsetsStart;
        _stringsStart = stringsStart;
        _utf8 = utf8;
        _cache = new string?[count];
    }

    public int Count => _count;

    /// <summary>Reads the pool from <paramref name="chunk"/> (exactly the chunk's bytes, header included).</summary>
    public static ResourceStringPool Parse(ReadOnlySpan<byte> chunk)
    {
        if (chunk.Length < 28)
        {
            throw new ApkFormatException("字符串池头部被截断");
        }

        var headerSize = BinaryPrimitives.ReadUInt16LittleEndian(chunk[2..]);
        var count = BinaryPrimitives.ReadUInt32LittleEndian(chunk[8..]);
        var flags = BinaryPrimitives.ReadUInt32LittleEndian(chunk[16..]);
        var stringsStart = BinaryPrimitives.ReadUInt32LittleEndian(chunk[20..]);
        if (headerSize < 28 || headerSize > chunk.Length || count > (uint)(chunk.Length - headerSize) / 4)
        {
            throw new ApkFormatException($"字符串池损坏（字符串数 {count} 超出块大小 {chunk.Length}）");
        }

        return new ResourceStringPool(chunk.ToArray(), (int)count, headerSize, (int)Math.Min(stringsStart, (uint)chunk.Length), (flags & Utf8Flag) != 0);
    }

    public string Get(uint index)
    {
        if (index >= (uint)_count)
        {
            return string.Empty;
        }

        return _cache[index] ??= Decode((int)index);
    }

    public string? GetOrNull(uint index) => index == 0xFFFFFFFF || index >= (uint)_count ? null : Get(index);

    private string Decode(int index)
    {
        var span = _chunk.AsSpan();
        var offset = (long)BinaryPrimitives.ReadUInt32LittleEndian(span[(_offsetsStart + (index * 4))..]) + _stringsStart;
        if (offset >= span.Length)
        {
            return string.Empty;
        }

        var p = (int)offset;
        if (_utf8)
        {
            // Two length prefixes (UTF-16 length, then byte length), each one or two bytes.
            if (ReadUtf8Length(span, ref p) < 0)
            {
                return string.Empty;
            }

            var byteLength = ReadUtf8Length(span, ref p);
            return byteLength < 0 || byteLength > span.Length - p ? string.Empty : Encoding.UTF8.GetString(span.Slice(p, byteLength));
        }

        if (p + 2 > span.Length)
        {
            return string.Empty;
        }

        int length = BinaryPrimitives.ReadUInt16LittleEndian(span[p..]);
        p += 2;
        if ((length & 0x8000) != 0)
        {
            if (p + 2 > span.Length)
            {
                return string.Empty;
            }

            length = ((length & 0x7FFF) << 16) | BinaryPrimitives.ReadUInt16LittleEndian(span[p..]);
            p += 2;
        }

        return (long)length * 2 > span.Length - p ? string.Empty : Encoding.Unicode.GetString(span.Slice(p, length * 2));
    }

    /// <summary>A one- or two-byte length; -1 when it runs past the chunk.</summary>
    private static int ReadUtf8Length(ReadOnlySpan<byte> span, ref int p)
    {
        if (p >= span.Length)
        {
            return -1;
        }

        int length = span[p++];
        if ((length & 0x80) != 0)
        {
            if (p >= span.Length)
            {
                return -1;
            }

            length = ((length & 0x7F) << 8) | span[p++];
        }

        return length;
    }
}
