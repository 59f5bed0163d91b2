using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace MedGuard.Detection.Apk.Zip;

/// <summary>
/// Reads an archive from its central directory, never trusting a size or offset without a bounds check.
/// Entry data is taken from the local header's position but sizes from the central directory, because packers
/// forge local headers. Names with <c>..</c> or an absolute path are refused (zip slip, 目录遍历).
/// </summary>
public sealed class ZipArchiveReader
{
    private const uint EndOfCentralDirectorySignature = 0x06054b50;
    private const uint CentralDirectorySignature = 0x02014b50;
    private const uint LocalHeaderSignature = 0x04034b50;
    private const uint Zip64EndLocatorSignature = 0x07064b50;
    private const uint Zip64EndSignature = 0x06064b50;

    private readonly byte[] _data;
    private readonly ZipLimits _limits;
    private readonly Dictionary<string, ZipEntry> _byName = new(StringComparer.Ordinal);
    private long _inflatedTotal;

    public IReadOnlyList<ZipEntry> Entries { get; }

    /// <summary>Offset of the central directory: the APK signing block (v2/v3) ends right before it.</summary>
    public long CentralDirectoryOffset { get; }

    private ZipArchiveReader(byte[] data, ZipLimits limits)
    {
        _data = data;
        _limits = limits;
        (Entries, CentralDirectoryOffset) = ReadCentralDirectory();
        foreach (var entry in Entries)
        {
            _byName.TryAdd(entry.Name, entry); // first wins, as Android's installer does
        }
    }

    public ReadOnlySpan<byte> RawBytes => _data;

    public static ZipArchiveReader Open(byte[] data, ZipLimits? limits = null)
    {
        limits ??= ZipLimits.Default;
        if (data.LongLength > limits.MaxArchiveBytes)
        {
            throw new ApkFormatException($"文件过大（{data.LongLength} 字节，上限 {limits.MaxArchiveBytes}）");
        }

        return new ZipArchiveReader(data, limits);
    }

    public static ZipArchiveReader Open(string path, ZipLimits? limits = null)
    {
        limits ??= ZipLimits.Default;
        var length = new FileInfo(path).Length;
        if (length > limits.MaxArchiveBytes)
        {
            throw new ApkFormatException($"文件过大（{length} 字节，上限 {limits.MaxArchiveBytes}）");
        }

        // Read into an array the GC does not clear first: an APK is megabytes, and every page touched twice costs.
        using var file = File.OpenHandle(path);
        var data = GC.AllocateUninitializedArray<byte>((int)length);
        var filled = 0;
        while (filled < data.Length && RandomAccess.Read(file, data.AsSpan(filled), filled) is var n and > 0)
        {
            filled += n;
        }

        return new ZipArchiveReader(filled == data.Length ? data : data[..filled], limits);
    }

    public ZipEntry? Find(string name) => _byName.GetValueOrDefault(name);

    private (IReadOnlyList<ZipEntry>, long) ReadCentralDirectory()
    {
        var span = _data.AsSpan();
        if (span.Length < 22)
        {
            throw new ApkFormatException("不是 ZIP/APK 文件（文件过短）");
        }

        // The end record sits in the last 22 + 65535 bytes (its comment is at most 65535 bytes).
        var eocd = -1;
        var lowest = Math.Max(0, span.Length - 22 - 0xFFFF);
        for (var i = span.Length - 22; i >= lowest; i--)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(span[i..]) == EndOfCentralDirectorySignature)
            {
                eocd = i;
                break;
            }
        }

        if (eocd < 0)
        {
            throw new ApkFormatException(span.Length >= 4 && BinaryPrimitives.ReadUInt32LittleEndian(span) == LocalHeaderSignature
                ? "ZIP 文件被截断（找不到中央目录结束记录）"
                : "不是 ZIP/APK 文件（找不到中央目录结束记录）");
        }

        long count = BinaryPrimitives.ReadUInt16LittleEndian(span[(eocd + 10)..]);
        long cdSize = BinaryPrimitives.ReadUInt32LittleEndian(span[(eocd + 12)..]);
        long cdOffset = BinaryPrimitives.ReadUInt32LittleEndian(span[(eocd + 16)..]);

        if ((count == 0xFFFF || cdOffset == 0xFFFFFFFF || cdSize == 0xFFFFFFFF) && eocd >= 20
            && BinaryPrimitives.ReadUInt32LittleEndian(span[(eocd - 20)..]) == Zip64EndLocatorSignature)
        {
            var z64 = BinaryPrimitives.ReadInt64LittleEndian(span[(eocd - 12)..]);
            if (z64 < 0 || z64 > span.Length - 56 || BinaryPrimitives.ReadUInt32LittleEndian(span[(int)z64..]) != Zip64EndSignature)
            {
                throw new ApkFormatException("ZIP64 中央目录结束记录无效");
            }

            count = BinaryPrimitives.ReadInt64LittleEndian(span[((int)z64 + 32)..]);
            cdSize = BinaryPrimitives.ReadInt64LittleEndian(span[((int)z64 + 40)..]);
            cdOffset = BinaryPrimitives.ReadInt64LittleEndian(span[((int)z64 + 48)..]);
        }

        if (cdOffset < 0 || cdSize < 0 || cdOffset + cdSize > eocd || count < 0)
        {
            throw new ApkFormatException("ZIP 中央目录位置超出文件范围（文件可能被截断）");
        }

        if (count > _limits.MaxEntries)
        {
            throw new ApkFormatException($"ZIP 条目过多（{count}）");
        }

        var entries = new List<ZipEntry>((int)count);
        var pos = (int)cdOffset;
        var end = (int)(cdOffset + cdSize);
        // Trust the directory's extent rather than its count: some packers write a wrong count.
        while (pos + 46 <= end && BinaryPrimitives.ReadUInt32LittleEndian(span[pos..]) == CentralDirectorySignature)
        {
            var flags = BinaryPrimitives.ReadUInt16LittleEndian(span[(pos + 8)..]);
            var method = BinaryPrimitives.ReadUInt16LittleEndian(span[(pos + 10)..]);
            long compressed = BinaryPrimitives.ReadUInt32LittleEndian(span[(pos + 20)..]);
            long uncompressed = BinaryPrimitives.ReadUInt32LittleEndian(span[(pos + 24)..]);
            int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(span[(pos + 28)..]);
            int extraLength = BinaryPrimitives.ReadUInt16LittleEndian(span[(pos + 30)..]);
            int commentLength = BinaryPrimitives.ReadUInt16LittleEndian(span[(pos + 32)..]);
            long localOffset = BinaryPrimitives.ReadUInt32LittleEndian(span[(pos + 42)..]);
            var next = pos + 46 + nameLength + extraLength + commentLength;
            if (next > end)
            {
                throw new ApkFormatException("ZIP 中央目录项越界");
            }

            var nameBytes = span.Slice(pos + 46, nameLength);
            var name = (flags & 0x800) != 0 || IsAscii(nameBytes) ? Encoding.UTF8.GetString(nameBytes) : Encoding.Latin1.GetString(nameBytes);
            ReadZip64Extra(span.Slice(pos + 46 + nameLength, extraLength), ref uncompressed, ref compressed, ref localOffset);
            RefuseUnsafeName(name);
            if (localOffset < 0 || localOffset + 30 > cdOffset)
            {
                throw new ApkFormatException($"ZIP 条目 '{name}' 的本地头偏移超出文件范围");
            }

            entries.Add(new ZipEntry(name, method, flags, compressed, uncompressed, localOffset));
            pos = next;
        }

        if (entries.Count == 0 && count > 0)
        {
            throw new ApkFormatException("ZIP 中央目录损坏（找不到条目）");
        }

        return (entries, cdOffset);
    }

    private static bool IsAscii(ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            if (b >= 0x80)
            {
                return false;
            }
        }

        return true;
    }

    private static void ReadZip64Extra(ReadOnlySpan<byte> extra, ref long uncompressed, ref long compressed, ref long localOffset)
    {
        var p = 0;
        while (p + 4 <= extra.Length)
        {
            var id = BinaryPrimitives.ReadUInt16LittleEndian(extra[p..]);
            var size = BinaryPrimitives.ReadUInt16LittleEndian(extra[(p + 2)..]);
            if (p + 4 + size > extra.Length)
            {
                return;
            }

            if (id == 1)
            {
                var field = extra.Slice(p + 4, size);
                var q = 0;
                if (uncompressed == 0xFFFFFFFF && q + 8 <= field.Length) { uncompressed = BinaryPrimitives.ReadInt64LittleEndian(field[q..]); q += 8; }
                if (compressed == 0xFFFFFFFF && q + 8 <= field.Length) { compressed = BinaryPrimitives.ReadInt64LittleEndian(field[q..]); q += 8; }
                if (localOffset == 0xFFFFFFFF && q + 8 <= field.Length) { localOffset = BinaryPrimitives.ReadInt64LittleEndian(field[q..]); }
                return;
            }

            p += 4 + size;
        }
    }

    /// <summary>Zip slip (目录遍历): an entry that would land outside the extraction folder is refused.</summary>
    internal static void RefuseUnsafeName(string name)
    {
        if (name.Length == 0)
        {
            return;
        }

        if (name[0] is '/' or '\\' || (name.Length >= 2 && name[1] == ':') || name.Contains('\0'))
        {
            throw new ApkFormatException($"拒绝处理：ZIP 条目名为绝对路径（'{Printable(name)}'）");
        }

        foreach (var part in name.Split('/', '\\'))
        {
            if (part == "..")
            {
                throw new ApkFormatException($"拒绝处理：ZIP 条目名含 '..' 目录遍历（'{Printable(name)}'）");
            }
        }
    }

    private static string Printable(string s) => s.Length > 80 ? s[..80] + "…" : s.Replace('\0', '?');

    /// <summary>Inflates one entry, within the per-entry, total and ratio limits.</summary>
    public byte[] Read(ZipEntry entry)
    {
        var span = _data.AsSpan();
        var lh = entry.LocalHeaderOffset;
        if (BinaryPrimitives.ReadUInt32LittleEndian(span[(int)lh..]) != LocalHeaderSignature)
        {
            throw new ApkFormatException($"ZIP 条目 '{entry.Name}' 的本地头损坏");
        }

        var nameLength = BinaryPrimitives.ReadUInt16LittleEndian(span[(int)(lh + 26)..]);
        var extraLength = BinaryPrimitives.ReadUInt16LittleEndian(span[(int)(lh + 28)..]);
        var dataStart = lh + 30 + nameLength + extraLength;
        var compressed = entry.CompressedSize;
        if (dataStart > span.Length || compressed < 0 || dataStart + compressed > span.Length)
        {
            throw new ApkFormatException($"ZIP 条目 '{entry.Name}' 的数据超出文件范围（文件可能被截断）");
        }

        if (entry.UncompressedSize > _limits.MaxEntryBytes || entry.UncompressedSize < 0)
        {
            throw new ApkFormatException($"ZIP 条目 '{entry.Name}' 解压后过大（{entry.UncompressedSize} 字节，上限 {_limits.MaxEntryBytes}）");
        }

        if (entry.UncompressedSize > _limits.RatioCheckFloorBytes && entry.UncompressedSize > compressed * _limits.MaxCompressionRatio)
        {
            throw new ApkFormatException($"ZIP 条目 '{entry.Name}' 压缩比异常（{entry.UncompressedSize}/{compressed}），疑似 ZIP 炸弹");
        }

        var total = Interlocked.Add(ref _inflatedTotal, entry.UncompressedSize);
        if (total > _limits.MaxTotalInflatedBytes)
        {
            throw new ApkFormatException($"解压总量超过上限 {_limits.MaxTotalInflatedBytes} 字节，疑似 ZIP 炸弹");
        }

        var raw = new ReadOnlyMemory<byte>(_data, (int)dataStart, (int)compressed);
        // Packers set a bogus method on stored entries; Android treats anything but deflate as stored.
        if (entry.Method != 8)
        {
            return raw.Span[..(int)Math.Min(compressed, entry.UncompressedSize == 0 ? compressed : entry.UncompressedSize)].ToArray();
        }

        return Inflate(entry, raw);
    }

    private byte[] Inflate(ZipEntry entry, ReadOnlyMemory<byte> raw)
    {
        // The declared size bounds the buffer; output beyond it is a lie (or a bomb) and is refused.
        var expected = (int)entry.UncompressedSize;
        var output = GC.AllocateUninitializedArray<byte>(expected); // every byte is written below, or the read fails
        using var source = new BoundedMemoryStream(raw);
        using var inflater = new DeflateStream(source, CompressionMode.Decompress);
        var filled = 0;
        try
        {
            while (filled < expected)
            {
                var n = inflater.Read(output, filled, expected - filled);
                if (n == 0)
                {
                    break;
                }

                filled += n;
            }

            Span<byte> probe = stackalloc byte[1];
            if (filled == expected && inflater.Read(probe) > 0)
            {
                throw new ApkFormatException($"ZIP 条目 '{entry.Name}' 解压后超过声明大小，疑似 ZIP 炸弹");
            }
        }
        catch (InvalidDataException ex)
        {
            throw new ApkFormatException($"ZIP 条目 '{entry.Name}' 的压缩数据损坏：{ex.Message}", ex);
        }

        if (filled != expected)
        {
            throw new ApkFormatException($"ZIP 条目 '{entry.Name}' 的压缩数据被截断（{filled}/{expected} 字节）");
        }

        return output;
    }

    /// <summary>A read-only stream over a memory slice: DeflateStream cannot read past the entry.</summary>
    private sealed class BoundedMemoryStream(ReadOnlyMemory<byte> memory) : Stream
    {
        private int _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => memory.Length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = Math.Min(buffer.Length, memory.Length - _position);
            memory.Span.Slice(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
