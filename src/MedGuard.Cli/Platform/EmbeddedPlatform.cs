using System.Data.Common;
using MedGuard.Storage;
using MedGuard.Storage.Auditing;
using MedGuard.Storage.Providers;

namespace MedGuard.Cli.Platform;

/// <summary>
/// The platform's database as the command line writes to it (the embedded SQLite file ./data/medguard.db unless --db
/// says otherwise): migrated first, and every change saved through <see cref="Open"/> goes into the same HMAC-SM3 audit
/// chain the platform keeps, recorded as the operating-system user (<c>cli:$USER</c>) — so what a script does is as
/// accountable as what a page does, and <c>medguard audit verify</c> stays intact.
/// </summary>
internal sealed class EmbeddedPlatform
{
    private readonly AuditTrail trail;

    private EmbeddedPlatform(DatabaseTarget target, AuditTrail trail)
    {
        Target = target;
        this.trail = trail;
    }

    public DatabaseTarget Target { get; }

    /// <summary>Who the audit trail names for a command-line change.</summary>
    public static string Operator => Clip("cli:" + Environment.UserName);

    /// <summary>
    /// The platform's key folder for a database: beside a SQLite file (data/keys for data/medguard.db, as the platform's
    /// defaults put it), else ./data/keys; <paramref name="keysOption"/> overrides.
    /// </summary>
    public static string KeyDirectory(DatabaseTarget target, string? keysOption) =>
        !string.IsNullOrWhiteSpace(keysOption) ? keysOption
        : target.FilePath is { } file ? Path.Combine(Path.GetDirectoryName(file)!, "keys")
        : Path.Combine("data", "keys");

    /// <summary>
    /// Migrates the database if it needs it and opens its audit trail (creating the chain's key on an empty chain, as
    /// the platform's first start does). A chain whose key is missing refuses, as the platform does: nothing is written.
    /// </summary>
    public static EmbeddedPlatform Open(string? dbOption, string? keysOption, TextWriter warnings)
    {
        var target = DatabaseTarget.Resolve(dbOption);
        var trail = new AuditTrail(target, AuditTrailOptions.Beside(KeyDirectory(target, keysOption)), TimeProvider.System, new AuditWarnings(warnings));
        Guard(target, () =>
        {
            MedGuardContextFactory.Migrate(target);
            trail.OpenAsync().GetAwaiter().GetResult();
        });
        return new EmbeddedPlatform(target, trail);
    }

    /// <summary>A context in the system scope whose saved changes are audited as <see cref="Operator"/>.</summary>
    public MedGuardDbContext Context()
    {
        var db = MedGuardContextFactory.Create(Target);
        ChangeAuditor.Attach(db, trail, e => e with { UserName = Operator, SourceAddress = "本机命令行" });
        return db;
    }

    /// <summary>Runs a database action, turning "cannot reach / cannot open" and a missing audit key into one clear line.</summary>
    public static T Guard<T>(DatabaseTarget target, Func<T> action)
    {
        try
        {
            return action();
        }
        catch (AuditKeyMissingException ex)
        {
            throw new CliException(ex.Message);
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException or TimeoutException or Microsoft.EntityFrameworkCore.DbUpdateException)
        {
            var inner = ex;
            while (inner.InnerException is not null && inner is not DbException)
            {
                inner = inner.InnerException;
            }

            throw new CliException($"无法访问数据库 {target.Display}: {inner.Message}");
        }
    }

    public static void Guard(DatabaseTarget target, Action action) => Guard(target, () =>
    {
        action();
        return 0;
    });

    private static string Clip(string text) => text.Length <= 64 ? text : text[..64];
}
