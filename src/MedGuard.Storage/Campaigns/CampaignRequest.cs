using MedGuard.Domain.Campaigns;

namespace MedGuard.Storage.Campaigns;

/// <summary>What a person asks for when creating a campaign (page, API or <c>medguard campaign start</c>).</summary>
public sealed record CampaignRequest
{
    public required string Name { get; init; }

    public required CampaignScope Scope { get; init; }

    /// <summary><c>ports</c>, <c>web</c>, <c>apk</c>.</summary>
    public required IReadOnlyList<string> Detectors { get; init; }

    public CampaignScheduleKind Schedule { get; init; } = CampaignScheduleKind.Now;

    /// <summary>For <see cref="CampaignScheduleKind.Once"/>.</summary>
    public DateTimeOffset? RunAt { get; init; }

    /// <summary>For <see cref="CampaignScheduleKind.Cron"/>: five fields, Beijing time.</summary>
    public string? Cron { get; init; }

    public int GlobalConcurrency { get; init; } = 4;

    /// <summary>Daily window in Beijing time, <c>22:00-06:00</c>; null = whenever the authorizations allow.</summary>
    public string? Window { get; init; }

    public int MaxTaskSeconds { get; init; } = 3600;

    public int? MaxRoundSeconds { get; init; }

    public string Ports { get; init; } = "top100";

    public int WebMaxPages { get; init; } = 50;

    /// <summary>Who creates it (user name, or <c>cli:$USER</c>).</summary>
    public required string CreatedBy { get; init; }

    public Guid? UserId { get; init; }
}

/// <summary>A campaign request or action refused; the message says why, in Chinese (the page shows it, the API answers 400).</summary>
public sealed class CampaignException(string message) : InvalidOperationException(message);
