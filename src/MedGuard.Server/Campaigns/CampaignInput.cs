using MedGuard.Domain.Campaigns;
using MedGuard.Domain.Inventory;
using MedGuard.Storage.Campaigns;

namespace MedGuard.Server.Campaigns;

/// <summary>
/// A campaign as a person fills it in (the 新建 page's form or the body of POST /api/campaigns): loosely typed, read
/// into a <see cref="CampaignRequest"/> whose every refusal is a <see cref="CampaignException"/> in Chinese.
/// </summary>
public sealed record CampaignInput
{
    public string? Name { get; init; }

    public CampaignScopeInput? Scope { get; init; }

    /// <summary><c>ports</c>, <c>web</c>, <c>apk</c>.</summary>
    public IReadOnlyList<string>? Detectors { get; init; }

    /// <summary><c>now</c> 立即, <c>once</c> 定时一次, <c>cron</c> 周期 (default now).</summary>
    public string? Schedule { get; init; }

    /// <summary>For <c>once</c>: when (an offset is required in the API; the page sends Beijing time).</summary>
    public DateTimeOffset? RunAt { get; init; }

    /// <summary>For <c>cron</c>: five fields (分 时 日 月 周) in Beijing time.</summary>
    public string? Cron { get; init; }

    public int? GlobalConcurrency { get; init; }

    /// <summary>Daily window in Beijing time, <c>22:00-06:00</c>.</summary>
    public string? Window { get; init; }

    public int? MaxTaskSeconds { get; init; }

    public int? MaxRoundSeconds { get; init; }

    public string? Ports { get; init; }

    public int? WebMaxPages { get; init; }

    /// <summary>The request for <see cref="CampaignService.CreateAsync"/> (schedule and asset kinds read; the rest the service checks).</summary>
    public CampaignRequest ToRequest(string createdBy, Guid? userId)
    {
        var scope = Scope ?? new CampaignScopeInput();
        var region = string.IsNullOrWhiteSpace(scope.Region) ? null : scope.Region.Trim();
        if (region is not null && (region.Length is < 2 or > 6 || !region.All(char.IsAsciiDigit)))
        {
            throw new CampaignException($"行政区划代码 '{region}' 无效（应为 2–6 位数字，如 11 北京市、110108 海淀区）");
        }

        var defaults = new CampaignRequest { Name = "", Scope = new CampaignScope(), Detectors = [], CreatedBy = createdBy };
        return new CampaignRequest
        {
            Name = Name ?? "",
            Scope = new CampaignScope
            {
                InstitutionIds = [.. (scope.InstitutionIds ?? []).Distinct()],
                Region = region,
                AssetKinds = [.. (scope.AssetKinds ?? []).Where(k => !string.IsNullOrWhiteSpace(k)).Select(ParseKind).Distinct()],
                AssetIds = [.. (scope.AssetIds ?? []).Distinct()],
            },
            Detectors = Detectors ?? [],
            Schedule = ParseSchedule(Schedule),
            RunAt = RunAt,
            // An empty cron reaches the service's own check, which explains the five fields.
            Cron = Cron ?? "",
            GlobalConcurrency = GlobalConcurrency ?? defaults.GlobalConcurrency,
            Window = Window,
            MaxTaskSeconds = MaxTaskSeconds ?? defaults.MaxTaskSeconds,
            MaxRoundSeconds = MaxRoundSeconds,
            Ports = Ports ?? defaults.Ports,
            WebMaxPages = WebMaxPages ?? defaults.WebMaxPages,
            CreatedBy = createdBy,
            UserId = userId,
        };
    }

    public static CampaignScheduleKind ParseSchedule(string? schedule) => schedule?.Trim().ToLowerInvariant() switch
    {
        null or "" or "now" or "立即" => CampaignScheduleKind.Now,
        "once" or "定时" or "定时一次" => CampaignScheduleKind.Once,
        "cron" or "周期" => CampaignScheduleKind.Cron,
        _ => throw new CampaignException($"未知的计划方式 '{schedule}'（可选：now 立即、once 定时一次、cron 周期）"),
    };

    private static AssetKind ParseKind(string kind) =>
        AssetKindNames.TryParse(kind, out var parsed) ? parsed : throw new CampaignException($"未知的资产类型 '{kind}'（可选：ip、origin、app、account）");
}

/// <summary>Which assets: institutions, a 行政区划 code prefix, asset kinds (narrowing), single assets.</summary>
public sealed record CampaignScopeInput
{
    public IReadOnlyList<Guid>? InstitutionIds { get; init; }

    public string? Region { get; init; }

    /// <summary><c>ip</c>, <c>origin</c>, <c>app</c>, <c>account</c> (all kinds when empty).</summary>
    public IReadOnlyList<string>? AssetKinds { get; init; }

    public IReadOnlyList<Guid>? AssetIds { get; init; }
}
