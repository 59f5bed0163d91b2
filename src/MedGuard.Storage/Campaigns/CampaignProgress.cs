using MedGuard.Domain.Campaigns;

namespace MedGuard.Storage.Campaigns;

/// <summary>A campaign as a list shows it.</summary>
public sealed record CampaignSummary(
    Guid Id, string Name, CampaignStatus Status, CampaignScheduleKind Schedule, string? Cron, IReadOnlyList<string> Detectors,
    DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? NextRunAt, int Rounds, int Tasks, int Finished, int Failed);

/// <summary>Task counts by status, and what the imports found.</summary>
public sealed record TaskCounts
{
    public int Total { get; init; }

    public IReadOnlyDictionary<CampaignTaskStatus, int> ByStatus { get; init; } = new Dictionary<CampaignTaskStatus, int>();

    public int Finished => Count(CampaignTaskStatus.Succeeded) + Count(CampaignTaskStatus.Failed) + Count(CampaignTaskStatus.Refused) + Count(CampaignTaskStatus.Cancelled);

    public int NewFindings { get; init; }

    public int FixedFindings { get; init; }

    public int StillOpenFindings { get; init; }

    public int Count(CampaignTaskStatus status) => ByStatus.GetValueOrDefault(status);

    /// <summary>Done share, 0–1.</summary>
    public double Done => Total == 0 ? 1 : (double)Finished / Total;
}

/// <summary>One institution's part of the current round.</summary>
public sealed record InstitutionProgress(Guid InstitutionId, string InstitutionName, TaskCounts Counts);

/// <summary>A task that failed or was refused, with its reason (Chinese).</summary>
public sealed record TaskFailure(
    Guid TaskId, Guid InstitutionId, string InstitutionName, Guid AssetId, string Asset, string Detector, CampaignTaskStatus Status,
    int Attempts, string? Error, DateTimeOffset? FinishedAt);

/// <summary>
/// A campaign's progress (<see cref="CampaignService.GetAsync"/>): its latest round overall and per institution, the
/// estimated end (mean duration of the round's finished tasks × what remains ÷ the concurrency), failures with their
/// reasons, and every round's counts.
/// </summary>
public sealed record CampaignProgress(
    Campaign Campaign, CampaignScope Scope, CampaignRound? CurrentRound, IReadOnlyList<CampaignRound> Rounds, TaskCounts Overall,
    IReadOnlyList<InstitutionProgress> Institutions, IReadOnlyList<TaskFailure> Failures, TimeSpan? MeanTaskDuration, DateTimeOffset? EstimatedEnd,
    IReadOnlyList<DetectionStop> ActiveStops);
