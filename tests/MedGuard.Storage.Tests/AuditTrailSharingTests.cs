using MedGuard.Security.Audit;
using MedGuard.Storage.Auditing;
using MedGuard.Storage.Providers;
using MedGuard.Storage.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace MedGuard.Storage.Tests;

/// <summary>
/// Several processes append to one audit chain with one keys folder (the server, `medguard worker` processes, the CLI):
/// each is an <see cref="AuditTrail"/> of its own here (its own writer lock). The chain must stay whole and the head
/// anchor must keep up with it — a lagging anchor that never advances again no longer protects the tail.
/// </summary>
public abstract class AuditTrailSharingTests : StorageTestBase
{
    private readonly string _keys = Directory.CreateTempSubdirectory("medguard-audit-keys-").FullName;

    private AuditTrail Trail() => new(Target, AuditTrailOptions.Beside(_keys), TimeProvider.System, NullLogger<AuditTrail>.Instance);

    [Fact]
    public async Task TwoWritersSharingTheKeysFolderKeepTheChainWholeAndTheAnchorAtTheHead()
    {
        var first = Trail();
        var second = Trail();
        await Task.WhenAll(Enumerable.Range(0, 60).Select(i => (i % 2 == 0 ? first : second).RecordAsync(new AuditEvent("test", "Writer", (i % 2).ToString(System.Globalization.CultureInfo.InvariantCulture), $"第 {i} 条"))));

        await using var db = Open();
        var verdict = await first.VerifyAsync(db);
        Assert.True(verdict.Intact, verdict.Summary);
        Assert.Equal(60, verdict.EntriesChecked);
        Assert.Equal(60, AuditAnchor.Read(AuditTrailOptions.Beside(_keys).AnchorPath)!.Sequence);
    }

    [Fact]
    public async Task AnAnchorLeftBehindByAnotherProcessMovesOnWithTheNextEntry()
    {
        var trail = Trail();
        for (var i = 0; i < 3; i++)
        {
            await trail.RecordAsync(new AuditEvent("test", Detail: $"第 {i} 条"));
        }

        // What the race leaves: another process saved entry 3 but its anchor write lost to this one's (entry 2).
        var anchorPath = AuditTrailOptions.Beside(_keys).AnchorPath;
        await using (var db = Open())
        {
            var second = await db.AuditEntries.SingleAsync(e => e.Sequence == 2);
            new AuditAnchor(2, second.Hash).Write(anchorPath);
        }

        await trail.RecordAsync(new AuditEvent("test", Detail: "第 3 条"));
        Assert.Equal(4, AuditAnchor.Read(anchorPath)!.Sequence);

        // An anchor naming a record the chain no longer holds (a forged or cut chain) still never moves.
        new AuditAnchor(4, new string('0', 64)).Write(anchorPath);
        await trail.RecordAsync(new AuditEvent("test", Detail: "第 4 条"));
        Assert.Equal((4, new string('0', 64)), (AuditAnchor.Read(anchorPath)!.Sequence, AuditAnchor.Read(anchorPath)!.Hash));
        await using var check = Open();
        Assert.False((await trail.VerifyAsync(check)).Intact);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(_keys, recursive: true);
    }
}

public sealed class SqliteAuditTrailSharingTests : AuditTrailSharingTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

public sealed class PostgresAuditTrailSharingTests : AuditTrailSharingTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Postgres;
}
