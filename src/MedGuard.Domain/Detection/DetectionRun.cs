using MedGuard.Domain.Findings;

namespace MedGuard.Domain.Detection;

/// <summary>
/// One run of one detector, the shape every detector returns and the platform imports: who ran (detector and
/// version), under which authorized scope (授权范围), when, how much it did, what it could not cover and why, what it
/// saw (hosts and ports, apps) and its findings. An importer may close a finding only where the run's coverage
/// included it: <see cref="Coverage"/> names the parts it could not reach.
/// </summary>
public sealed record DetectionRun
{
    /// <summary>The version of the JSON written from this shape (docs/detection-run.md).</summary>
    public const int SchemaVersion = 1;

    /// <summary><c>ports</c>, <c>web</c>, <c>apk</c> (and later <c>logic</c>).</summary>
    public required string DetectorId { get; init; }

    public required string DetectorVersion { get; init; }

    /// <summary>The authorized scope the run obeyed, as a person reads it (scope file and its entries).</summary>
    public required string Scope { get; init; }

    /// <summary>What the run was pointed at: the targets given, the start URL, the APK files.</summary>
    public string? Target { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required DateTimeOffset EndedAt { get; init; }

    public DetectionStatistics Statistics { get; init; } = new();

    /// <summary>What could not be covered, and why (未完成的检测); empty when the run reached everything in scope.</summary>
    public IReadOnlyList<CoverageNote> Coverage { get; init; } = [];

    /// <summary>Hosts and their ports as a port scan saw them (empty for other detectors).</summary>
    public IReadOnlyList<ObservedHost> Hosts { get; init; } = [];

    /// <summary>The apps an APK analysis read (empty for other detectors).</summary>
    public IReadOnlyList<ObservedApp> Apps { get; init; } = [];

    /// <summary>The findings, one per fingerprint.</summary>
    public IReadOnlyList<Finding> Findings { get; init; } = [];

    /// <summary>Figures only this detector has (hostsWithOpenPorts, pagesCrawled…), in the order they are shown.</summary>
    public IReadOnlyList<KeyValuePair<string, long>> Figures { get; init; } = [];

    /// <summary>
    /// The subjects the run actually examined (ports: each scanned host address, open ports or not; web: the origins
    /// crawled; apk: the packages read; account: the accounts). Null when the run does not say — such a run covers
    /// nothing, so an importer closes nothing with it (docs/detection-run.md, "Coverage").
    /// </summary>
    public IReadOnlyList<string>? Covered
    {
        get => _covered;
        init
        {
            _covered = value;
            _coveredSet = null;
        }
    }

    private readonly IReadOnlyList<string>? _covered;
    private HashSet<string>? _coveredSet;

    /// <summary>Ports only: the ports scanned on every covered host, as canonical ranges (<c>21-23,80,3389</c>).</summary>
    public string? PortsScanned { get; init; }

    public bool Complete => Coverage.Count == 0;

    /// <summary>
    /// Whether this run looked at <paramref name="target"/> and would have reported a finding there: its subject (host,
    /// origin, package, account) is among <see cref="Covered"/>, no coverage note names it, and for a service the port
    /// was among <see cref="PortsScanned"/>. An importer closes a finding absent from the run only when this holds.
    /// </summary>
    public bool Covers(FindingTarget target) => Covers(target, ruleId: null);

    /// <summary>
    /// <see cref="Covers(FindingTarget)"/> for a finding of rule <paramref name="ruleId"/>: a coverage note whose subject
    /// is <c>SUBJECT#RULE</c> (e.g. the business-logic detector's scenario it could not judge) takes away that rule's
    /// findings on the subject only; with no rule given, any such note on the subject does.
    /// </summary>
    public bool Covers(FindingTarget target, string? ruleId)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (Covered is null)
        {
            return false;
        }

        var subject = SubjectOf(target);
        // A set built once: an import asks this for every open finding of an institution.
        _coveredSet ??= new HashSet<string>(Covered, StringComparer.OrdinalIgnoreCase);
        if (!_coveredSet.Contains(subject))
        {
            return false;
        }

        foreach (var note in Coverage)
        {
            var noteSubject = note.Subject;
            // A rule id has neither '.' nor '/': a file or URL with '#' in it stays a plain subject.
            if (noteSubject.LastIndexOf('#') is var hash and > 0 && noteSubject.AsSpan(hash + 1).IndexOfAny("./") < 0)
            {
                var noteRule = noteSubject[(hash + 1)..];
                if (ruleId is not null && !string.Equals(noteRule, ruleId, StringComparison.Ordinal))
                {
                    continue;
                }

                noteSubject = noteSubject[..hash];
            }

            if (NoteNames(noteSubject, target, subject))
            {
                return false;
            }
        }

        return target is not ServiceTarget service || (PortsScanned is { } ports && PortRanges.Contains(ports, service.Port));
    }

    /// <summary>What a run covers a target through: the host of a service, the origin of a web place, the package, the account.</summary>
    public static string SubjectOf(FindingTarget target) => target switch
    {
        ServiceTarget service => service.Host,
        WebTarget web => web.Origin,
        AppTarget app => app.Package,
        AccountTarget account => account.Account,
        _ => target.Display,
    };

    // A note names the target when it names its subject, the host behind an origin, or (apk) the file the package came from.
    private bool NoteNames(string noteSubject, FindingTarget target, string subject)
    {
        if (string.Equals(noteSubject, subject, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        switch (target)
        {
            case WebTarget web when Uri.TryCreate(web.Origin, UriKind.Absolute, out var origin):
                return string.Equals(noteSubject, origin.Host, StringComparison.OrdinalIgnoreCase)
                    || string.Equals(noteSubject, origin.IdnHost, StringComparison.OrdinalIgnoreCase);
            case ServiceTarget service when Uri.TryCreate(noteSubject, UriKind.Absolute, out var noted):
                return string.Equals(noted.Host, service.Host, StringComparison.OrdinalIgnoreCase);
            case AppTarget app:
                return Apps.Any(a => string.Equals(a.Package, app.Package, StringComparison.Ordinal) && string.Equals(a.File, noteSubject, StringComparison.Ordinal));
            default:
                return false;
        }
    }

    /// <summary>A detector's version as runs carry it: its assembly's major.minor.build.</summary>
    public static string VersionOf(System.Reflection.Assembly assembly) => (assembly.GetName().Version ?? new Version(1, 0, 0)).ToString(3);

    public int CountOf(Severity severity) => Findings.Count(f => f.Severity == severity && !f.InThirdPartyCode);

    /// <summary>Distinct kinds of weakness (rule ids) in the app's own findings, as the seed counts "18 kinds".</summary>
    public int Kinds => Findings.Where(f => !f.InThirdPartyCode).Select(f => f.RuleId).Distinct(StringComparer.Ordinal).Count();

    /// <summary>
    /// One finding per fingerprint, as a run must hold them: findings a detector reports twice for one identity (the
    /// same parameter over GET and POST, two policy rules with one rule id on one port) become one — the first, which
    /// the detector's order makes the most severe, with the others' locations and evidence added.
    /// </summary>
    public static IReadOnlyList<Finding> MergeByFingerprint(IEnumerable<Finding> findings)
    {
        var merged = new List<Finding>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var finding in findings)
        {
            var fingerprint = finding.Fingerprint;
            if (!index.TryGetValue(fingerprint, out var at))
            {
                index[fingerprint] = merged.Count;
                merged.Add(finding);
                continue;
            }

            var first = merged[at];
            var evidence = new Dictionary<string, string>(first.Evidence);
            foreach (var (key, value) in finding.Evidence)
            {
                evidence.TryAdd(key, value);
            }

            merged[at] = first with
            {
                Severity = first.Severity >= finding.Severity ? first.Severity : finding.Severity,
                Locations = [.. first.Locations.Concat(finding.Locations).Distinct(StringComparer.Ordinal)],
                Evidence = evidence,
            };
        }

        return merged;
    }
}

/// <summary>How much a run did: HTTP requests sent, TCP connections attempted, files read.</summary>
public sealed record DetectionStatistics
{
    public long Requests { get; init; }

    public long Connections { get; init; }

    public long Files { get; init; }
}

/// <summary>
/// A part of the scope the run could not cover, and why: a host that stopped answering, the pages beyond the crawl
/// limit, write endpoints spared in safe mode, an APK that could not be read. <see cref="Subject"/> names the part
/// (an address, an origin, a file) so that an importer closes nothing there.
/// </summary>
public sealed record CoverageNote(string Subject, string Reason);

/// <summary>A host as a port scan saw it, with the ports it reports (open ones; closed/filtered only counted).</summary>
public sealed record ObservedHost(string Address, IReadOnlyList<ObservedPort> Ports)
{
    public string? HostName { get; init; }

    public int Closed { get; init; }

    public int Filtered { get; init; }
}

/// <summary>A port of a host: <c>open</c>, <c>closed</c> or <c>filtered</c>, and what the probes found behind it.</summary>
public sealed record ObservedPort(int Port, string State)
{
    public string? Service { get; init; }

    /// <summary>Product with version and extra info as one line ("MariaDB 10.11.6").</summary>
    public string? Product { get; init; }

    public string? Banner { get; init; }

    /// <summary>udp for a UDP service; null for TCP (the port sweep), so older runs read the same.</summary>
    public string? Protocol { get; init; }
}

/// <summary>An app an APK analysis read: the file as given, and the manifest facts that identify it.</summary>
public sealed record ObservedApp(string File, string Package)
{
    public string? VersionName { get; init; }

    public int MinSdk { get; init; }

    public int TargetSdk { get; init; }

    public bool Debuggable { get; init; }

    /// <summary>
    /// The web origins the app talks to (code strings, network security config), offered to the platform as candidate
    /// web assets of the institution — to be authorized before anything scans them.
    /// </summary>
    public IReadOnlyList<string> Endpoints { get; init; } = [];
}
