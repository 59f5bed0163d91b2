namespace MedGuard.Security.Audit;

/// <summary>The verdict on a chain: whether it holds, how many entries were checked, and the first broken link.</summary>
public sealed record AuditVerification(bool Intact, long EntriesChecked, long? BrokenAtSequence, string? Problem, string? LastHash)
{
    /// <summary>One Chinese line for the CLI and the audit page.</summary>
    public string Summary => Intact
        ? $"审计日志链完整：已校验 {EntriesChecked} 条记录，末条哈希 {(string.IsNullOrEmpty(LastHash) ? "（无）" : LastHash)}"
        : BrokenAtSequence is null
            ? $"审计日志链校验失败：{Problem}（已校验 {EntriesChecked} 条记录）"
            : $"审计日志链已断裂：第 {BrokenAtSequence} 条记录 — {Problem}（此前 {EntriesChecked} 条完好）";
}

/// <summary>Walks a chain in sequence order and reports the first entry whose link does not hold.</summary>
public static class AuditChainVerifier
{
    /// <summary>The problem reported when a non-empty chain has no anchor file: the anchor is never re-created from
    /// whatever head the database shows (that would bless a truncated chain).</summary>
    public const string MissingAnchor = "库外的链头锚点文件缺失：无法确认末尾记录未被删除（锚点不会自动重建，请查明原因）";

    /// <summary>The problem reported when keyed entries exist but their key file does not: a fresh key would make the
    /// whole chain unverifiable and hide any edit, so the platform never creates one over a keyed chain.</summary>
    public const string MissingKey = "审计链密钥文件缺失：库中已有以 HMAC-SM3 签封的记录，无法校验（密钥不会自动重建，请从备份恢复 audit-chain.key）";

    /// <param name="records">Entries in ascending <see cref="AuditRecord.Sequence"/> order (as the database returns them).</param>
    /// <param name="key">The chain's HMAC-SM3 key, from its file outside the database; null when that file is missing.</param>
    /// <param name="anchor">The head recorded outside the database: catches a cut-off tail.</param>
    /// <param name="legacy">Where the plain-SM3 part of an upgraded chain ends (entries written before it was keyed).</param>
    /// <param name="anchorRequired">When true, a missing anchor for a non-empty chain fails the verification.</param>
    public static AuditVerification Verify(IEnumerable<AuditRecord> records, byte[]? key, AuditAnchor? anchor, AuditLegacyHead? legacy = null, bool anchorRequired = true)
    {
        var list = records as IReadOnlyList<AuditRecord> ?? records.ToList();
        var result = VerifyLinks(list, key, legacy);
        if (!result.Intact)
        {
            return result;
        }

        if (anchor is null)
        {
            return anchorRequired && list.Count > 0 ? new(false, result.EntriesChecked, null, MissingAnchor, result.LastHash) : result;
        }

        return anchor.Check(list) is { } problem
            ? new(false, result.EntriesChecked, Math.Min(anchor.Sequence, (list.Count == 0 ? 0 : list[^1].Sequence) + 1), problem, result.LastHash)
            : result;
    }

    private static AuditVerification VerifyLinks(IEnumerable<AuditRecord> records, byte[]? key, AuditLegacyHead? legacy)
    {
        var legacyEnd = legacy?.Sequence ?? 0;
        var previousHash = AuditChain.GenesisHash;
        long expectedSequence = 1;
        long checkedCount = 0;
        foreach (var record in records)
        {
            if (record.Sequence != expectedSequence)
            {
                var problem = record.Sequence > expectedSequence
                    ? $"缺少第 {expectedSequence}–{record.Sequence - 1} 条记录（已被删除）"
                    : $"序号 {record.Sequence} 重复或乱序";
                return new(false, checkedCount, expectedSequence, problem, previousHash);
            }

            if (!string.Equals(record.PreviousHash, previousHash, StringComparison.Ordinal))
            {
                return new(false, checkedCount, record.Sequence, "前序哈希与上一条记录不一致（记录被删除、插入或替换）", previousHash);
            }

            if (record.Sequence <= legacyEnd)
            {
                if (LegacyProblem(record, legacy!) is { } problem)
                {
                    return problem.AtRow
                        ? new(false, checkedCount, record.Sequence, problem.Text, previousHash)
                        : new(false, checkedCount + 1, null, problem.Text, record.Hash);
                }
            }
            else if (key is null)
            {
                return new(false, checkedCount, null, MissingKey, previousHash);
            }
            else if (!string.Equals(AuditChain.ComputeHash(record, key), record.Hash, StringComparison.Ordinal))
            {
                return new(false, checkedCount, record.Sequence, "记录内容与其 HMAC-SM3 校验值不符（记录被篡改或被重新计算过哈希）", previousHash);
            }

            previousHash = record.Hash;
            expectedSequence++;
            checkedCount++;
        }

        if (expectedSequence <= legacyEnd)
        {
            return new(false, checkedCount, expectedSequence, $"旧版记录第 {expectedSequence}–{legacyEnd} 条已被删除（升级时库外记录到第 {legacyEnd} 条）", previousHash);
        }

        return new(true, checkedCount, null, null, previousHash);
    }

    /// <summary>An entry of the plain-SM3 part: its own hash, the fingerprint pinned at the upgrade and, for the last
    /// one, the full hash pinned then. <c>AtRow</c> false: every link holds but the pinned head differs, so the
    /// rewritten row cannot be told (a legacy record without fingerprints).</summary>
    private static (bool AtRow, string Text)? LegacyProblem(AuditRecord record, AuditLegacyHead legacy)
    {
        if (!string.Equals(AuditChain.ComputeLegacyHash(record), record.Hash, StringComparison.Ordinal))
        {
            return (true, "记录内容与其 SM3 哈希不符（升级前写入的未加密钥记录被篡改）");
        }

        if (legacy.FingerprintOf(record.Sequence) is { } pinned && !string.Equals(AuditLegacyHead.Fingerprint(record.Hash), pinned, StringComparison.Ordinal))
        {
            return (true, "升级前写入的记录被改写并重新计算了 SM3 哈希（与升级时库外记录的指纹不符）");
        }

        return record.Sequence == legacy.Sequence && !string.Equals(record.Hash, legacy.Hash, StringComparison.Ordinal)
            ? (false, $"升级前写入的第 1–{legacy.Sequence} 条记录被改写并重新计算了哈希（第 {legacy.Sequence} 条的哈希与升级时库外记录的不符）")
            : null;
    }
}
