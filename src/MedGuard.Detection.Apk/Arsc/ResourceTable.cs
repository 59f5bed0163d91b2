using System.Buffers.Binary;
using MedGuard.Detection.Apk.Axml;

namespace MedGuard.Detection.Apk.Arsc;

/// <summary>
/// resources.arsc, read just far enough to resolve what the manifest references: string values (labels) and file
/// paths (<c>@xml/network_security_config</c> → <c>res/xml/network_security_config.xml</c>). The default
/// configuration wins when a resource has several.
/// </summary>
public sealed class ResourceTable
{
    private const ushort TableType = 0x0002;
    private const ushort StringPoolType = 0x0001;
    private const ushort PackageType = 0x0200;
    private const ushort TypeType = 0x0201;

    private readonly ResourceStringPool _globalStrings;
    // resource id → (value type, data, default-config?)
    private readonly Dictionary<uint, (ResourceValueType Type, uint Data, bool IsDefault)> _values = [];

    public static ResourceTable Empty { get; } = new(ResourceStringPool.Empty);

    private ResourceTable(ResourceStringPool globalStrings) => _globalStrings = globalStrings;

    public int Count => _values.Count;

    public static ResourceTable Read(ReadOnlySpan<byte> data)
    {
        if (data.Length < 12 || BinaryPrimitives.ReadUInt16LittleEndian(data) != TableType)
        {
            throw new ApkFormatException("resources.arsc 不是资源表");
        }

        var headerSize = BinaryPrimitives.ReadUInt16LittleEndian(data[2..]);
        var pos = (int)Math.Clamp(headerSize, (ushort)12, (ushort)64);
        ResourceTable? table = null;
        var pending = new List<(int Start, int Length)>();
        while (pos + 8 <= data.Length)
        {
            var type = BinaryPrimitives.ReadUInt16LittleEndian(data[pos..]);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(data[(pos + 4)..]);
            if (size < 8 || size > (uint)(data.Length - pos))
            {
                throw new ApkFormatException($"resources.arsc 损坏：偏移 {pos} 处块大小越界");
            }

            if (type == StringPoolType && table is null)
            {
                table = new ResourceTable(ResourceStringPool.Parse(data.Slice(pos, (int)size)));
            }
            else if (type == PackageType)
            {
                pending.Add((pos, (int)size));
            }

            pos += (int)size;
        }

        table ??= new ResourceTable(ResourceStringPool.Empty);
        foreach (var (start, length) in pending)
        {
            table.ReadPackage(data.Slice(start, length));
        }

        return table;
    }

    private void ReadPackage(ReadOnlySpan<byte> package)
    {
        if (package.Length < 12)
        {
            return;
        }

        var headerSize = BinaryPrimitives.ReadUInt16LittleEndian(package[2..]);
        var packageId = BinaryPrimitives.ReadUInt32LittleEndian(package[8..]);
        var pos = (int)headerSize;
        while (pos + 8 <= package.Length && pos > 0)
        {
            var type = BinaryPrimitives.ReadUInt16LittleEndian(package[pos..]);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(package[(pos + 4)..]);
            if (size < 8 || size > (uint)(package.Length - pos))
            {
                throw new ApkFormatException("resources.arsc 损坏：包内块大小越界");
            }

            if (type == TypeType)
            {
                ReadType(package.Slice(pos, (int)size), packageId);
            }

            pos += (int)size;
        }
    }

    private void ReadType(ReadOnlySpan<byte> chunk, uint packageId)
    {
        var headerSize = BinaryPrimitives.ReadUInt16LittleEndian(chunk[2..]);
        if (chunk.Length < 20 || headerSize < 20 || headerSize > chunk.Length)
        {
            return;
        }

        var typeId = chunk[8];
        var flags = chunk[9];
        var entryCount = BinaryPrimitives.ReadUInt32LittleEndian(chunk[12..]);
        var entriesStart = BinaryPrimitives.ReadUInt32LittleEndian(chunk[16..]);
        var isDefault = IsDefaultConfig(chunk[20..headerSize]);
        var sparse = (flags & 0x01) != 0;
        var offset16 = (flags & 0x02) != 0;
        var indexWidth = sparse || !offset16 ? 4 : 2;
        if (entryCount > (uint)(chunk.Length - headerSize) / (uint)indexWidth || entriesStart > chunk.Length)
        {
            return;
        }

        for (var i = 0; i < (int)entryCount; i++)
        {
            int entryIndex;
            long entryOffset;
            var at = headerSize + (i * indexWidth);
            if (sparse)
            {
                entryIndex = BinaryPrimitives.ReadUInt16LittleEndian(chunk[at..]);
                entryOffset = BinaryPrimitives.ReadUInt16LittleEndian(chunk[(at + 2)..]) * 4L;
            }
            else if (offset16)
            {
                entryIndex = i;
                var o = BinaryPrimitives.ReadUInt16LittleEndian(chunk[at..]);
                if (o == 0xFFFF)
                {
                    continue;
                }

                entryOffset = o * 4L;
            }
            else
            {
                entryIndex = i;
                var o = BinaryPrimitives.ReadUInt32LittleEndian(chunk[at..]);
                if (o == 0xFFFFFFFF)
                {
                    continue;
                }

                entryOffset = o;
            }

            var e = entriesStart + entryOffset;
            if (e + 8 > chunk.Length)
            {
                continue;
            }

            var entrySize = BinaryPrimitives.ReadUInt16LittleEndian(chunk[(int)e..]);
            var entryFlags = BinaryPrimitives.ReadUInt16LittleEndian(chunk[(int)(e + 2)..]);
            ResourceValueType valueType;
            uint value;
            if ((entryFlags & 0x0008) != 0)
            {
                // Compact entry: type in the flags' high byte, data in place of the key.
                valueType = (ResourceValueType)(entryFlags >> 8);
                value = BinaryPrimitives.ReadUInt32LittleEndian(chunk[(int)(e + 4)..]);
            }
            else if ((entryFlags & 0x0001) != 0)
            {
                continue; // complex (style, array): nothing the manifest needs
            }
            else
            {
                var v = e + entrySize;
                if (v + 8 > chunk.Length)
                {
                    continue;
                }

                valueType = (ResourceValueType)chunk[(int)(v + 3)];
                value = BinaryPrimitives.ReadUInt32LittleEndian(chunk[(int)(v + 4)..]);
            }

            var id = (packageId << 24) | ((uint)typeId << 16) | (uint)entryIndex;
            if (!_values.TryGetValue(id, out var existing) || (isDefault && !existing.IsDefault))
            {
                _values[id] = (valueType, value, isDefault);
            }
        }
    }

    private static bool IsDefaultConfig(ReadOnlySpan<byte> config)
    {
        // The first 4 bytes are the config's size; everything after zero means "any".
        for (var i = 4; i < config.Length; i++)
        {
            if (config[i] != 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Resolves a resource reference to a string (a label, or a file path for @xml/), following references.</summary>
    public string? ResolveString(uint resourceId)
    {
        for (var depth = 0; depth < 8; depth++)
        {
            if (!_values.TryGetValue(resourceId, out var v))
            {
                return null;
            }

            switch (v.Type)
            {
                case ResourceValueType.String:
                    return _globalStrings.Get(v.Data);
                case ResourceValueType.Reference:
                    resourceId = v.Data;
                    continue;
                case ResourceValueType.IntBoolean:
                    return v.Data != 0 ? "true" : "false";
                default:
                    return null;
            }
        }

        return null;
    }
}
