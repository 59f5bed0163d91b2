using MedGuard.Security.Audit;
using MedGuard.Security.Protection;
using MedGuard.Server.Hosting;
using MedGuard.Storage;
using MedGuard.Storage.Providers;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Server.Auditing;

/// <summary>What happened, as a page or the change tracker reports it; the trail adds the chain.</summary>
public sealed record AuditEvent(string Action, string? EntityType = null, string? EntityId = null, string? Detail = null)
{
    public Guid? UserId { get; init; }

    public string? UserName { get; init; }

    public string? SourceAddress { get; init; }
}

/// <summary>
/// Appends entries to the HMAC-SM3-chained audit log (key and head anchor in files outside the database). One writer
/// at a time per process (the chain is a sequence); the unique index on the sequence turns a race with another
/// process into a retry, never a fork.
/// </summary>
public sealed class AuditTrail(DatabaseTarget database, PlatformOptions options, TimeProvider clock, ILogger<AuditTrail> logger)
{
    private readonly SemaphoreSlim writer = new(1, 1);
    private readonly Lazy<byte[]> key = new(() => FieldKeyFile.LoadOrCreate(options.AuditKeyPath, FieldKeyFile.AuditKeyBytes));

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
                    var last = await db.AuditEntries.AsNoTracking().OrderByDescending(e => e.Sequence)
                        .Select(e => new { e.Sequence, e.Hash }).FirstOrDefaultAsync(cancellationToken);
                    var sequence = last?.Sequence ?? 0;
                    var previous = last?.Hash ?? AuditChain.GenesisHash;
                    var anchor = AuditAnchor.Read(options.AuditAnchorPath);
                    // The anchor advances only from a head that matches it: after a truncation it stays as evidence,
                    // and a missing anchor of a non-empty chain stays missing (re-creating it from the database's head
                    // would bless whatever was cut off).
                    var advance = anchor is null ? sequence == 0 : anchor.Sequence == sequence && anchor.Hash == previous;
                    if (!advance && anchor is null)
                    {
                        logger.LogCritical("审计日志链头锚点文件 {Path} 缺失，而库中已有 {Sequence} 条记录：不自动重建，请查明原因", options.AuditAnchorPath, sequence);
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
                            key.Value);
                        db.AuditEntries.Add(record.ToEntry());
                        previous = record.Hash;
                    }

                    await db.SaveChangesAsync(cancellationToken);
                    if (advance)
                    {
                        new AuditAnchor(sequence, previous).Write(options.AuditAnchorPath);
                    }

                    return;
                }
                catch (DbUpdateException ex) when (attempt < 5)
                {
                    logger.LogWarning(ex, "审计日志序号冲突，重试第 {Attempt} 次", attempt);
                }
            }
        }
        finally
        {
            writer.Release();
        }
    }

    public Task RecordAsync(AuditEvent e, CancellationToken cancellationToken = default) => RecordAsync([e], cancellationToken);

    /// <summary>Reads the whole chain in order and verifies it (the audit page and <c>medguard audit verify</c>).</summary>
    public async Task<AuditVerification> VerifyAsync(MedGuardDbContext db, CancellationToken cancellationToken = default)
    {
        var entries = db.AuditEntries.AsNoTracking().OrderBy(e => e.Sequence).AsAsyncEnumerable();
        var records = new List<AuditRecord>();
        await foreach (var entry in entries.WithCancellation(cancellationToken))
        {
            records.Add(entry.ToRecord());
        }

        return AuditChainVerifier.Verify(records, key.Value, AuditAnchor.Read(options.AuditAnchorPath));
    }

    private static string Clip(string text, int max) => text.Length <= max ? text : text[..max];
}
