using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace MedGuard.Domain.Inventory;

/// <summary>An IPv4 or IPv6 address or CIDR block (<c>10.0.0.0/24</c>, <c>2001:db8::/48</c>), normalized to its network.</summary>
public readonly record struct AddressBlock(IPAddress Network, int PrefixLength)
{
    public bool IsSingle => PrefixLength == Network.GetAddressBytes().Length * 8;

    public static bool TryParse(string? text, out AddressBlock block)
    {
        block = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var trimmed = text.Trim();
        var slash = trimmed.IndexOf('/');
        var addressText = slash < 0 ? trimmed : trimmed[..slash];
        if (!IPAddress.TryParse(addressText, out var address) || addressText.Contains('%'))
        {
            return false;
        }

        address = Plain(address);
        var bits = address.GetAddressBytes().Length * 8;
        var prefix = bits;
        if (slash >= 0 && (!int.TryParse(trimmed.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out prefix) || prefix > bits))
        {
            return false;
        }

        block = new AddressBlock(Mask(address, prefix), prefix);
        return true;
    }

    public bool Contains(IPAddress address)
    {
        var candidate = Plain(address);
        return candidate.AddressFamily == Network.AddressFamily && Mask(candidate, PrefixLength).Equals(Network);
    }

    public override string ToString() => IsSingle
        ? Network.ToString()
        : Network + "/" + PrefixLength.ToString(CultureInfo.InvariantCulture);

    // An IPv4 address written as IPv6 (::ffff:10.0.0.1) is the IPv4 address.
    private static IPAddress Plain(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 && address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private static IPAddress Mask(IPAddress address, int prefix)
    {
        var bytes = address.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var keep = Math.Clamp(prefix - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - keep));
        }

        return new IPAddress(bytes);
    }
}
