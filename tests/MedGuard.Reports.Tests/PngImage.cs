using System.Buffers.Binary;
using System.IO.Compression;

namespace MedGuard.Reports.Tests;

/// <summary>A minimal PNG decoder (8-bit RGB/RGBA, not interlaced — what chromium writes) for pixel checks on charts.</summary>
internal sealed class PngImage
{
    private PngImage(int width, int height, byte[] gray)
    {
        Width = width;
        Height = height;
        Gray = gray;
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Luminance 0–255 per pixel, row by row.</summary>
    public byte[] Gray { get; }

    public static PngImage Decode(byte[] png)
    {
        int width = 0, height = 0, channels = 0;
        using var idat = new MemoryStream();
        for (var at = 8; at < png.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            var type = System.Text.Encoding.ASCII.GetString(png, at + 4, 4);
            var data = png.AsSpan(at + 8, length);
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                Assert.Equal(8, data[8]);
                channels = data[9] switch { 2 => 3, 6 => 4, 0 => 1, 4 => 2, _ => throw new NotSupportedException($"PNG 颜色类型 {data[9]}") };
                Assert.Equal(0, data[12]);
            }
            else if (type == "IDAT")
            {
                idat.Write(data);
            }

            at += 12 + length;
        }

        idat.Position = 0;
        using var z = new ZLibStream(idat, CompressionMode.Decompress);
        using var raw = new MemoryStream();
        z.CopyTo(raw);
        var bytes = raw.ToArray();
        var stride = width * channels;
        var previous = new byte[stride];
        var current = new byte[stride];
        var gray = new byte[width * height];
        for (var y = 0; y < height; y++)
        {
            var filter = bytes[y * (stride + 1)];
            Array.Copy(bytes, (y * (stride + 1)) + 1, current, 0, stride);
            for (var i = 0; i < stride; i++)
            {
                int a = i >= channels ? current[i - channels] : 0, b = previous[i], c = i >= channels ? previous[i - channels] : 0;
                current[i] = (byte)(current[i] + filter switch
                {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => (a + b) / 2,
                    4 => Paeth(a, b, c),
                    _ => throw new NotSupportedException($"PNG 过滤器 {filter}"),
                });
            }

            for (var x = 0; x < width; x++)
            {
                var p = x * channels;
                gray[(y * width) + x] = channels >= 3 ? (byte)(((current[p] * 299) + (current[p + 1] * 587) + (current[p + 2] * 114)) / 1000) : current[p];
            }

            (previous, current) = (current, previous);
        }

        return new PngImage(width, height, gray);
    }

    /// <summary>Dark pixels (ink) in a rectangle.</summary>
    public int Ink(int x0, int y0, int w, int h)
    {
        var n = 0;
        for (var y = y0; y < Math.Min(Height, y0 + h); y++)
        {
            for (var x = x0; x < Math.Min(Width, x0 + w); x++)
            {
                n += Gray[(y * Width) + x] < 128 ? 1 : 0;
            }
        }

        return n;
    }

    /// <summary>The ink mask of a rectangle as a string of 0/1 (to compare two renders).</summary>
    public string Mask(int x0, int y0, int w, int h)
    {
        var chars = new char[w * h];
        for (var y = 0; y < h; y++)
        {
            for (var x = 0; x < w; x++)
            {
                chars[(y * w) + x] = Gray[((y0 + y) * Width) + x0 + x] < 128 ? '1' : '0';
            }
        }

        return new string(chars);
    }

    private static int Paeth(int a, int b, int c)
    {
        var p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
