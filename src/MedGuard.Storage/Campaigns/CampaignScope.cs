using System.Text.Json;
using System.Text.Json.Serialization;
using MedGuard.Domain.Inventory;

namespace MedGuard.Storage.Campaigns;

/// <summary>
/// Which assets a campaign covers (stored as <c>Campaign.ScopeJson</c>): the union of the listed institutions, the
/// institutions whose 行政区划 code starts with <see cref="Region"/>, and the listed assets — narrowed to
/// <see cref="AssetKinds"/> when given. Resolved again at each round, so a monthly campaign sees assets registered since.
/// </summary>
public sealed record CampaignScope
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public IReadOnlyList<Guid> InstitutionIds { get; init; } = [];

    /// <summary>A 行政区划 code prefix (<c>33</c> = 浙江省, <c>3301</c> = 杭州市).</summary>
    public string? Region { get; init; }

    /// <summary>Only assets of these kinds (all kinds when empty).</summary>
    public IReadOnlyList<AssetKind> AssetKinds { get; init; } = [];

    public IReadOnlyList<Guid> AssetIds { get; init; } = [];

    public bool IsEmpty => InstitutionIds.Count == 0 && string.IsNullOrWhiteSpace(Region) && AssetIds.Count == 0;

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static CampaignScope FromJson(string? json) =>
        string.IsNullOrWhiteSpace(json) ? new CampaignScope() : JsonSerializer.Deserialize<CampaignScope>(json, Json) ?? new CampaignScope();

    /// <summary>The detector that looks at an asset of this kind (ports: addresses; web: sites; apk: apps; logic: 公众号), or null.</summary>
    public static bool Fits(AssetKind kind, string detector) => (kind, detector) switch
    {
        (AssetKind.Ip, "ports") => true,
        (AssetKind.Origin, "web") => true,
        (AssetKind.App, "apk") => true,
        (AssetKind.Account, "logic") => true,
        _ => false,
    };
}
