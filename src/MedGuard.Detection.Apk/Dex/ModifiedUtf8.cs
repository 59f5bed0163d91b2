using System.Buffers;

namespace MedGuard.Detection.Apk.Dex;

/// <summary>DEX strings are MUTF-8: NUL as two bytes, supplementary characters as two 3-byte surrogates.</summary>
internal static class ModifiedUtf8
{
    public static string Decode(ReadOnlySpan<byte> b, int utf16Length, string where)
    {
        if (utf16Length < 0 || utf16Length > b.Length)
        {
            throw new ApkFormatException($"{where} 的字符串长度 {utf16Length} 越界");
        }

        if (utf16Length == 0)
        {
            return string.Empty;
        }

        var rented = utf16Length <= 256 ? null : ArrayPool<char>.Shared.Rent(utf16Length);
        var chars = rented ?? stackalloc char[utf16Length];
        var p = 0;
        for (var i = 0; i < utf16Length; i++)
        {
            if (p >= b.Length)
            {
                throw new ApkFormatException($"{where} 的字符串被截断");
            }

            int c = b[p++];
            if (c >= 0x80)
            {
                if ((c & 0xE0) == 0xC0 && p < b.Length)
                {
                    c = ((c & 0x1F) << 6) | (b[p++] & 0x3F);
                }
                else if ((c & 0xF0) == 0xE0 && p + 1 < b.Length)
                {
                    c = ((c & 0x0F) << 12) | ((b[p] & 0x3F) << 6) | (b[p + 1] & 0x3F);
                    p += 2;
                }
                else
                {
                    c = 0xFFFD;
                }
            }

            chars[i] = (char)c;
        }

        var s = new string(chars[..utf16Length]);
        if (rented is not null)
        {
            ArrayPool<char>.Shared.Return(rented);
        }

        return s;
    }
}
