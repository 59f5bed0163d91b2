using MedGuard.Storage.Auditing;
using MedGuard.Storage.Providers;

namespace MedGuard.Jobs;

/// <summary>How the job engine runs in this process: which database, which queues (network zones), how many workers.</summary>
public sealed record JobEngineOptions
{
    /// <summary>Seconds after which a job fetched by a dead worker becomes visible again (the engine's own crash recovery).</summary>
    public const string InvisibilityVariable = "MEDGUARD_JOBS_INVISIBILITY";

    /// <summary>Seconds between this process's pump passes (also run after every task and each minute by the engine).</summary>
    public const string PumpVariable = "MEDGUARD_JOBS_PUMP";

    public required DatabaseTarget Database { get; init; }

    /// <summary>The platform's key folder (audit chain key and anchor, SM4 field key).</summary>
    public required string KeyDirectory { get; init; }

    /// <summary>The audit chain's files when the platform names them itself (default: beside <see cref="KeyDirectory"/>).</summary>
    public AuditTrailOptions? AuditTrail { get; init; }

    /// <summary>The SM4 field key file when the platform names it itself (default: medguard-sm4.key in <see cref="KeyDirectory"/>).</summary>
    public string? FieldKeyFile { get; init; }

    /// <summary>Queues (network zones, <c>NetworkZone.Normalize</c>d) this process works on.</summary>
    public IReadOnlyList<string> Queues { get; init; } = ["default"];

    public int WorkerCount { get; init; } = 4;

    /// <summary>This process's name in task rows and the audit trail (<c>job:&lt;name&gt;</c>).</summary>
    public string WorkerName { get; init; } = $"{Environment.MachineName.ToLowerInvariant()}:{Environment.ProcessId}";

    /// <summary>
    /// Hangfire's invisibility timeout: a job fetched by a worker that died reappears after this long. Our own heartbeat
    /// (every second, stale after <see cref="HeartbeatStale"/>) reclaims a dead worker's task much sooner; this is the
    /// engine's backstop, so it need not be short. With the sliding timeout (PostgreSQL) a live worker keeps extending
    /// it, so a long scan is never handed out twice. Default 5 minutes; MEDGUARD_JOBS_INVISIBILITY overrides (seconds).
    /// </summary>
    public TimeSpan InvisibilityTimeout { get; init; } = Seconds(InvisibilityVariable, 300);

    /// <summary>A running task whose heartbeat is older than this is taken to belong to a dead worker.</summary>
    public TimeSpan HeartbeatStale { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How often this process runs the pump by itself (reclaims, windows, due rounds). Default 5 s.</summary>
    public TimeSpan PumpInterval { get; init; } = Seconds(PumpVariable, 5);

    /// <summary>How often idle workers poll their queues (SQLite; PostgreSQL is woken by NOTIFY and polls as a fallback).</summary>
    public TimeSpan QueuePollInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Where uploaded APK files are kept (<c>&lt;sha256&gt;.apk</c>); the apk detector refuses an app whose file is not there.</summary>
    public string? ApkDirectory { get; init; }

    /// <summary>
    /// Where the business-logic detector finds each 公众号 asset's test identities (<c>&lt;asset id or AppID&gt;/identities.yaml</c>,
    /// optional profile.yaml and scenarios): secrets kept on the worker's host, never in the database.
    /// </summary>
    public string? LogicDirectory { get; init; }

    /// <summary>Names <see cref="LogicDirectory"/> where the database is not a file (PostgreSQL) or the folder lives elsewhere.</summary>
    public const string LogicDirectoryVariable = "MEDGUARD_LOGIC_DIR";

    /// <summary>MEDGUARD_LOGIC_DIR when set, else <c>logic/</c> beside the SQLite database file, else none.</summary>
    public static string? LogicDirectoryFor(string? databaseFile) =>
        Environment.GetEnvironmentVariable(LogicDirectoryVariable) is { Length: > 0 } given ? given
        : databaseFile is null ? null
        : Path.Combine(Path.GetDirectoryName(databaseFile)!, "logic");

    private static TimeSpan Seconds(string variable, double fallback) =>
        double.TryParse(Environment.GetEnvironmentVariable(variable), System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : TimeSpan.FromSeconds(fallback);
}
