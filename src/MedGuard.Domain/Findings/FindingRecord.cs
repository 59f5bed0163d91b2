namespace MedGuard.Domain.Findings;

/// <summary>
/// 检测发现 as the platform stores it: one per institution and fingerprint, on the asset it was matched to, with its
/// lifecycle (<see cref="FindingStatus"/>). The target is kept in typed columns for filtering; the evidence only as
/// SM4 ciphertext (never plaintext at rest; masked wherever shown — <see cref="EvidenceMask"/>).
/// Written by the importer (storage's <c>FindingImporter</c>) and moved on by people through the finding workflow.
/// </summary>
public sealed class FindingRecord
{
    public Guid Id { get; set; } = Guid.NewGuid();

    public Guid InstitutionId { get; set; }

    public Guid AssetId { get; set; }

    /// <summary>The 定级对象 of the asset when the finding was last seen.</summary>
    public Guid? SystemId { get; set; }

    /// <summary><c>ports</c>, <c>web</c>, <c>apk</c>, <c>logic</c>.</summary>
    public required string Detector { get; set; }

    public required string RuleId { get; set; }

    public required string Title { get; set; }

    public Severity Severity { get; set; }

    public required string Fingerprint { get; set; }

    /// <summary><c>service</c>, <c>web</c>, <c>app</c>, <c>account</c>.</summary>
    public required string TargetKind { get; set; }

    public required string TargetDisplay { get; set; }

    public string? Host { get; set; }

    public int? Port { get; set; }

    public string? Origin { get; set; }

    public string? Path { get; set; }

    public string? Parameter { get; set; }

    public string? Package { get; set; }

    public string? Member { get; set; }

    public string? Account { get; set; }

    public string? Endpoint { get; set; }

    /// <summary>The locations as a JSON array of strings.</summary>
    public string Locations { get; set; } = "[]";

    /// <summary>The evidence (JSON object) encrypted with SM4-GCM; null when the finding carried none.</summary>
    public string? EvidenceCiphertext { get; set; }

    /// <summary>Keyed digest of the evidence plaintext, so a re-import rewrites the ciphertext only when the evidence changed.</summary>
    public string? EvidenceMac { get; set; }

    public string? Cwe { get; set; }

    /// <summary>GB/T 22239 references (GB/T 28448 unit codes or clauses), <c>;</c>-joined.</summary>
    public string StandardRefs { get; set; } = "";

    /// <summary>High-risk guide cases, <c>;</c>-joined.</summary>
    public string HighRiskCases { get; set; } = "";

    public string? Remediation { get; set; }

    public string? Technique { get; set; }

    public bool InThirdPartyCode { get; set; }

    public FindingStatus Status { get; set; } = FindingStatus.New;

    /// <summary>Why it is in its status (a risk acceptance's or a 误报's reason, the run that fixed it…).</summary>
    public string? StatusReason { get; set; }

    /// <summary>风险接受 until this day (China time, inclusive); it expires back to 已确认 after.</summary>
    public DateOnly? AcceptedUntil { get; set; }

    public DateTimeOffset FirstSeenAt { get; set; }

    public DateTimeOffset LastSeenAt { get; set; }

    /// <summary>The last import that saw it.</summary>
    public Guid? LastImportId { get; set; }

    public DateTimeOffset? FixedAt { get; set; }

    /// <summary>The import whose run covered it and no longer saw it (null when a person marked it fixed).</summary>
    public Guid? FixedByImportId { get; set; }

    public int ReopenCount { get; set; }

    /// <summary>整改时限 from the SLA (<see cref="FindingSla"/>); null for severities without one.</summary>
    public DateOnly? DueOn { get; set; }

    public Guid? RectificationItemId { get; set; }

    public IReadOnlyList<string> StandardRefList => Split(StandardRefs);

    public IReadOnlyList<string> HighRiskCaseList => Split(HighRiskCases);

    /// <summary>Overdue: open past its deadline on <paramref name="today"/>.</summary>
    public bool IsOverdue(DateOnly today) => Status.IsOpen() && DueOn is { } due && due < today;

    /// <summary>The typed target back from its columns (what <see cref="Detection.DetectionRun.Covers"/> takes).</summary>
    public FindingTarget ToTarget() => TargetOf(TargetKind, Host, Port, Origin, Path, Parameter, Package, Member, Account, Endpoint);

    /// <summary>A typed target from the columns a finding stores it in.</summary>
    public static FindingTarget TargetOf(
        string kind, string? host, int? port, string? origin, string? path, string? parameter, string? package, string? member, string? account, string? endpoint) => kind switch
        {
            "service" => new ServiceTarget(host ?? "", port ?? 0),
            "web" => new WebTarget(origin ?? "", path ?? "", parameter),
            "app" => new AppTarget(package ?? "", member),
            _ => new AccountTarget(account ?? "", endpoint),
        };

    /// <summary>Copies a target's typed fields into the columns.</summary>
    public void SetTarget(FindingTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        TargetKind = target.Kind;
        TargetDisplay = target.Display;
        Host = Origin = Path = Parameter = Package = Member = Account = Endpoint = null;
        Port = null;
        switch (target)
        {
            case ServiceTarget s:
                (Host, Port) = (s.Host, s.Port);
                break;
            case WebTarget w:
                (Origin, Path, Parameter) = (w.Origin, w.Path, w.Parameter);
                break;
            case AppTarget a:
                (Package, Member) = (a.Package, a.Member);
                break;
            case AccountTarget c:
                (Account, Endpoint) = (c.Account, c.Endpoint);
                break;
        }
    }

    public static string Join(IEnumerable<string> values) => string.Join(';', values);

    private static string[] Split(string joined) => joined.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>A run that saw a finding (the runs that saw it, issue 12 §3).</summary>
public sealed class FindingSighting
{
    public Guid FindingId { get; set; }

    public Guid ImportId { get; set; }

    /// <summary>The finding's institution (the tenant filters and the save guard read it without a join).</summary>
    public Guid InstitutionId { get; set; }

    public DateTimeOffset SeenAt { get; set; }
}

/// <summary>One change of a finding's status: old → new, who, why, and the import when a run made it.</summary>
public sealed class FindingStatusChange
{
    public Guid Id { get; set; } = Guid.NewGuid();

    public Guid FindingId { get; set; }

    public Guid InstitutionId { get; set; }

    /// <summary>Null when the finding was created.</summary>
    public FindingStatus? From { get; set; }

    public FindingStatus To { get; set; }

    public DateTimeOffset At { get; set; }

    public Guid? ByUserId { get; set; }

    public required string ByName { get; set; }

    public string? Reason { get; set; }

    public Guid? ImportId { get; set; }
}

/// <summary>
/// One imported detection run, per institution it touched: which run (its digest), when, by whom, what it covered,
/// and what the import did. Imports are numbered per institution and detector (<see cref="Sequence"/>, unique): two at
/// once cannot both apply, and the latest run is not applied twice.
/// </summary>
public sealed class DetectionImport
{
    public Guid Id { get; set; } = Guid.NewGuid();

    public Guid InstitutionId { get; set; }

    /// <summary>SHA-256 (hex) of the run's canonical JSON.</summary>
    public required string RunDigest { get; set; }

    /// <summary>The import's number among the institution's imports of this detector (1, 2, …).</summary>
    public int Sequence { get; set; }

    public required string Detector { get; set; }

    public required string DetectorVersion { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset EndedAt { get; set; }

    public DateTimeOffset ImportedAt { get; set; }

    public required string ImportedBy { get; set; }

    public Guid? ImportedByUserId { get; set; }

    public required string Scope { get; set; }

    public bool Complete { get; set; }

    /// <summary>What the run covered and could not cover: <c>{"subjects":[…],"ports":"…","notes":[{"subject","reason"}]}</c>.</summary>
    public string CoverageJson { get; set; } = "{}";

    public int NewCount { get; set; }

    public int UpdatedCount { get; set; }

    public int FixedCount { get; set; }

    public int ReopenedCount { get; set; }

    /// <summary>The campaign task (检测子任务) whose run this is, when the platform ran it: unique, so a task imports once.</summary>
    public Guid? CampaignTaskId { get; set; }
}
