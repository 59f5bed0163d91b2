using System.Text;
using System.Text.RegularExpressions;

namespace MedGuard.Detection.Web.Http;

/// <summary>Decodes a body by its declared charset, or a &lt;meta charset&gt; (GBK/GB2312 are common on hospital sites).</summary>
internal static partial class ResponseText
{
    public static string Decode(byte[] bytes, string? charset)
    {
        var encoding = TryEncoding(charset);
        if (encoding is null)
        {
            var head = Encoding.ASCII.GetString(bytes, 0, Math.Min(bytes.Length, 2048));
            var m = MetaCharset().Match(head);
            encoding = m.Success ? TryEncoding(m.Groups[1].Value) : null;
        }

        return (encoding ?? Encoding.UTF8).GetString(bytes);
    }

    private static Encoding? TryEncoding(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        try
        {
            return Encoding.GetEncoding(name.Trim('"', '\'', ' '));
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    [GeneratedRegex("""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", RegexOptions.IgnoreCase)]
    private static partial Regex MetaCharset();
}
