using MedGuard.Security.Audit;

namespace MedGuard.Security.Tests;

public class AuditChainTests
{
    internal static readonly byte[] Key = Convert.FromHexString("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");

    private static List<AuditRecord> Chain(int count)
    {
        var records = new List<AuditRecord>();
        var previous = AuditChain.GenesisHash;
        var at = new DateTime(2025, 3, 20, 0, 0, 0, DateTimeKind.Utc).AddTicks(12345);
        for (var i = 1; i <= count; i++)
        {
            var draft = new AuditRecord
            {
                Sequence = 0,
                At = at.AddMinutes(i),
                UserName = "zhangsan",
                Action = "update",
                EntityType = "system",
                EntityId = i.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Detail = "定级为第三级",
                SourceAddress = "127.0.0.1",
                PreviousHash = "",
                Hash = "",
            };
            var record = AuditChain.Seal(draft, i, previous, AuditChainTests.Key);
            records.Add(record);
            previous = record.Hash;
        }

        return records;
    }

    [Fact]
    public void IntactChainVerifies()
    {
        var result = AuditChainVerifier.Verify(Chain(10), Key, null, anchorRequired: false);
        Assert.True(result.Intact);
        Assert.Equal(10, result.EntriesChecked);
        Assert.Contains("完整", result.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void HashIsSm3OfKnownVector()
    {
        // SM3("abc") from GB/T 32905-2016 Appendix A, through the same digest the chain uses.
        var digest = new Org.BouncyCastle.Crypto.Digests.SM3Digest();
        digest.BlockUpdate("abc"u8.ToArray(), 0, 3);
        var output = new byte[32];
        digest.DoFinal(output, 0);
        Assert.Equal("66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0", Convert.ToHexStringLower(output));
    }

    [Fact]
    public void EditedEntryIsTheFirstBrokenLink()
    {
        var records = Chain(10);
        records[4] = records[4] with { Detail = "定级为第二级" };
        var result = AuditChainVerifier.Verify(records, Key, null, anchorRequired: false);
        Assert.False(result.Intact);
        Assert.Equal(5, result.BrokenAtSequence);
        Assert.Contains("篡改", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void DeletedEntryIsDetected()
    {
        var records = Chain(10);
        records.RemoveAt(6);
        var result = AuditChainVerifier.Verify(records, Key, null, anchorRequired: false);
        Assert.False(result.Intact);
        Assert.Equal(7, result.BrokenAtSequence);
    }

    [Fact]
    public void RehashedEditBreaksTheNextLink()
    {
        // An attacker who recomputes the edited entry's own hash still breaks the link to the entry after it.
        var records = Chain(10);
        var edited = records[2] with { UserName = "attacker" };
        records[2] = edited with { Hash = AuditChain.ComputeHash(edited, Key) };
        var result = AuditChainVerifier.Verify(records, Key, null, anchorRequired: false);
        Assert.Equal(4, result.BrokenAtSequence);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void EditWithEveryFollowingHashRecomputedIsFoundAtTheEditedRow(bool withTheOldScheme)
    {
        // An insider with the database but not the key file edits row 4 and re-seals it and every row after it,
        // with plain SM3 (the scheme before the chain was keyed) or with an HMAC under a key of their own.
        var records = Chain(10);
        var forgedKey = new byte[32];
        var previous = records[2].Hash;
        for (var i = 3; i < records.Count; i++)
        {
            var draft = i == 3 ? records[i] with { Detail = "定级为第二级" } : records[i];
            var record = draft with { PreviousHash = previous, Hash = "" };
            record = record with { Hash = withTheOldScheme ? PlainSm3(record) : AuditChain.ComputeHash(record, forgedKey) };
            records[i] = record;
            previous = record.Hash;
        }

        var result = AuditChainVerifier.Verify(records, Key, new AuditAnchor(10, previous));
        Assert.False(result.Intact);
        Assert.Equal(4, result.BrokenAtSequence);
        Assert.Contains("第 4 条记录", result.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingAnchorOfANonEmptyChainFailsVerification()
    {
        var result = AuditChainVerifier.Verify(Chain(3), Key, anchor: null);
        Assert.False(result.Intact);
        Assert.Equal(AuditChainVerifier.MissingAnchor, result.Problem);
        Assert.Contains("锚点文件缺失", result.Summary, StringComparison.Ordinal);
        Assert.True(AuditChainVerifier.Verify([], Key, anchor: null).Intact); // a fresh platform has neither
    }

    /// <summary>A chain written before keying (plain SM3, entries 1..<paramref name="legacyCount"/>), upgraded, then
    /// <paramref name="keyedCount"/> HMAC-sealed entries chained on the last legacy hash.</summary>
    private static (List<AuditRecord> Records, AuditLegacyHead Legacy) Upgraded(int legacyCount, int keyedCount)
    {
        var records = Chain(legacyCount + keyedCount);
        var previous = AuditChain.GenesisHash;
        for (var i = 0; i < legacyCount; i++)
        {
            var record = records[i] with { PreviousHash = previous, Hash = "" };
            records[i] = record with { Hash = AuditChain.ComputeLegacyHash(record) };
            previous = records[i].Hash;
        }

        var legacy = AuditLegacyHead.Of(records.Take(legacyCount).ToList());
        for (var i = legacyCount; i < records.Count; i++)
        {
            records[i] = AuditChain.Seal(records[i], i + 1, previous, Key);
            previous = records[i].Hash;
        }

        return (records, legacy);
    }

    [Fact]
    public void AChainWrittenBeforeKeyingVerifiesAfterTheUpgradeAndKeyedEntriesFollowIt()
    {
        var (records, legacy) = Upgraded(5, 3);
        Assert.Equal(PlainSm3(records[0]), records[0].Hash); // the legacy hash is the old scheme's
        var result = AuditChainVerifier.Verify(records, Key, new AuditAnchor(8, records[^1].Hash), legacy);
        Assert.True(result.Intact, result.Summary);
        Assert.Equal(8, result.EntriesChecked);

        // Without the record of where the legacy part ends, row 1 looks broken: the false alarm the upgrade avoids.
        Assert.Equal(1, AuditChainVerifier.Verify(records, Key, null, anchorRequired: false).BrokenAtSequence);

        // The keyed part is still keyed: a keyed entry re-hashed with plain SM3 is found.
        var forged = records[6] with { Detail = "（已被篡改）" };
        records[6] = forged with { Hash = PlainSm3(forged) };
        Assert.Equal(7, AuditChainVerifier.Verify(records, Key, null, legacy, anchorRequired: false).BrokenAtSequence);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ALegacyRowEditedAndReHashedAfterTheUpgradeIsNamed(bool withFingerprints)
    {
        // An insider with the database edits legacy row 3 and recomputes the plain SM3 hashes of rows 3..5 (possible
        // without any key), then points the first keyed row at the new head.
        var (records, legacy) = Upgraded(5, 3);
        if (!withFingerprints)
        {
            legacy = legacy with { Fingerprints = [] };
        }

        var previous = records[1].Hash;
        for (var i = 2; i < 5; i++)
        {
            var record = (i == 2 ? records[i] with { Detail = "定级为第二级" } : records[i]) with { PreviousHash = previous, Hash = "" };
            records[i] = record with { Hash = AuditChain.ComputeLegacyHash(record) };
            previous = records[i].Hash;
        }

        records[5] = records[5] with { PreviousHash = previous };
        var result = AuditChainVerifier.Verify(records, Key, new AuditAnchor(8, records[^1].Hash), legacy);
        Assert.False(result.Intact);
        if (withFingerprints)
        {
            Assert.Equal(3, result.BrokenAtSequence);
            Assert.Contains("第 3 条记录", result.Summary, StringComparison.Ordinal);
            Assert.Contains("重新计算", result.Problem, StringComparison.Ordinal);
        }
        else
        {
            // Only the pinned head is left: every link holds, so the report says the legacy rows 1..5 were rewritten.
            Assert.Null(result.BrokenAtSequence);
            Assert.Contains("第 1–5 条记录被改写", result.Problem, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void AMissingKeyIsAnAlarmForKeyedEntriesOnly()
    {
        var result = AuditChainVerifier.Verify(Chain(3), key: null, anchor: null, anchorRequired: false);
        Assert.False(result.Intact);
        Assert.Equal(AuditChainVerifier.MissingKey, result.Problem);
        Assert.Contains("审计链密钥文件缺失", result.Summary, StringComparison.Ordinal);

        var (records, legacy) = Upgraded(4, 0);
        Assert.True(AuditChainVerifier.Verify(records, key: null, new AuditAnchor(4, records[^1].Hash), legacy).Intact); // nothing keyed yet
        (records, legacy) = Upgraded(4, 1);
        var keyed = AuditChainVerifier.Verify(records, key: null, new AuditAnchor(5, records[^1].Hash), legacy);
        Assert.Equal(AuditChainVerifier.MissingKey, keyed.Problem);
        Assert.Equal(4, keyed.EntriesChecked);
    }

    [Fact]
    public void LegacyRecordFileRoundTripsOwnerOnly()
    {
        var (records, legacy) = Upgraded(3, 0);
        var path = Path.Combine(Path.GetTempPath(), "medguard-legacy-" + Guid.NewGuid().ToString("N"));
        legacy.Write(path);
        var read = AuditLegacyHead.Read(path)!;
        Assert.Equal((3L, records[^1].Hash), (read.Sequence, read.Hash));
        Assert.Equal(legacy.Fingerprints, read.Fingerprints);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        File.Delete(path);
        Assert.Null(AuditLegacyHead.Read(path));
    }

    /// <summary>The unkeyed chain as it was: SM3(previous ‖ canonical).</summary>
    private static string PlainSm3(AuditRecord record)
    {
        var digest = new Org.BouncyCastle.Crypto.Digests.SM3Digest();
        var previous = System.Text.Encoding.ASCII.GetBytes(record.PreviousHash);
        digest.BlockUpdate(previous, 0, previous.Length);
        var canonical = AuditChain.Canonical(record);
        digest.BlockUpdate(canonical, 0, canonical.Length);
        var output = new byte[32];
        digest.DoFinal(output, 0);
        return Convert.ToHexStringLower(output);
    }

    [Fact]
    public void TimestampsAreNormalisedToMilliseconds()
    {
        var record = Chain(1)[0];
        Assert.Equal(0, record.At.Ticks % TimeSpan.TicksPerMillisecond);
        Assert.Equal(DateTimeKind.Utc, record.At.Kind);
    }
}

public class AuditAnchorTests
{
    private static List<AuditRecord> Chain(int count)
    {
        var records = new List<AuditRecord>();
        var previous = AuditChain.GenesisHash;
        for (var i = 1; i <= count; i++)
        {
            var draft = new AuditRecord { Sequence = 0, At = DateTime.UtcNow, Action = "login", PreviousHash = "", Hash = "" };
            records.Add(AuditChain.Seal(draft, i, previous, AuditChainTests.Key));
            previous = records[^1].Hash;
        }

        return records;
    }

    [Fact]
    public void CutOffTailIsOnlyVisibleWithTheAnchor()
    {
        var records = Chain(6);
        var anchor = new AuditAnchor(6, records[^1].Hash);
        Assert.True(AuditChainVerifier.Verify(records, AuditChainTests.Key, anchor).Intact);
        var cut = records.Take(4).ToList();
        Assert.True(AuditChainVerifier.Verify(cut, AuditChainTests.Key, null, anchorRequired: false).Intact); // the chain alone cannot tell
        var result = AuditChainVerifier.Verify(cut, AuditChainTests.Key, anchor);
        Assert.False(result.Intact);
        Assert.Equal(5, result.BrokenAtSequence);
        Assert.Contains("末尾第 5–6 条记录已被删除", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void RewrittenTailDoesNotMatchTheAnchor()
    {
        var records = Chain(6);
        var anchor = new AuditAnchor(6, records[^1].Hash);
        var rewritten = records.Take(5).ToList();
        rewritten.Add(AuditChain.Seal(new AuditRecord { Sequence = 0, At = DateTime.UtcNow, Action = "logout", PreviousHash = "", Hash = "" }, 6, rewritten[^1].Hash, AuditChainTests.Key));
        Assert.False(AuditChainVerifier.Verify(rewritten, AuditChainTests.Key, anchor).Intact);
    }

    [Fact]
    public void AnchorFileRoundTrips()
    {
        var path = Path.Combine(Path.GetTempPath(), "medguard-anchor-" + Guid.NewGuid().ToString("N"));
        new AuditAnchor(42, "abc").Write(path);
        Assert.Equal(new AuditAnchor(42, "abc"), AuditAnchor.Read(path));
        File.WriteAllText(path, "garbage");
        Assert.Throws<InvalidDataException>(() => AuditAnchor.Read(path));
        File.Delete(path);
        Assert.Null(AuditAnchor.Read(path));
    }
}
