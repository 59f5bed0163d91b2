using MedGuard.Storage.Auditing;

namespace MedGuard.Server.Hosting;

/// <summary>How the platform runs: bound from the <c>MedGuard</c> configuration section (appsettings, environment
/// variables <c>MedGuard__KeyFile</c>, or the command line <c>--MedGuard:KeyFile=…</c>).</summary>
public sealed class PlatformOptions
{
    public const string Section = "MedGuard";

    /// <summary>Connection string or SQLite path; empty → <c>MEDGUARD_DB</c>, else <c>./data/medguard.db</c>.</summary>
    public string? Database { get; set; }

    /// <summary>The SM4 field key, outside the database; created on first start with mode 0600.</summary>
    public string KeyFile { get; set; } = Path.Combine("data", "keys", "medguard-sm4.key");

    /// <summary>The audit chain's head, kept outside the database (catches a cut-off tail); beside the key when empty.</summary>
    public string? AuditAnchorFile { get; set; }

    public string AuditAnchorPath => AuditAnchorFile ?? Path.Combine(KeyDirectory, AuditTrailOptions.AnchorFileName);

    /// <summary>The HMAC-SM3 key of the audit chain, outside the database (so rewriting rows cannot re-seal them);
    /// beside the SM4 key when empty; created 0600 on first start.</summary>
    public string? AuditKeyFile { get; set; }

    public string AuditKeyPath => AuditKeyFile ?? Path.Combine(KeyDirectory, AuditTrailOptions.KeyFileName);

    /// <summary>Where the plain-SM3 part of a chain written before it was keyed ends (beside the audit key; only on an
    /// installation upgraded from then).</summary>
    public string AuditLegacyPath => MedGuard.Security.Audit.AuditLegacyHead.PathBeside(AuditKeyPath);

    /// <summary>The audit chain's files as the trail (shared with the command line) takes them.</summary>
    public AuditTrailOptions AuditTrail => new(AuditKeyPath, AuditAnchorPath, AuditLegacyPath);

    /// <summary>The folder of the SM4 key: the audit anchor, the audit key and the session keys live beside it.</summary>
    public string KeyDirectory => Path.GetDirectoryName(Path.GetFullPath(KeyFile))!;

    /// <summary>
    /// 整改时限 of detection findings, days per severity (<c>MedGuard__FindingSla__HighDays=15</c>…); the defaults are the
    /// rectification deadlines (高 30, 中/低 90, 信息 none).
    /// </summary>
    public MedGuard.Domain.Findings.FindingSla FindingSla { get; set; } = new();

    /// <summary>Load the demo province into an empty database on start.</summary>
    public bool LoadDemo { get; set; } = true;

    /// <summary>Where the demo users' credentials are written (mode 0600) when the demo province is loaded.</summary>
    public string DemoCredentialsFile { get; set; } = Path.Combine("data", "demo-credentials.txt");

    /// <summary>登录连接超时: an idle session ends after this many minutes.</summary>
    public int SessionTimeoutMinutes { get; set; } = 15;

    /// <summary>A session ends this many minutes after login however active it is (default 8 hours).</summary>
    public int SessionAbsoluteMinutes { get; set; } = 8 * 60;

    /// <summary>
    /// Addresses of TLS-terminating reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are believed (then
    /// cookies are Secure and HSTS is sent for https). Empty: loopback only.
    /// </summary>
    public List<string> TrustedProxies { get; set; } = [];

    /// <summary>Largest request body accepted (workbook uploads); larger ones answer 413.</summary>
    public long MaxUploadBytes { get; set; } = 20 * 1024 * 1024;

    /// <summary>The day the demo province is anchored to (tests pin it); today when null.</summary>
    public DateOnly? DemoToday { get; set; }

    /// <summary>The embedded job engine that runs detection campaigns (issue 14, MedGuard:Jobs).</summary>
    public PlatformJobsOptions Jobs { get; set; } = new();
}

/// <summary>
/// The platform's own job engine worker (issue 14): on by default, so a single machine runs campaigns with nothing else
/// installed (queues in data/jobs.db beside the SQLite database, or the hangfire schema of the PostgreSQL database).
/// Turn it off when separate <c>medguard worker</c> processes do the work.
/// </summary>
public sealed class PlatformJobsOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>Network zones this server's worker serves, comma-separated (<c>default,zone_a</c>).</summary>
    public string Queues { get; set; } = "default";

    public int Workers { get; set; } = 2;
}
