using MedGuard.Domain.Findings;

namespace MedGuard.Storage.Findings;

/// <summary>How a run is imported: for whom, by whom, when.</summary>
public sealed record ImportOptions
{
    /// <summary>Match the run's targets only against this institution's assets (<c>--institution</c>); all visible assets when null.</summary>
    public Guid? InstitutionId { get; init; }

    /// <summary>Who imports, as the history and the audit trail name them.</summary>
    public required string ImportedBy { get; init; }

    public Guid? UserId { get; init; }

    public DateTimeOffset Now { get; init; } = DateTimeOffset.UtcNow;

    /// <summary>The campaign task whose run this is (issue 14): recorded on the import, unique, so a task never imports twice.</summary>
    public Guid? CampaignTaskId { get; init; }
}

/// <summary>What one import did for one institution the run touched.</summary>
/// <param name="Updated">Seen again: open findings updated, and 误报/风险接受 whose last-seen moved.</param>
/// <param name="Unchanged">Existing findings of the detector the run did not see and did not cover: left as they are.</param>
public sealed record InstitutionImport(Guid InstitutionId, Guid ImportId, int New, int Updated, int Fixed, int Reopened, int Unchanged)
{
    /// <summary>Rectification items created for open 高/中 findings on graded systems (issue 12 §5).</summary>
    public int RectificationsCreated { get; init; }

    /// <summary>Rectification items proposed for 复测通过 because their finding was fixed by this run.</summary>
    public int RetestsProposed { get; init; }
}

/// <summary>The outcome of <see cref="FindingImporter.ImportAsync(MedGuardDbContext, Domain.Detection.DetectionRun, ImportOptions, CancellationToken)"/>.</summary>
public sealed record ImportResult(string RunDigest, IReadOnlyList<InstitutionImport> Institutions, IReadOnlyList<FindingStatusChange> Changes)
{
    public int New => Institutions.Sum(i => i.New);

    public int Updated => Institutions.Sum(i => i.Updated);

    public int Fixed => Institutions.Sum(i => i.Fixed);

    public int Reopened => Institutions.Sum(i => i.Reopened);

    public int Unchanged => Institutions.Sum(i => i.Unchanged);

    /// <summary>Candidate websites (候选资产) the run's apps added to their institutions (issue 18 §5); none for other detectors.</summary>
    public int CandidatesOffered { get; init; }
}

/// <summary>A run the importer refuses (unregistered asset, no valid authorization, already imported…); nothing was written.</summary>
public sealed class FindingImportException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The run was imported before (for these institutions): a conflict, not a bad run (the API answers 409).</summary>
    public bool AlreadyImported { get; init; }
}
