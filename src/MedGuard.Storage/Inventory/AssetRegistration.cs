using MedGuard.Domain.Inventory;

namespace MedGuard.Storage.Inventory;

/// <summary>An asset (资产) to register: its value is normalized by <see cref="Asset.Normalize"/>.</summary>
public sealed record NewAsset
{
    /// <summary>The new asset's id when the caller must name it before the save (a candidate accepted in the same save); new otherwise.</summary>
    public Guid? Id { get; init; }

    public required Guid InstitutionId { get; init; }

    public required AssetKind Kind { get; init; }

    public required string Value { get; init; }

    public string? Name { get; init; }

    /// <summary>The 定级对象 the asset serves; must be one of the institution's.</summary>
    public Guid? SystemId { get; init; }

    /// <summary>Accounts: the WeChat AppID.</summary>
    public string? AppId { get; init; }

    /// <summary>Accounts: the H5 / booking entry URL.</summary>
    public string? EntryUrl { get; init; }

    /// <summary>Apps: SHA-256 (hex) of the uploaded APK.</summary>
    public string? ApkSha256 { get; init; }

    public string? Note { get; init; }

    /// <summary>网络区域 (issue 14): the job queue its detection goes to; normalized (<c>zone-a</c> → <c>zone_a</c>), default <c>default</c>.</summary>
    public string? Zone { get; init; }
}

/// <summary>An authorization (授权) to record for one asset; the letter's SHA-256 is computed by the registry.</summary>
public sealed record NewAuthorization
{
    public required Guid AssetId { get; init; }

    /// <summary>Who signed for the institution (name and post as on the letter).</summary>
    public required string AuthorizedBy { get; init; }

    /// <summary>First valid day, China time, inclusive.</summary>
    public required DateOnly ValidFrom { get; init; }

    /// <summary>Last valid day, China time, inclusive.</summary>
    public required DateOnly ValidUntil { get; init; }

    /// <summary>Detectors permitted; empty = every detector that fits the asset's kind (<see cref="AssetRegistry.DetectorsFitting"/>).</summary>
    public IReadOnlyList<string> Detectors { get; init; } = [];

    /// <summary>Daily window in China time, <c>22:00-06:00</c>; null = any time.</summary>
    public string? AllowedWindow { get; init; }

    /// <summary>Connections or requests per second per host; null = <see cref="AssetRegistry.DefaultRatePerHost"/>.</summary>
    public double? MaxRatePerHost { get; init; }

    public string? LetterFileName { get; init; }

    /// <summary>The letter's bytes (at most <see cref="AssetAuthorization.MaxLetterBytes"/>).</summary>
    public byte[]? Letter { get; init; }
}

/// <summary>A registration the registry refuses; the message says why in Chinese and nothing was written.</summary>
public sealed class AssetRegistrationException(string message) : Exception(message);
