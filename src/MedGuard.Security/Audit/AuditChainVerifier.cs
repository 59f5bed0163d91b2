namespace MedGuard.Security.Audit;

/// <summary>The verdict on a chain: whether it holds, how many entries were checked, and the first broken link.</summary>
public sealed record AuditVerification(bool Intact, long EntriesChecked, long? BrokenAtSequence, string? Problem, string? LastHash)
{
    /// <summary>One Chinese line for the CLI and the audit page.</summary>
    public string Summary => Intact
        ? $"审计日志链完整：已校验 {EntriesChecked} 条记录，末条哈希 {(string.IsNullOrEmpty(LastHash) ? "（无）" : LastHash)}"
        : $"审计日志链已断裂：第 {BrokenAtSequence} 条记录 — {Problem}（此前 {EntriesChecked} 条完好）";
}

/// <summary>Walks a chain in sequence order and reports the first entry whose link does not hold.</summary>
public static class AuditChainVerifier
{
    /// <param name="records">Entries in ascending <see cref="AuditRecord.Sequence"/> order (as the database returns them).</param>
    /// <param name="anchor">The head recorded outside the database, when there is one: catches a cut-off tail.</param>
    public static AuditVerification Verify(IEnumerable<AuditRecord> records, AuditAnchor? anchor = null)
    {
        var list = records as IReadOnlyList<AuditRecord> ?? records.ToList();
        var result = VerifyLinks(list);
        if (!result.Intact || anchor is null)
        {
            return result;
        }

        return anchor.Check(list) is { } problem
            ? new(false, result.EntriesChecked, Math.Min(anchor.Sequence, (list.Count == 0 ? 0 : list[^1].Sequence) + 1), problem, result.LastHash)
            : result;
    }

    private static AuditVerification VerifyLinks(IEnumerable<AuditRecord> records)
    {
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

            var hash = AuditChain.ComputeHash(record);
            if (!string.Equals(hash, record.Hash, StringComparison.Ordinal))
            {
                return new(false, checkedCount, record.Sequence, "记录内容与其 SM3 哈希不符（记录被篡改）", previousHash);
            }

            previousHash = record.Hash;
            expectedSequence++;
            checkedCount++;
        }

        return new(true, checkedCount, null, null, previousHash);
    }
}
