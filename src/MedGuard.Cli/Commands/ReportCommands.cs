using System.CommandLine;
using MedGuard.Cli.Platform;
using MedGuard.Reports.Document;
using MedGuard.Reports.Rendering;
using MedGuard.Reports.Signing;
using MedGuard.Security.Protection;
using MedGuard.Storage;
using MedGuard.Storage.Findings;
using MedGuard.Storage.Inventory;
using MedGuard.Storage.Reports;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Cli.Commands;

/// <summary>
/// <c>medguard report grading|filing|assessment|notice|situation … --format docx|pdf|xlsx --out FILE</c> — the platform's
/// documents from the database, signed with the platform's SM2 key (report-sm2.key in the key folder) and recorded like
/// the server records them; progress on stderr. <c>medguard report verify FILE</c>: valid (0), altered (1), unsigned (2).
/// </summary>
internal sealed class ReportCommands : ICommandModule
{
    public void Register(RootCommand root)
    {
        var report = CommandTree.GetOrAdd(root, "report", "生成文档（定级报告、备案表、测评报告、整改通知、态势报告）并以 SM2 签名；校验签名");
        report.Subcommands.Add(Produce(ReportKind.Grading, "定级报告（2025 版结构）", "--system", "定级对象：编号或名称"));
        report.Subcommands.Add(Produce(ReportKind.Filing, "备案表（表一至表六；平台未记录的栏目留空并标注）", "--system", "定级对象：编号或名称"));
        report.Subcommands.Add(Produce(ReportKind.Assessment, "测评报告摘要（符合率、结论、控制点结果、高风险问题、整改清单）", "--assessment", "测评记录编号"));
        report.Subcommands.Add(Produce(ReportKind.Notice, "整改通知（一家医疗机构的远程检测发现）", "--institution", "医疗机构：编号或名称"));
        report.Subcommands.Add(Produce(ReportKind.Situation, "行业态势报告（地区、期间）", null, null));
        report.Subcommands.Add(Verify());
    }

    private static Command Produce(ReportKind kind, string description, string? subjectName, string? subjectDescription)
    {
        var subject = subjectName is null ? null : new Option<string>(subjectName) { Description = subjectDescription, Required = true };
        var region = new Option<string?>("--region") { Description = "行政区划代码前缀（如 11、1101；默认全部）" };
        var from = new Option<string?>("--from") { Description = "统计期间开始 yyyy-MM-dd（默认当年 1 月 1 日）" };
        var to = new Option<string?>("--to") { Description = "统计期间结束 yyyy-MM-dd（默认今天）" };
        var format = new Option<string>("--format") { Description = "格式：docx | pdf | xlsx", DefaultValueFactory = _ => "docx" };
        var output = new Option<string>("--out") { Description = "输出文件", Required = true };
        var noSign = new Option<bool>("--no-sign") { Description = "不签名" };
        var issuer = new Option<string?>("--issuer") { Description = "发文单位（整改通知、态势报告；默认“MedGuard 平台”）" };
        var db = AssetCommands.DbOption();
        var keys = AssetCommands.KeysOption();
        var command = new Command(kind.Slug(), description) { format, output, noSign, issuer, db, keys };
        if (subject is not null)
        {
            command.Options.Add(subject);
        }
        else
        {
            command.Options.Add(region);
            command.Options.Add(from);
            command.Options.Add(to);
        }

        command.SetAction(parse =>
        {
            var error = parse.InvocationConfiguration.Error;
            var fmt = ReportFormats.Parse(parse.GetValue(format));
            var path = Path.GetFullPath(parse.GetValue(output)!);
            var progress = new Progress(error);
            progress.Report("打开平台数据库");
            var platform = EmbeddedPlatform.Open(parse.GetValue(db), parse.GetValue(keys), error);
            var record = EmbeddedPlatform.Guard(platform.Target, () =>
            {
                using var context = platform.Context();
                // Only a notice opens detection evidence (SM4, the platform's field key); the other documents need no key.
                var importer = kind == ReportKind.Notice ? new FindingImporter(platform.FieldProtector(() => context.Findings.Any(f => f.EvidenceCiphertext != null))) : null;
                var id = subject is null ? (Guid?)null : Subject(context, kind, parse.GetValue(subject)!);
                var request = new ReportRequest(kind, fmt, id, parse.GetValue(region), Date(parse.GetValue(from), "--from"), Date(parse.GetValue(to), "--to"), !parse.GetValue(noSign));
                var key = new Sm2Key(FieldKeyFile.LoadOrCreate(Path.Combine(platform.KeyDirectoryPath, ReportSignatures.KeyFileName), 32));
                var now = DateTimeOffset.Now;
                var signing = new ReportSigning(key, $"MedGuard 平台 · {EmbeddedPlatform.Operator}", now.ToOffset(TimeSpan.FromHours(8)));
                var chromium = new ChromiumRenderer();
                try
                {
                    var produced = new ReportProduction(context, chromium, importer is null ? null : f => importer.EvidenceOf(f, masked: true))
                        .ProduceAsync(request, EmbeddedPlatform.Operator, null, parse.GetValue(issuer) ?? "MedGuard 平台", signing, DateOnly.FromDateTime(now.DateTime), now.UtcDateTime, progress)
                        .GetAwaiter().GetResult();
                    progress.Report("记录生成的文档");
                    context.GeneratedReports.Add(produced);
                    context.SaveChanges();
                    return produced;
                }
                catch (ReportInputException ex)
                {
                    throw new CliException(ex.Message);
                }
                catch (KeyNotFoundException ex)
                {
                    throw new CliException(ex.Message);
                }
                finally
                {
                    chromium.DisposeAsync().AsTask().GetAwaiter().GetResult();
                }
            });
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, record.Content);
            parse.InvocationConfiguration.Output.WriteLine($"已生成 {record.Title}（{record.Format}，{record.SizeBytes} 字节）：{path}");
            parse.InvocationConfiguration.Output.WriteLine($"SM3 {record.ContentHash}{(record.Signed ? "，签名人 " + record.Signer : "，未签名")}，记录编号 {record.Id}");
            return 0;
        });
        return command;
    }

    private static Command Verify()
    {
        var file = new Argument<string>("FILE") { Description = "要校验的 docx / pdf / xlsx 文件" };
        var db = AssetCommands.DbOption();
        var keys = AssetCommands.KeysOption();
        var command = new Command("verify", "校验文档的 SM2 签名：有效返回 0，被修改返回 1（并指出修改了哪一部分），未签名返回 2") { file, db, keys };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(file)!;
            var bytes = File.ReadAllBytes(path);
            // The platform's public key, when its key file is at hand, to tell its signatures from others'.
            var target = Storage.Providers.DatabaseTarget.Resolve(parse.GetValue(db));
            var keyPath = Path.Combine(EmbeddedPlatform.KeyDirectory(target, parse.GetValue(keys)), ReportSignatures.KeyFileName);
            var trusted = File.Exists(keyPath) ? new Sm2Key(FieldKeyFile.Read(keyPath, 32)).PublicKeyHex : null;
            var result = ReportSignatures.Verify(bytes, trusted);
            var output = parse.InvocationConfiguration.Output;
            output.WriteLine(result.Message);
            foreach (var change in result.Changes)
            {
                output.WriteLine($"  - {change}");
            }

            return result.Status switch
            {
                VerificationStatus.Valid => 0,
                VerificationStatus.Altered => 1,
                _ => 2,
            };
        });
        return command;
    }

    private static Guid Subject(MedGuardDbContext db, ReportKind kind, string text)
    {
        if (kind == ReportKind.Notice)
        {
            return AssetRegistry.FindInstitutionAsync(db, text).GetAwaiter().GetResult().Id;
        }

        if (Guid.TryParse(text, out var id))
        {
            return id;
        }

        if (kind == ReportKind.Assessment)
        {
            throw new CliException($"--assessment 应为测评记录编号（GUID），不是 '{text}'");
        }

        var matches = db.Systems.AsNoTracking().Where(s => s.Name == text).Select(s => s.Id).Take(2).ToList();
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new CliException($"找不到名为「{text}」的定级对象"),
            _ => throw new CliException($"有多个名为「{text}」的定级对象，请用编号"),
        };
    }

    private static DateOnly? Date(string? text, string option) =>
        text is null ? null : DateOnly.TryParseExact(text, "yyyy-MM-dd", out var d) ? d : throw new CliException($"{option} 应为 yyyy-MM-dd");

    /// <summary>Progress lines on stderr as each step starts.</summary>
    private sealed class Progress(TextWriter error) : IProgress<string>
    {
        private int step;

        public void Report(string value) => error.WriteLine($"[{++step}] {value}…");
    }
}
