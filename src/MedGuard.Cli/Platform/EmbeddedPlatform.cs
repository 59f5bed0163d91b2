using System.Data.Common;
using MedGuard.Security.Protection;
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

    private EmbeddedPlatform(DatabaseTarget target, AuditTrail trail, string keyDirectory)
    {
        Target = target;
        this.trail = trail;
        KeyDirectoryPath = keyDirectory;
    }

    /// <summary>The SM4 field key's file name in the key folder, as the platform names it (PlatformOptions.KeyFile).</summary>
    public const string FieldKeyFileName = "medguard-sm4.key";

    public DatabaseTarget Target { get; }

    /// <summary>The platform's key folder for this database (audit chain key and anchor, SM4 field key).</summary>
    public string KeyDirectoryPath { get; }

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
        var keyDirectory = KeyDirectory(target, keysOption);
        var trail = new AuditTrail(target, AuditTrailOptions.Beside(keyDirectory), TimeProvider.System, new AuditWarnings(warnings));
        Guard(target, () =>
        {
            MedGuardContextFactory.Migrate(target);
            trail.OpenAsync().GetAwaiter().GetResult();
        });
        return new EmbeddedPlatform(target, trail, keyDirectory);
    }

    /// <summary>A context in the system scope whose saved changes are audited as <see cref="Operator"/>.</summary>
    public MedGuardDbContext Context()
    {
        var db = MedGuardContextFactory.Create(Target);
        ChangeAuditor.Attach(db, trail, e => e with { UserName = Operator, SourceAddress = "本机命令行" });
        return db;
    }

    /// <summary>
    /// A context in the system scope whose saves are NOT audited entity by entity: for the finding importer, whose
    /// history is its own (status changes, sightings) and which the caller audits with one summary event per import.
    /// </summary>
    public MedGuardDbContext PlainContext() => MedGuardContextFactory.Create(Target);

    /// <summary>Appends one event to the audit chain as <see cref="Operator"/> from the command line.</summary>
    public void Audit(AuditEvent e) =>
        trail.RecordAsync(e with { UserName = Operator, SourceAddress = "本机命令行" }).GetAwaiter().GetResult();

    /// <summary>
    /// The platform's SM4 field key (<c>keys/medguard-sm4.key</c> beside the database, as the server finds it), created
    /// like the server's first start does — unless the database already holds evidence: then a missing key is an error,
    /// never a fresh key that would leave the stored evidence unreadable.
    /// </summary>
    public Sm4FieldProtector FieldProtector(Func<bool> holdsEncryptedData)
    {
        ArgumentNullException.ThrowIfNull(holdsEncryptedData);
        var path = Path.Combine(KeyDirectoryPath, FieldKeyFileName);
        if (!File.Exists(path) && holdsEncryptedData())
        {
            throw new CliException($"找不到平台的 SM4 字段密钥 {path}，而数据库中已有加密的检测证据：请用 --keys 指定平台的密钥目录（服务端配置 MedGuard:KeyFile 所在目录），不会新建密钥");
        }

        return new Sm4FieldProtector(FieldKeyFile.LoadOrCreate(path));
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
