using System.Net;
using MedGuard.Security.Audit;
using MedGuard.Storage.Providers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MedGuard.Server.Tests;

/// <summary>
/// The SM3-chained audit log on a real database: actions through the platform are logged; editing one stored entry
/// or deleting one is found by `medguard audit verify` (exit 1, the entry named) and by the admin API, and restoring
/// the original text makes the chain whole again.
/// </summary>
public sealed class AuditTamperTests
{
    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task EditingOrDeletingAnEntryBreaksTheChainWhereItHappened(DatabaseKind kind)
    {
        await using var platform = await PlatformFixture.StartAsync(kind);
        using var admin = await ApiClient.LoginAsync(platform, "admin");
        using var hospital = await ApiClient.LoginAsync(platform, "hospital");
        var institutions = await hospital.GetJsonAsync("/api/institutions");
        var id = institutions[0].GetProperty("id").GetGuid();
        await hospital.GetJsonAsync($"/api/institutions/{id}/contacts"); // a sensitive read: audited
        var (status, _) = await hospital.SendAsync(HttpMethod.Put, $"/api/institutions/{id}/survey", new { securityStaffCount = 6 });
        Assert.Equal(HttpStatusCode.NoContent, status);

        await using (var db = MedGuardContextFactory.Create(platform.Target))
        {
            Assert.True(await db.AuditEntries.AnyAsync(e => e.Action == "read-sensitive" && e.UserName == "hospital" && e.EntityId == id.ToString()));
            Assert.True(await db.AuditEntries.AnyAsync(e => e.Action == "update" && e.EntityType == "Institution" && e.UserName == "hospital" && e.SourceAddress == "127.0.0.1"));
            Assert.True(await db.AuditEntries.AnyAsync(e => e.Action == "login" && e.UserName == "admin"));
        }

        var (code, text) = Cli("audit", "verify", "--db", platform.Database, "--keys", platform.KeyDirectory);
        Assert.Equal(0, code);
        Assert.Contains("审计日志链完整", text, StringComparison.Ordinal);
        Assert.True((await admin.GetJsonAsync("/api/audit/verify")).GetProperty("intact").GetBoolean());

        // An insider edits entry 3 directly in the database.
        string original;
        await using (var db = MedGuardContextFactory.Create(platform.Target))
        {
            original = (await db.AuditEntries.SingleAsync(e => e.Sequence == 3)).Detail ?? "";
            await db.AuditEntries.Where(e => e.Sequence == 3).ExecuteUpdateAsync(s => s.SetProperty(e => e.Detail, "（已被篡改）"));
        }

        (code, text) = Cli("audit", "verify", "--db", platform.Database, "--keys", platform.KeyDirectory);
        Assert.Equal(1, code);
        Assert.Contains("第 3 条记录", text, StringComparison.Ordinal);
        var verdict = await admin.GetJsonAsync("/api/audit/verify");
        Assert.False(verdict.GetProperty("intact").GetBoolean());
        Assert.Equal(3, verdict.GetProperty("brokenAtSequence").GetInt64());

        // Put the text back: the chain holds again (the verifier judges content, not a flag).
        await using (var db = MedGuardContextFactory.Create(platform.Target))
        {
            await db.AuditEntries.Where(e => e.Sequence == 3).ExecuteUpdateAsync(s => s.SetProperty(e => e.Detail, original));
        }

        Assert.Equal(0, Cli("audit", "verify", "--db", platform.Database, "--key", platform.AuditKeyFile, "--anchor", platform.AnchorFile).Code);

        // Cutting off the last entry leaves a chain that still links; the head kept outside the database shows it.
        long last;
        await using (var db = MedGuardContextFactory.Create(platform.Target))
        {
            last = await db.AuditEntries.MaxAsync(e => e.Sequence);
            await db.AuditEntries.Where(e => e.Sequence == last).ExecuteDeleteAsync();
        }

        (code, text) = Cli("audit", "verify", "--db", platform.Database, "--keys", platform.KeyDirectory);
        Assert.Equal(1, code);
        Assert.Contains($"末尾第 {last}–{last} 条记录已被删除", text, StringComparison.Ordinal);
        Assert.False((await admin.GetJsonAsync("/api/audit/verify")).GetProperty("intact").GetBoolean());

        // Deleting entry 5 leaves a gap that is named.
        await using (var db = MedGuardContextFactory.Create(platform.Target))
        {
            await db.AuditEntries.Where(e => e.Sequence == 5).ExecuteDeleteAsync();
        }

        (code, text) = Cli("audit", "verify", "--db", platform.Database, "--keys", platform.KeyDirectory, "--format", "json");
        Assert.Equal(1, code);
        Assert.Contains("\"brokenAtSequence\": 5", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task AnEditResealedWithPlainSm3IsFoundAtTheEditedRowAndAMissingAnchorIsAnAlarm(DatabaseKind kind)
    {
        await using var platform = await PlatformFixture.StartAsync(kind);
        using var admin = await ApiClient.LoginAsync(platform, "admin");
        using var hospital = await ApiClient.LoginAsync(platform, "hospital");
        await hospital.GetJsonAsync("/api/institutions");
        Assert.Equal(0, Cli("audit", "verify", "--db", platform.Database, "--keys", platform.KeyDirectory).Code);

        // An insider with the database (not the key files) edits row 2 and re-seals it and every row after it with
        // plain SM3 over the same canonical form, so every link and every hash is self-consistent.
        await using (var db = MedGuardContextFactory.Create(platform.Target))
        {
            var entries = await db.AuditEntries.AsNoTracking().OrderBy(e => e.Sequence).ToListAsync();
            Assert.True(entries.Count >= 3);
            var previous = entries[0].Hash;
            foreach (var entry in entries.Skip(1))
            {
                var record = entry.ToRecord() with { PreviousHash = previous, Hash = "" };
                if (entry.Sequence == 2)
                {
                    record = record with { Detail = "（已被篡改）" };
                }

                var hash = PlainSm3(record);
                var sequence = entry.Sequence;
                await db.AuditEntries.Where(e => e.Sequence == sequence).ExecuteUpdateAsync(s => s
                    .SetProperty(e => e.Detail, record.Detail).SetProperty(e => e.PreviousHash, record.PreviousHash).SetProperty(e => e.Hash, hash));
                previous = hash;
            }
        }

        var (code, text) = Cli("audit", "verify", "--db", platform.Database, "--keys", platform.KeyDirectory);
        Assert.Equal(1, code);
        Assert.Contains("第 2 条记录", text, StringComparison.Ordinal);
        var verdict = await admin.GetJsonAsync("/api/audit/verify");
        Assert.Equal(2, verdict.GetProperty("brokenAtSequence").GetInt64());

        // The anchor outside the database is deleted: an alarm, and the platform does not re-create it from the head.
        File.Delete(platform.AnchorFile);
        (code, text) = Cli("audit", "verify", "--db", platform.Database, "--keys", platform.KeyDirectory);
        Assert.Equal(1, code);
        Assert.Contains("第 2 条记录", text, StringComparison.Ordinal); // the edit is still the first thing named
        using var again = await ApiClient.LoginAsync(platform, "assessor"); // more entries are written
        Assert.False(File.Exists(platform.AnchorFile));
    }

    [Fact]
    public async Task AMissingAnchorFailsVerificationAndIsNotRecreated()
    {
        await using var platform = await PlatformFixture.StartAsync(DatabaseKind.Sqlite);
        using var admin = await ApiClient.LoginAsync(platform, "admin");
        Assert.True(File.Exists(platform.AnchorFile));
        File.Delete(platform.AnchorFile);
        using var hospital = await ApiClient.LoginAsync(platform, "hospital"); // the writer goes on, the anchor stays missing
        Assert.False(File.Exists(platform.AnchorFile));
        var (code, text) = Cli("audit", "verify", "--db", platform.Database, "--keys", platform.KeyDirectory);
        Assert.Equal(1, code);
        Assert.Contains("锚点文件缺失", text, StringComparison.Ordinal);
        var verdict = await admin.GetJsonAsync("/api/audit/verify");
        Assert.False(verdict.GetProperty("intact").GetBoolean());
    }

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task AChainWrittenBeforeKeyingIsUpgradedAndALegacyEditIsStillFound(DatabaseKind kind)
    {
        await using var platform = await PlatformFixture.StartAsync(kind);
        using (await ApiClient.LoginAsync(platform, "admin"))
        {
        }

        // Make it an installation from before the chain was keyed: every hash plain SM3, the head anchored, no key.
        long last;
        await using (var db = MedGuardContextFactory.Create(platform.Target))
        {
            var previous = AuditChain.GenesisHash;
            foreach (var entry in await db.AuditEntries.AsNoTracking().OrderBy(e => e.Sequence).ToListAsync())
            {
                var record = entry.ToRecord() with { PreviousHash = previous, Hash = "" };
                var hash = PlainSm3(record);
                var sequence = entry.Sequence;
                await db.AuditEntries.Where(e => e.Sequence == sequence).ExecuteUpdateAsync(u => u.SetProperty(e => e.PreviousHash, previous).SetProperty(e => e.Hash, hash));
                previous = hash;
            }

            last = await db.AuditEntries.MaxAsync(e => e.Sequence);
            new AuditAnchor(last, previous).Write(platform.AnchorFile);
        }

        File.Delete(platform.AuditKeyFile);
        var (before, beforeText) = Cli("audit", "verify", "--db", platform.Database, "--keys", platform.KeyDirectory);
        Assert.Equal(0, before); // not yet upgraded: checked the old way, not called keyless
        Assert.Contains("尚未升级", beforeText, StringComparison.Ordinal);
        var legacyFile = Path.Combine(platform.KeyDirectory, AuditLegacyHead.FileName);

        // The new platform starts on it: no false alarm at row 1, a key, and the legacy head recorded beside it.
        await using (var upgraded = await OpenAsync(platform))
        {
            Assert.True(File.Exists(platform.AuditKeyFile));
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(legacyFile));
            }

            Assert.Equal(last, AuditLegacyHead.Read(legacyFile)!.Sequence);
            var trail = upgraded.Services.GetRequiredService<MedGuard.Storage.Auditing.AuditTrail>();
            await trail.RecordAsync([new MedGuard.Storage.Auditing.AuditEvent("login") { UserName = "admin" }, new MedGuard.Storage.Auditing.AuditEvent("logout") { UserName = "admin" }]);
        }

        var (code, text) = Cli("audit", "verify", "--db", platform.Database, "--keys", platform.KeyDirectory);
        Assert.Equal(0, code);
        Assert.Contains($"已校验 {last + 2} 条记录", text, StringComparison.Ordinal);
        Assert.Contains($"第 1–{last} 条为升级前的 SM3 链记录", text, StringComparison.Ordinal);
        await using (var db = MedGuardContextFactory.Create(platform.Target))
        {
            var keyed = await db.AuditEntries.SingleAsync(e => e.Sequence == last + 1);
            Assert.NotEqual(PlainSm3(keyed.ToRecord()), keyed.Hash); // sealed with the key from here on
        }

        // After the upgrade an insider edits legacy row 2 and recomputes the plain hashes of rows 2..N (no key needed),
        // then points the first keyed row at the new head: still found, at row 2.
        await using (var db = MedGuardContextFactory.Create(platform.Target))
        {
            var entries = await db.AuditEntries.AsNoTracking().Where(e => e.Sequence <= last).OrderBy(e => e.Sequence).ToListAsync();
            var previous = entries[0].Hash;
            foreach (var entry in entries.Skip(1))
            {
                var record = entry.ToRecord() with { PreviousHash = previous, Hash = "" };
                record = entry.Sequence == 2 ? record with { Detail = "（已被篡改）" } : record;
                var hash = PlainSm3(record);
                var sequence = entry.Sequence;
                await db.AuditEntries.Where(e => e.Sequence == sequence).ExecuteUpdateAsync(u => u
                    .SetProperty(e => e.Detail, record.Detail).SetProperty(e => e.PreviousHash, record.PreviousHash).SetProperty(e => e.Hash, hash));
                previous = hash;
            }

            await db.AuditEntries.Where(e => e.Sequence == last + 1).ExecuteUpdateAsync(u => u.SetProperty(e => e.PreviousHash, previous));
        }

        (code, text) = Cli("audit", "verify", "--db", platform.Database, "--keys", platform.KeyDirectory);
        Assert.Equal(1, code);
        Assert.Contains("第 2 条记录", text, StringComparison.Ordinal);
        Assert.Contains("重新计算", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADeletedKeyOfAKeyedChainIsAnAlarmNotAFreshStart()
    {
        await using var platform = await PlatformFixture.StartAsync(DatabaseKind.Sqlite);
        using var admin = await ApiClient.LoginAsync(platform, "admin");
        Assert.Equal(0, Cli("audit", "verify", "--db", platform.Database, "--keys", platform.KeyDirectory).Code);
        File.Delete(platform.AuditKeyFile);

        var (code, text) = Cli("audit", "verify", "--db", platform.Database, "--keys", platform.KeyDirectory);
        Assert.Equal(1, code);
        Assert.Contains("审计链密钥文件缺失", text, StringComparison.Ordinal);
        var verdict = await admin.GetJsonAsync("/api/audit/verify"); // the running platform reports it too
        Assert.False(verdict.GetProperty("intact").GetBoolean());
        Assert.Contains("审计链密钥文件缺失", verdict.GetProperty("summary").GetString(), StringComparison.Ordinal);

        // A restart refuses, naming the file and the remedy, and creates no key.
        var refused = await Assert.ThrowsAsync<MedGuard.Storage.Auditing.AuditKeyMissingException>(async () => await (await OpenAsync(platform)).DisposeAsync());
        Assert.Contains(platform.AuditKeyFile, refused.Message, StringComparison.Ordinal);
        Assert.Contains("从备份恢复", refused.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(platform.AuditKeyFile));
        Assert.Equal(1, Cli("audit", "verify", "--db", platform.Database, "--keys", platform.KeyDirectory).Code);
    }

    /// <summary>A second platform process on the same database and key folder, prepared (migrated, audit key opened)
    /// but not listening: a restart as far as the audit chain is concerned.</summary>
    private static async Task<Microsoft.AspNetCore.Builder.WebApplication> OpenAsync(PlatformFixture platform)
    {
        var app = MedGuard.Server.Hosting.MedGuardServer.Build(["--urls", "http://127.0.0.1:0", "--environment", "Production"], o =>
        {
            o.Database = platform.Database;
            o.KeyFile = platform.KeyFile;
            o.DemoCredentialsFile = Path.Combine(platform.KeyDirectory, "..", "demo-credentials.txt");
            o.DemoToday = PlatformFixture.DemoToday;
        });
        try
        {
            await MedGuard.Server.Hosting.MedGuardServer.PrepareAsync(app);
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    private static string PlainSm3(MedGuard.Security.Audit.AuditRecord record)
    {
        var digest = new Org.BouncyCastle.Crypto.Digests.SM3Digest();
        var previous = System.Text.Encoding.ASCII.GetBytes(record.PreviousHash);
        digest.BlockUpdate(previous, 0, previous.Length);
        var canonical = MedGuard.Security.Audit.AuditChain.Canonical(record);
        digest.BlockUpdate(canonical, 0, canonical.Length);
        var output = new byte[32];
        digest.DoFinal(output, 0);
        return Convert.ToHexStringLower(output);
    }

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task TheCommandLineWritesIntoThePlatformsChain(DatabaseKind kind)
    {
        await using var platform = await PlatformFixture.StartAsync(kind);
        using var admin = await ApiClient.LoginAsync(platform, "admin");

        // `medguard institutions add` on the platform's database and key folder, while the platform runs.
        var (code, text) = Cli("institutions", "add", "命令行登记医院", "--tier", "二甲", "--region", "110108", "--db", platform.Database, "--keys", platform.KeyDirectory);
        Assert.True(code == 0, text);
        var institutions = await admin.GetJsonAsync("/api/institutions");
        var added = institutions.EnumerateArray().Single(i => i.GetProperty("name").GetString() == "命令行登记医院");
        Assert.Equal(("Secondary", "110108"), (added.GetProperty("tier").GetString(), added.GetProperty("region").GetString()));

        // The platform goes on writing after the command's entry: one chain, intact for both verifiers.
        using var hospital = await ApiClient.LoginAsync(platform, "hospital");
        var own = (await hospital.GetJsonAsync("/api/institutions"))[0].GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.NoContent, (await hospital.SendAsync(HttpMethod.Put, $"/api/institutions/{own}/survey", new { securityStaffCount = 4 })).Status);
        await using (var db = MedGuardContextFactory.Create(platform.Target))
        {
            var operatorName = "cli:" + Environment.UserName;
            var cli = await db.AuditEntries.SingleAsync(e => e.EntityType == "Institution" && e.Action == "create" && e.UserName == operatorName);
            Assert.Equal(added.GetProperty("id").GetString(), cli.EntityId);
            Assert.True(await db.AuditEntries.AnyAsync(e => e.Sequence > cli.Sequence && e.UserName == "hospital" && e.Action == "update"));
        }

        Assert.True((await admin.GetJsonAsync("/api/audit/verify")).GetProperty("intact").GetBoolean());
        Assert.Equal(0, Cli("audit", "verify", "--db", platform.Database, "--keys", platform.KeyDirectory).Code);
    }

    private static (int Code, string Text) Cli(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = MedGuard.Cli.Program.Run(args, output, error);
        return (code, output.ToString() + error);
    }
}
