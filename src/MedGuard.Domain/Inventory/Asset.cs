using System.Net;
using System.Text.RegularExpressions;
using MedGuard.Domain.Findings;
using MedGuard.Domain.Scope;

namespace MedGuard.Domain.Inventory;

/// <summary>A value that is not a valid asset of its kind; the message says why, in Chinese.</summary>
public sealed class AssetValueException(string message) : FormatException(message);

/// <summary>
/// 资产 — something of an institution's that detectors may look at (an address or range, a website, an app, a WeChat
/// account), linked to the 定级对象 it serves. Findings are stored against assets; detection of an asset needs a
/// valid <see cref="AssetAuthorization"/> (授权).
/// </summary>
public sealed partial class Asset
{
    private AddressRange? _block;
    private string? _blockOf;

    public Guid Id { get; set; } = Guid.NewGuid();

    public Guid InstitutionId { get; set; }

    /// <summary>The 定级对象 (graded system) the asset serves, when known.</summary>
    public Guid? SystemId { get; set; }

    public AssetKind Kind { get; set; }

    /// <summary>Normalized (<see cref="Normalize"/>): IP or CIDR; <c>https://host[:port]</c> or a bare host; package; account name.</summary>
    public required string Value { get; set; }

    public string? Name { get; set; }

    public string? Note { get; set; }

    /// <summary>Apps: SHA-256 (hex) of the uploaded APK.</summary>
    public string? ApkSha256 { get; set; }

    /// <summary>Accounts: the WeChat AppID.</summary>
    public string? AppId { get; set; }

    /// <summary>Accounts: the H5 / booking entry URL.</summary>
    public string? EntryUrl { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>
    /// 网络区域: where the asset can be reached from; platform-run detection of it goes to this zone's job queue
    /// (<see cref="NetworkZone.Normalize"/>: lowercase letters, digits and underscores, <c>zone-a</c> → <c>zone_a</c>).
    /// </summary>
    public string Zone { get; set; } = NetworkZone.Default;

    /// <summary>Normalizes a value of the kind, or throws <see cref="AssetValueException"/> with the reason in Chinese.</summary>
    public static string Normalize(AssetKind kind, string? text)
    {
        var value = text?.Trim() ?? "";
        if (value.Length == 0)
        {
            throw new AssetValueException($"{kind.ToChinese()}资产的值不能为空");
        }

        switch (kind)
        {
            case AssetKind.Ip:
                return AddressRange.TryParse(value, out var range)
                    ? range.ToNotation()
                    : throw new AssetValueException($"'{value}' 不是有效的 IP 地址、CIDR 网段或地址段（如 10.0.0.5、10.0.0.0/24、10.0.0.1-10.0.0.9、2001:db8::/48）");
            case AssetKind.Origin:
                return NormalizeOrigin(value);
            case AssetKind.App:
                return PackagePattern().IsMatch(value) && value.Length <= 255
                    ? value
                    : throw new AssetValueException($"'{value}' 不是有效的 Android 包名（如 com.hospital.booking）");
            case AssetKind.Account:
                return value.Length <= 200 ? value : throw new AssetValueException("公众号名称或 AppID 最多 200 个字符");
            default:
                throw new AssetValueException($"未知的资产类型 {kind}");
        }
    }

    private static string NormalizeOrigin(string value)
    {
        if (value.Contains("://", StringComparison.Ordinal))
        {
            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || uri.Host.Length == 0)
            {
                throw new AssetValueException($"'{value}' 不是有效的网站地址（应为 https://主机[:端口]，或只写主机名）");
            }

            return uri.GetLeftPart(UriPartial.Authority).ToLowerInvariant();
        }

        var host = value.TrimEnd('.').ToLowerInvariant();
        return Uri.CheckHostName(host) is UriHostNameType.Dns or UriHostNameType.IPv4 && !host.Contains('/', StringComparison.Ordinal)
            ? host
            : throw new AssetValueException($"'{value}' 不是有效的主机名或网站地址（应为 https://主机[:端口]，或只写主机名）");
    }

    /// <summary>
    /// Whether a finding's target lies on this asset: an address asset (one address or CIDR, IPv4 and IPv6) holds a
    /// service on an address in it, and a web origin whose host is such an address; a website asset holds the web
    /// places of its origin (of any origin on its host, when registered as a bare host name) and the services on its
    /// host; an app asset its package; an account asset its account, by name or AppID.
    /// </summary>
    public bool Matches(FindingTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return (Kind, target) switch
        {
            (AssetKind.Ip, ServiceTarget service) => ContainsAddress(service.Host),
            (AssetKind.Ip, WebTarget web) => HostOf(web.Origin) is { } host && ContainsAddress(host),
            (AssetKind.Origin, WebTarget web) => IsBareHost
                ? string.Equals(HostOf(web.Origin), Value, StringComparison.OrdinalIgnoreCase)
                : string.Equals(web.Origin.TrimEnd('/'), Value, StringComparison.OrdinalIgnoreCase),
            (AssetKind.Origin, ServiceTarget service) => string.Equals(service.Host, IsBareHost ? Value : HostOf(Value), StringComparison.OrdinalIgnoreCase),
            (AssetKind.App, AppTarget app) => string.Equals(app.Package, Value, StringComparison.Ordinal),
            (AssetKind.Account, AccountTarget account) => string.Equals(account.Account, Value, StringComparison.Ordinal)
                || (AppId is not null && string.Equals(account.Account, AppId, StringComparison.Ordinal)),
            _ => false,
        };
    }

    /// <summary>How closely the asset names what it holds: an exact value beats an origin, an origin beats an address range, a narrow range a wide one.</summary>
    public int Specificity => Kind switch
    {
        AssetKind.App or AssetKind.Account => 1000,
        AssetKind.Origin => IsBareHost ? 800 : 900,
        _ => Block is { } block ? block.PrefixLength : 0,
    };

    private bool IsBareHost => Kind == AssetKind.Origin && !Value.Contains("://", StringComparison.Ordinal);

    private AddressRange? Block
    {
        get
        {
            // Parsed once per value: an import matches thousands of targets against the same assets.
            if (!ReferenceEquals(_blockOf, Value))
            {
                _block = AddressRange.TryParse(Value, out var range) ? range : null;
                _blockOf = Value;
            }

            return _block;
        }
    }

    private bool ContainsAddress(string host) =>
        Block is { } block && IPAddress.TryParse(host.Trim('[', ']'), out var address) && block.Contains(address);

    private static string? HostOf(string origin) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri) ? uri.Host.Trim('[', ']') : null;

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)+$")]
    private static partial Regex PackagePattern();
}
