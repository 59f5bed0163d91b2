using System.CommandLine;
using MedGuard.Security.Audit;
using MedGuard.Storage.Providers;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Cli.Commands;

/// <summary><c>medguard audit verify</c> — checks the platform's SM3-chained audit log and names the first broken link.</summary>
internal sealed class AuditCommands : ICommandModule
{
    public void Register(RootCommand root)
    {
        var db = new Option<string?>("--db") { Description = "数据库：SQLite 文件路径或 PostgreSQL 连接串（默认 MEDGUARD_DB 或 ./data/medguard.db）" };
        var anchor = new Option<string?>("--anchor") { Description = "库外的链头锚点文件（默认 ./data/keys/audit-head），用于发现末尾记录被删除" };
        var format = new Option<string>("--format") { Description = "输出格式：text | json", DefaultValueFactory = _ => "text" };
        var verify = new Command("verify", "校验审计日志的 SM3 哈希链：完整返回 0，发现篡改或删除返回 1") { db, anchor, format };
        verify.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var fmt = OutputFormat.Check(parse.GetValue(format), "text", "json");
            var target = DatabaseTarget.Resolve(parse.GetValue(db));
            if (target.FilePath is { } file && !File.Exists(file))
            {
                throw new CliException($"数据库文件不存在: {file}（先运行 ./medguard-server 启动平台）");
            }

            var anchorPath = parse.GetValue(anchor) ?? Path.Combine("data", "keys", "audit-head");
            if (parse.GetValue(anchor) is { } given && !File.Exists(given))
            {
                throw new CliException($"链头锚点文件不存在: {given}");
            }

            AuditAnchor? head;
            try
            {
                head = AuditAnchor.Read(anchorPath);
            }
            catch (InvalidDataException ex)
            {
                throw new CliException(ex.Message);
            }

            AuditVerification result;
            using (var context = MedGuardContextFactory.Create(target))
            {
                try
                {
                    result = AuditChainVerifier.Verify(context.AuditEntries.AsNoTracking().OrderBy(e => e.Sequence).AsEnumerable().Select(e => e.ToRecord()), head);
                }
                catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or Npgsql.NpgsqlException or InvalidOperationException)
                {
                    throw new CliException($"无法读取审计日志（{target.Display}）: {ex.Message}");
                }
            }

            if (fmt == "json")
            {
                OutputFormat.WriteJson(output, new { intact = result.Intact, entriesChecked = result.EntriesChecked, brokenAtSequence = result.BrokenAtSequence, problem = result.Problem, lastHash = result.LastHash, anchorChecked = head is not null });
            }
            else
            {
                output.WriteLine(result.Summary);
                if (head is null)
                {
                    output.WriteLine($"（未找到链头锚点 {anchorPath}，无法发现末尾记录被删除；可用 --anchor 指定）");
                }
            }

            return result.Intact ? 0 : 1;
        });
        CommandTree.GetOrAdd(root, "audit", "平台审计日志").Subcommands.Add(verify);
    }
}
