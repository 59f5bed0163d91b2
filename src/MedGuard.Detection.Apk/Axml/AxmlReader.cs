using System.Buffers.Binary;

namespace MedGuard.Detection.Apk.Axml;

/// <summary>
/// Reads Android binary XML (AXML): a string pool, a resource map giving each attribute name its framework ID, and
/// start/end element chunks. Every chunk size and offset is checked against the buffer.
/// </summary>
public static class AxmlReader
{
    private const ushort XmlType = 0x0003;
    private const ushort StringPoolType = 0x0001;
    private const ushort ResourceMapType = 0x0180;
    private const ushort StartElementType = 0x0102;
    private const ushort EndElementType = 0x0103;
    private const ushort CDataType = 0x0104;
    private const int MaxDepth = 256;
    private const int MaxElements = 500_000;

    public static AxmlElement Read(ReadOnlySpan<byte> data, string what = "AndroidManifest.xml")
    {
        if (data.Length < 8)
        {
            throw new ApkFormatException($"{what} 不是二进制 XML（过短）");
        }

        var type = BinaryPrimitives.ReadUInt16LittleEndian(data);
        if (type != XmlType && type != 0)
        {
            throw new ApkFormatException($"{what} 不是二进制 XML（块类型 0x{type:x4}）");
        }

        var headerSize = BinaryPrimitives.ReadUInt16LittleEndian(data[2..]);
        var pos = headerSize is >= 8 and < 64 ? headerSize : 8;
        var end = data.Length; // packers lie about the document size: read to the end of the buffer
        var strings = ResourceStringPool.Empty;
        uint[] resourceMap = [];
        var stack = new Stack<AxmlElement>();
        AxmlElement? root = null;
        var elements = 0;

        while (pos + 8 <= end)
        {
            var chunkType = BinaryPrimitives.ReadUInt16LittleEndian(data[pos..]);
            var chunkHeader = BinaryPrimitives.ReadUInt16LittleEndian(data[(pos + 2)..]);
            var chunkSize = BinaryPrimitives.ReadUInt32LittleEndian(data[(pos + 4)..]);
            if (chunkSize < 8 || chunkSize > (uint)(end - pos))
            {
                throw new ApkFormatException($"{what} 损坏：偏移 {pos} 处的块大小 {chunkSize} 越界");
            }

            var chunk = data.Slice(pos, (int)chunkSize);
            switch (chunkType)
            {
                case StringPoolType:
                    strings = ResourceStringPool.Parse(chunk);
                    break;
                case ResourceMapType:
                    if (chunkHeader < 8 || chunkHeader > chunkSize)
                    {
                        throw new ApkFormatException($"{what} 损坏：资源映射块头部大小 {chunkHeader} 无效");
                    }

                    resourceMap = new uint[(chunkSize - chunkHeader) / 4];
                    for (var i = 0; i < resourceMap.Length; i++)
                    {
                        resourceMap[i] = BinaryPrimitives.ReadUInt32LittleEndian(chunk[(chunkHeader + (i * 4))..]);
                    }

                    break;
                case StartElementType:
                    {
                        if (++elements > MaxElements || stack.Count >= MaxDepth)
                        {
                            throw new ApkFormatException($"{what} 元素过多或嵌套过深");
                        }

                        var element = ReadStartElement(chunk, chunkHeader, strings, resourceMap, what);
                        if (stack.Count > 0)
                        {
                            stack.Peek().Children.Add(element);
                        }
                        else
                        {
                            root ??= element;
                        }

                        stack.Push(element);
                        break;
                    }

                case CDataType:
                    if (stack.Count > 0 && chunk.Length >= 20)
                    {
                        stack.Peek().Text = strings.GetOrNull(BinaryPrimitives.ReadUInt32LittleEndian(chunk[16..]))?.Trim();
                    }

                    break;
                case EndElementType:
                    if (stack.Count > 0)
                    {
                        stack.Pop();
                    }

                    break;
            }

            pos += (int)chunkSize;
        }

        return root ?? throw new ApkFormatException($"{what} 中没有任何元素");
    }

    private static AxmlElement ReadStartElement(ReadOnlySpan<byte> chunk, ushort headerSize, ResourceStringPool strings, uint[] resourceMap, string what)
    {
        var ext = headerSize is >= 16 ? headerSize : 16;
        if (chunk.Length < ext + 20)
        {
            throw new ApkFormatException($"{what} 损坏：元素块被截断");
        }

        var ns = BinaryPrimitives.ReadUInt32LittleEndian(chunk[ext..]);
        var name = BinaryPrimitives.ReadUInt32LittleEndian(chunk[(ext + 4)..]);
        var attributeStart = BinaryPrimitives.ReadUInt16LittleEndian(chunk[(ext + 8)..]);
        var attributeSize = BinaryPrimitives.ReadUInt16LittleEndian(chunk[(ext + 10)..]);
        var attributeCount = BinaryPrimitives.ReadUInt16LittleEndian(chunk[(ext + 12)..]);
        if (attributeSize < 20)
        {
            attributeSize = 20;
        }

        var element = new AxmlElement(strings.Get(name), strings.GetOrNull(ns));
        for (var i = 0; i < attributeCount; i++)
        {
            var a = ext + attributeStart + (i * attributeSize);
            if (a + 20 > chunk.Length)
            {
                throw new ApkFormatException($"{what} 损坏：元素 <{element.Name}> 的属性越界");
            }

            var attrNs = BinaryPrimitives.ReadUInt32LittleEndian(chunk[a..]);
            var attrName = BinaryPrimitives.ReadUInt32LittleEndian(chunk[(a + 4)..]);
            var raw = BinaryPrimitives.ReadUInt32LittleEndian(chunk[(a + 8)..]);
            var dataType = chunk[a + 15];
            var value = BinaryPrimitives.ReadUInt32LittleEndian(chunk[(a + 16)..]);
            var resourceId = attrName < (uint)resourceMap.Length ? resourceMap[attrName] : 0;
            var rawText = strings.GetOrNull(raw);
            if (rawText is null && dataType == (byte)ResourceValueType.String)
            {
                rawText = strings.GetOrNull(value);
            }

            element.Attributes.Add(new AxmlAttribute(strings.Get(attrName), strings.GetOrNull(attrNs), resourceId, rawText, (ResourceValueType)dataType, value));
        }

        return element;
    }
}
