using System.Net;
using System.Net.Sockets;

namespace MedGuard.Domain.Scope;

/// <summary>
/// An inclusive range of addresses of one family, as 128-bit integers (IPv4 in the low 32 bits), so that CIDR blocks
/// can be compared and counted without enumerating them.
/// </summary>
public readonly record struct AddressRange(AddressFamily Family, UInt128 First, UInt128 Last)
{
    public UInt128 Count => Last - First + 1;

    public bool Contains(IPAddress address) =>
        Normalize(address) is var a && a.AddressFamily == Family && ToNumber(a) is var n && n >= First && n <= Last;

    public bool Contains(AddressRange other) => other.Family == Family && other.First >= First && other.Last <= Last;

    public static AddressRange Single(IPAddress address)
    {
        address = Normalize(address);
        var n = ToNumber(address);
        return new AddressRange(address.AddressFamily, n, n);
    }

    /// <summary>Parses <c>10.200.1.0/24</c>, <c>fd00::/64</c>, a bare address, or a dash range <c>10.0.0.1-10.0.0.9</c>.</summary>
    public static bool TryParse(string text, out AddressRange range)
    {
        range = default;
        text = text.Trim();
        var dash = text.IndexOf('-');
        if (dash > 0)
        {
            if (!IPAddress.TryParse(text[..dash], out var lo) || !IPAddress.TryParse(text[(dash + 1)..], out var hi))
            {
                return false;
            }

            lo = Normalize(lo);
            hi = Normalize(hi);
            if (lo.AddressFamily != hi.AddressFamily || ToNumber(lo) > ToNumber(hi))
            {
                return false;
            }

            range = new AddressRange(lo.AddressFamily, ToNumber(lo), ToNumber(hi));
            return true;
        }

        var slash = text.IndexOf('/');
        if (slash < 0)
        {
            if (!IPAddress.TryParse(text, out var single) || text.Contains('%'))
            {
                return false;
            }

            range = Single(single);
            return true;
        }

        if (!IPAddress.TryParse(text[..slash], out var network)
            || !int.TryParse(text[(slash + 1)..], System.Globalization.NumberStyles.None, null, out var prefix))
        {
            return false;
        }

        network = Normalize(network);
        var bits = network.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        if (prefix < 0 || prefix > bits)
        {
            return false;
        }

        var hostBits = bits - prefix;
        var hostMask = hostBits == 128 ? UInt128.MaxValue : (UInt128.One << hostBits) - 1;
        var first = ToNumber(network) & ~hostMask;
        if (bits == 32)
        {
            first &= uint.MaxValue;
        }

        range = new AddressRange(network.AddressFamily, first, first + hostMask);
        return true;
    }

    public IPAddress AddressAt(UInt128 offset) => FromNumber(Family, First + offset);

    /// <summary>
    /// The length of the shortest network prefix that holds the range (32/128 for one address): how narrowly the range
    /// names its hosts, so that the narrowest of several registered ranges wins.
    /// </summary>
    public int PrefixLength
    {
        get
        {
            var bits = Family == AddressFamily.InterNetwork ? 32 : 128;
            var span = First ^ Last;
            var hostBits = 0;
            while (span != UInt128.Zero)
            {
                span >>= 1;
                hostBits++;
            }

            return bits - hostBits;
        }
    }

    /// <summary>As people register ranges: one address, a CIDR block when the range is exactly one, else first-last.</summary>
    public string ToNotation()
    {
        var bits = Family == AddressFamily.InterNetwork ? 32 : 128;
        var prefix = PrefixLength;
        var hostMask = bits - prefix == 128 ? UInt128.MaxValue : (UInt128.One << (bits - prefix)) - 1;
        return First == Last ? FromNumber(Family, First).ToString()
            : (First & hostMask) == UInt128.Zero && (Last & hostMask) == hostMask ? $"{FromNumber(Family, First)}/{prefix}"
            : ToString();
    }

    public override string ToString() =>
        First == Last ? FromNumber(Family, First).ToString() : $"{FromNumber(Family, First)}-{FromNumber(Family, Last)}";

    /// <summary>IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are treated as the IPv4 address they carry.</summary>
    public static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    public static UInt128 ToNumber(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var written);
        UInt128 n = 0;
        for (var i = 0; i < written; i++)
        {
            n = (n << 8) | bytes[i];
        }

        return n;
    }

    public static IPAddress FromNumber(AddressFamily family, UInt128 n)
    {
        var length = family == AddressFamily.InterNetwork ? 4 : 16;
        var bytes = new byte[length];
        for (var i = length - 1; i >= 0; i--)
        {
            bytes[i] = (byte)(n & 0xFF);
            n >>= 8;
        }

        return new IPAddress(bytes);
    }
}
