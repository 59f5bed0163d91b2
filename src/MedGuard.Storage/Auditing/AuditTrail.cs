using MedGuard.Security.Audit;
using MedGuard.Security.Protection;
using MedGuard.Storage.Providers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace MedGuard.Storage.Auditing;

/// <summary>What happened, as a page or the change tracker reports it; the trail adds the chain.</summary>
public sealed record AuditEvent(string Action, string? EntityType = null, string? EntityId = null, string? Detail = null)
{
    public Guid? UserId { get; init; }

    public string? UserName { get; init; }

    public string? SourceAddress { get; init; }
}

/// <summary>
/// Where the chain's secrets live, outside the database: the HMAC-SM3 key, the head anchor (catches a cut-off tail) and,
/// on an installation upgraded from the unkeyed chain, the record of where its plain-SM3 part ends. The platform and
/// the command line use the same files (<see cref="Beside"/>), so either can append to the same chain.
/// </summary>
public sealed record AuditTrailOptions(string KeyPath, string AnchorPath, string LegacyPath)
{
    public const string KeyFileName = "audit-chain.key";

    public const string AnchorFileName = "audit-head";

    /// <summary>The file names the platform uses in its key folder (data/keys by default).</summary>
    public static AuditTrailOptions Beside(string keyDirectory) =>
        For(Path.Combine(keyDirectory, KeyFileName), Path.Combine(keyDirectory, AnchorFileName));

    /// <summary>A key and an anchor named explicitly; the legacy record always lies beside the key.</summary>
    public static AuditTrailOptions For(string keyPath, string anchorPath) => new(keyPath, anchorPath, AuditLegacyHead.PathBeside(keyPath));
}

/// <summary>The platform refuses to start: the audit chain's key is missing while the chain holds keyed entries.</summary>
public sealed class AuditKeyMissingException(string message) : InvalidOperationException(message);

/// <summary>
/// Appends entries to the HMAC-SM3-chained audit log (key and head anchor in files outside the database). One writer
/// at a time per process (the chain is a sequence); the unique index on the sequence turns a race with another
/// process into a retry, never a fork.
/// </summary>
public sealed class AuditTrail(DatabaseTarget database, AuditTrailOptions options, TimeProvider clock, ILogger<AuditTrail> logger)
{
    /// <summary>Events that surely go to PostgreSQL in one batch (EF's batches hold far more statements than this).</summary>
    private const int OneBatch = 40;

    private readonly SemaphoreSlim writer = new(1, 1);
    private byte[]? key; // read (or created) once, under the writer lock

    /// <summary>
    /// At start: reads the chain's key, or creates it on an empty chain (first start) or on a chain written before the
    /// chain was keyed (upgrade: its plain-SM3 head is recorded in <see cref="AuditTrailOptions.LegacyPath"/>).
    /// Throws <see cref="AuditKeyMissingException"/> when the key is missing while keyed entries exist.
    /// </summary>
    public async Task OpenAsync(CancellationToken cancellationToken = default)
    {
        await writer.WaitAsync(cancellationToken);
        try
        {
            await using var db = MedGuardContextFactory.Create(database);
            await KeyAsync(db, cancellationToken);
        }
        finally
        {
            writer.Release();
        }
    }

    private async Task<byte[]> KeyAsync(MedGuardDbContext db, CancellationToken cancellationToken)
    {
        if (key is not null)
        {
            return key;
        }

        if (File.Exists(options.KeyPath))
        {
            return key = FieldKeyFile.Read(options.KeyPath, FieldKeyFile.AuditKeyBytes);
        }

        var records = await ReadChainAsync(db, cancellationToken);
        if (records.Count == 0)
        {
            return key = FieldKeyFile.LoadOrCreate(options.KeyPath, FieldKeyFile.AuditKeyBytes); // first start
        }

        if (File.Exists(options.KeyPath))
        {
            // Another process sharing the keys folder created the key (and wrote with it) since the check above.
            return key = FieldKeyFile.Read(options.KeyPath, FieldKeyFile.AuditKeyBytes);
        }

        var legacy = AuditLegacyHead.Read(options.LegacyPath);
        if (legacy is not null && records[^1].Sequence <= legacy.Sequence)
        {
            // Upgraded, but no keyed entry was written before the key was lost: nothing depends on the old key.
            logger.LogWarning("审计链密钥文件 {Path} 缺失，库中只有升级前的 {Count} 条记录：重新生成密钥", options.KeyPath, records.Count);
            return key = FieldKeyFile.LoadOrCreate(options.KeyPath, FieldKeyFile.AuditKeyBytes);
        }

        if (legacy is not null || !string.Equals(AuditChain.ComputeLegacyHash(records[0]), records[0].Hash, StringComparison.Ordinal))
        {
            // Keyed entries exist: a new key would leave them unverifiable and hide any edit, so never a fresh start.
            var message = $"审计链密钥文件缺失：{Path.GetFullPath(options.KeyPath)}。库中已有 {records.Count} 条以该密钥签封的审计记录，"
                + "平台不会新建密钥（新密钥会使整条链无法校验、掩盖篡改）。请从备份恢复该文件后再启动，并运行 ./medguard audit verify 校验。";
            logger.LogCritical("{Message}", message);
            throw new AuditKeyMissingException(message);
        }

        // An installation upgraded from the unkeyed chain: entries 1..N keep their plain SM3 hashes, the head is pinned
        // outside the database, and entries after N are HMAC-sealed from entry N's hash on.
        legacy = AuditLegacyHead.Of(records);
        var anchor = AuditAnchor.Read(options.AnchorPath);
        var verdict = AuditChainVerifier.Verify(records, null, anchor, legacy, anchorRequired: false);
        if (!verdict.Intact)
        {
            // Not silent: recorded as it stands, so every later verification reports the same row.
            logger.LogCritical("升级前写入的审计日志链校验失败：{Summary}。已照现状记录其末条并启用 HMAC-SM3 密钥，之后每次校验都会报告此问题，请查明原因", verdict.Summary);
        }

        legacy.Write(options.LegacyPath);
        if (anchor is null)
        {
            new AuditAnchor(legacy.Sequence, legacy.Hash).Write(options.AnchorPath);
        }

        logger.LogWarning("审计日志链升级为 HMAC-SM3：第 1–{Sequence} 条为升级前的 SM3 链（末条记录于 {Path}），此后的记录以密钥签封", legacy.Sequence, options.LegacyPath);
        return key = FieldKeyFile.LoadOrCreate(options.KeyPath, FieldKeyFile.AuditKeyBytes);
    }

    private static async Task<List<AuditRecord>> ReadChainAsync(MedGuardDbContext db, CancellationToken cancellationToken)
    {
        var records = new List<AuditRecord>();
        await foreach (var entry in db.AuditEntries.AsNoTracking().OrderBy(e => e.Sequence).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            records.Add(entry.ToRecord());
        }

        return records;
    }

    public async Task RecordAsync(IReadOnlyList<AuditEvent> events, CancellationToken cancellationToken = default)
    {
        if (events.Count == 0)
        {
            return;
        }

        await writer.WaitAsync(cancellationToken);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await using var db = MedGuardContextFactory.Create(database);
                    var chainKey = await KeyAsync(db, cancellationToken);
                    var last = await db.AuditEntries.AsNoTracking().OrderByDescending(e => e.Sequence)
                        .Select(e => new { e.Sequence, e.Hash }).FirstOrDefaultAsync(cancellationToken);
                    var sequence = last?.Sequence ?? 0;
                    var previous = last?.Hash ?? AuditChain.GenesisHash;
                    var anchor = AuditAnchor.Read(options.AnchorPath);
                    // The anchor advances only from a head that matches it: after a truncation it stays as evidence,
                    // and a missing anchor of a non-empty chain stays missing (re-creating it from the database's head
                    // would bless whatever was cut off).
                    var advance = anchor is null ? sequence == 0 : anchor.Sequence == sequence && anchor.Hash == previous;
                    if (!advance && anchor is not null && anchor.Sequence < sequence)
                    {
                        // Another process sharing the keys folder (a worker, the CLI) appended between its save and its
                        // anchor write: the anchor lags but still names a record of this chain, whose later links are
                        // HMAC-sealed — so the head may move on. A cut-off tail leaves the anchor above the head instead.
                        var anchored = await db.AuditEntries.AsNoTracking().Where(e => e.Sequence == anchor.Sequence)
                            .Select(e => e.Hash).FirstOrDefaultAsync(cancellationToken);
                        advance = anchored == anchor.Hash;
                    }

                    if (!advance && anchor is null)
                    {
                        logger.LogCritical("审计日志链头锚点文件 {Path} 缺失，而库中已有 {Sequence} 条记录：不自动重建，请查明原因", options.AnchorPath, sequence);
                    }
                    else if (!advance)
                    {
                        logger.LogCritical("审计日志链头（第 {Sequence} 条）与库外锚点（第 {Anchor} 条）不符：末尾记录可能被删除", sequence, anchor!.Sequence);
                    }

                    foreach (var e in events)
                    {
                        var record = AuditChain.Seal(
                            new AuditRecord
                            {
                                Sequence = 0,
                                At = clock.GetUtcNow().UtcDateTime,
                                UserId = e.UserId?.ToString() ?? "",
                                UserName = Clip(e.UserName ?? "system", 64),
                                SourceAddress = Clip(e.SourceAddress ?? "", 64),
                                Action = Clip(e.Action, 64),
                                EntityType = Clip(e.EntityType ?? "", 64),
                                EntityId = Clip(e.EntityId ?? "", 64),
                                Detail = e.Detail ?? "",
                                PreviousHash = previous,
                                Hash = "",
                            },
                            ++sequence,
                            previous,
                            chainKey);
                        db.AuditEntries.Add(record.ToEntry());
                        previous = record.Hash;
                    }

                    if (db is PostgresMedGuardDbContext && events.Count <= OneBatch)
                    {
                        // The events' INSERTs go to PostgreSQL as one batch, which it runs as one implicit transaction:
                        // all or none, as with BEGIN … COMMIT, without the COMMIT's round trip on every append.
                        db.Database.AutoTransactionBehavior = AutoTransactionBehavior.Never;
                    }

                    await db.SaveChangesAsync(cancellationToken);
                    // Never moves the anchor back past a head another process has anchored meanwhile.
                    if (advance && !(AuditAnchor.Read(options.AnchorPath) is { } now && now.Sequence > sequence))
                    {
                        new AuditAnchor(sequence, previous).Write(options.AnchorPath);
                    }

                    return;
                }
                catch (DbUpdateException ex) when (attempt < 20)
                {
                    // Another process took the sequence: re-read the head after a short, spread-out pause.
                    logger.LogWarning(ex, "审计日志序号冲突，重试第 {Attempt} 次", attempt);
                    await Task.Delay(Random.Shared.Next(1, 5 * attempt), cancellationToken);
                }
            }
        }
        finally
        {
            writer.Release();
        }
    }

    public Task RecordAsync(AuditEvent e, CancellationToken cancellationToken = default) => RecordAsync([e], cancellationToken);

    /// <summary>Reads the whole chain in order and verifies it with the files as they are now (the audit page and
    /// the API): a key file deleted while the platform runs is reported, not papered over by the key in memory.</summary>
    public async Task<AuditVerification> VerifyAsync(MedGuardDbContext db, CancellationToken cancellationToken = default)
    {
        var records = await ReadChainAsync(db, cancellationToken);
        var fileKey = File.Exists(options.KeyPath) ? FieldKeyFile.Read(options.KeyPath, FieldKeyFile.AuditKeyBytes) : null;
        return AuditChainVerifier.Verify(records, fileKey, AuditAnchor.Read(options.AnchorPath), AuditLegacyHead.Read(options.LegacyPath));
    }

    private static string Clip(string text, int max) => text.Length <= max ? text : text[..max];
}
