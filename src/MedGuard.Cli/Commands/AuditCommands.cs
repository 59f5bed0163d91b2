using System.CommandLine;
using MedGuard.Cli.Platform;
using MedGuard.Security.Audit;
using MedGuard.Security.Protection;
using MedGuard.Storage.Auditing;
using MedGuard.Storage.Providers;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Cli.Commands;

/// <summary><c>medguard audit verify</c> — checks the platform's HMAC-SM3-chained audit log with the key and the head
/// anchor kept outside the database, and names the first row that was changed.</summary>
internal sealed class AuditCommands : ICommandModule
{
    public void Register(RootCommand root)
    {
        var db = new Option<string?>("--db") { Description = "数据库：SQLite 文件路径或 PostgreSQL 连接串（默认 MEDGUARD_DB 或 ./data/medguard.db）" };
        var keys = new Option<string?>("--keys") { Description = "平台密钥目录（默认 SQLite 文件旁的 keys/，即 ./data/keys）：其中的 audit-chain.key 与 audit-head" };
        var key = new Option<string?>("--key") { Description = "审计链 HMAC-SM3 密钥文件（默认 <密钥目录>/audit-chain.key）" };
        var anchor = new Option<string?>("--anchor") { Description = "库外的链头锚点文件（默认 <密钥目录>/audit-head），用于发现末尾记录被删除" };
        var format = new Option<string>("--format") { Description = "输出格式：text | json", DefaultValueFactory = _ => "text" };
        var verify = new Command("verify", "校验审计日志的 HMAC-SM3 链：完整返回 0，发现篡改、删除、锚点或密钥缺失返回 1，并指出第一条被改动的记录") { db, keys, key, anchor, format };
        verify.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var fmt = OutputFormat.Check(parse.GetValue(format), "text", "json");
            var target = DatabaseTarget.Resolve(parse.GetValue(db));
            if (target.FilePath is { } file && !File.Exists(file))
            {
                throw new CliException($"数据库文件不存在: {file}（先运行 ./medguard-server 启动平台）");
            }

            // The same files the platform and `institutions add` use (see EmbeddedPlatform.KeyDirectory).
            var directory = EmbeddedPlatform.KeyDirectory(target, parse.GetValue(keys));
            var keyPath = parse.GetValue(key) ?? Path.Combine(directory, AuditTrailOptions.KeyFileName);
            var anchorPath = parse.GetValue(anchor) ?? Path.Combine(directory, AuditTrailOptions.AnchorFileName);
            // A missing key is an alarm for a chain with keyed entries (exit 1), never a reason to give up quietly; an
            // empty chain or one written wholly before keying needs none.
            byte[]? chainKey;
            AuditAnchor? head;
            AuditLegacyHead? legacy;
            try
            {
                chainKey = File.Exists(keyPath) ? FieldKeyFile.Read(keyPath, FieldKeyFile.AuditKeyBytes) : null;
                head = AuditAnchor.Read(anchorPath);
                legacy = AuditLegacyHead.Read(AuditLegacyHead.PathBeside(keyPath));
            }
            catch (InvalidDataException ex)
            {
                throw new CliException(ex.Message);
            }

            AuditVerification result;
            var notUpgraded = false;
            using (var context = MedGuardContextFactory.Create(target))
            {
                try
                {
                    var records = context.AuditEntries.AsNoTracking().OrderBy(e => e.Sequence).AsEnumerable().Select(e => e.ToRecord()).ToList();
                    // A chain from before keying that the platform has not started on yet: no key, no legacy record, and
                    // row 1 sealed with plain SM3. Checked the old way (links and anchor) rather than called keyless.
                    notUpgraded = chainKey is null && legacy is null && records.Count > 0
                        && AuditChain.ComputeLegacyHash(records[0]) == records[0].Hash;
                    result = AuditChainVerifier.Verify(records, chainKey, head, notUpgraded ? AuditLegacyHead.Of(records) with { Fingerprints = [] } : legacy);
                }
                catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or Npgsql.NpgsqlException or InvalidOperationException)
                {
                    throw new CliException($"无法读取审计日志（{target.Display}）: {ex.Message}");
                }
            }

            if (fmt == "json")
            {
                OutputFormat.WriteJson(output, new { intact = result.Intact, entriesChecked = result.EntriesChecked, brokenAtSequence = result.BrokenAtSequence, problem = result.Problem, lastHash = result.LastHash, anchorChecked = head is not null, keyFound = chainKey is not null, legacyEntries = legacy?.Sequence ?? 0 });
            }
            else
            {
                output.WriteLine(result.Summary);
                if (chainKey is null && result.Problem == AuditChainVerifier.MissingKey)
                {
                    output.WriteLine($"（未找到审计链密钥文件 {Path.GetFullPath(keyPath)}；若密钥在别处，用 --keys 或 --key 指定）");
                }

                if (notUpgraded)
                {
                    output.WriteLine("（审计链尚未升级为 HMAC-SM3：按升级前的 SM3 链校验链接与锚点；平台下次启动时校验并升级）");
                }
                else if (legacy is not null)
                {
                    output.WriteLine($"（第 1–{legacy.Sequence} 条为升级前的 SM3 链记录，按库外记录的末条哈希校验；此后为 HMAC-SM3）");
                }

                if (head is null)
                {
                    output.WriteLine($"（未找到链头锚点 {anchorPath}；可用 --keys 或 --anchor 指定）");
                }
            }

            return result.Intact ? 0 : 1;
        });
        CommandTree.GetOrAdd(root, "audit", "平台审计日志").Subcommands.Add(verify);
    }
}
