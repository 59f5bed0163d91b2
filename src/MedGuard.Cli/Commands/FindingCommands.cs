using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using MedGuard.Cli.Platform;
using MedGuard.Domain.Detection;
using MedGuard.Domain.Findings;
using MedGuard.Domain.Platform;
using MedGuard.Storage.Auditing;
using MedGuard.Storage.Findings;
using MedGuard.Storage.Inventory;
using MedGuard.Storage.Providers;
using Microsoft.EntityFrameworkCore;
using Spectre.Console;

namespace MedGuard.Cli.Commands;

/// <summary>
/// <c>medguard findings import|list|show</c> — detection runs into the platform's stored findings on the embedded
/// database by default, through the one importer the platform uses (<see cref="FindingImporter"/>: one transaction
/// per run, refused as a whole when a target is unregistered or unauthorized). Evidence is encrypted with the
/// platform's SM4 field key (keys/medguard-sm4.key beside the database) and shown only masked.
/// </summary>
internal sealed class FindingCommands : ICommandModule
{
    /// <summary>Set to 1 to print how long reading and importing each file took (the benchmark's profile).</summary>
    public const string TimingVariable = "MEDGUARD_IMPORT_TIMING";

    public void Register(RootCommand root)
    {
        var findings = CommandTree.GetOrAdd(root, "findings", "检测发现：导入检测运行结果、列表、详情（默认内嵌数据库 ./data/medguard.db）");
        findings.Subcommands.Add(ImportCommand());
        findings.Subcommands.Add(ListCommand());
        findings.Subcommands.Add(ShowCommand());
    }

    private static Command ImportCommand()
    {
        var files = new Argument<string[]>("FILE") { Description = "检测运行结果 JSON（scan ports / scan web / apk analyze 的 --format json 输出，最大 200 MB）", Arity = ArgumentArity.OneOrMore };
        var institution = new Option<string?>("--institution") { Description = "只匹配该医疗机构（名称或编号）登记的资产；默认匹配所有已登记资产" };
        var db = AssetCommands.DbOption();
        var keys = AssetCommands.KeysOption();
        var import = new Command("import", "导入检测运行结果：每个文件一个事务；目标须为已登记且在检测开始时有有效授权的资产，否则整个文件不导入")
        {
            files, institution, db, keys,
        };
        import.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var timing = Environment.GetEnvironmentVariable(TimingVariable) == "1";
            var paths = parse.GetValue(files)!;
            // The first file is read on the other core while the platform opens (runtime, database, keys, audit chain).
            var firstRead = paths.Length > 0 ? Task.Run(() => DetectionRunJson.ReadFile(paths[0])) : null;
            var platform = EmbeddedPlatform.Open(parse.GetValue(db), parse.GetValue(keys), error);
            var (protector, only, names) = AssetCommands.Registered(platform.Target, () =>
            {
                using var context = platform.PlainContext();
                var p = platform.FieldProtector(() => context.Findings.Any(f => f.EvidenceCiphertext != null));
                var id = parse.GetValue(institution) is { } text ? AssetRegistry.FindInstitutionAsync(context, text).GetAwaiter().GetResult().Id : (Guid?)null;
                return (p, id, context.Institutions.AsNoTracking().ToDictionary(i => i.Id, i => i.Name));
            });
            var importer = new FindingImporter(protector);
            if (timing)
            {
                // Start-up (runtime, database, keys, audit chain) before the first file is read.
                error.WriteLine($"[计时] 启动: {(DateTime.Now - Process.GetCurrentProcess().StartTime).TotalMilliseconds:0} ms");
            }

            var failed = new List<string>();
            for (var index = 0; index < paths.Length; index++)
            {
                var path = paths[index];
                var clock = Stopwatch.StartNew();
                DetectionRun run;
                try
                {
                    // Sized once from the file, refused before reading when over the limit (DetectionRunJson.ReadFile).
                    run = index == 0 ? firstRead!.GetAwaiter().GetResult() : DetectionRunJson.ReadFile(path);
                }
                catch (Exception ex) when (ex is FormatException or IOException or UnauthorizedAccessException)
                {
                    error.WriteLine($"错误: {path}: {ex.Message}");
                    failed.Add(path);
                    continue;
                }

                var read = clock.Elapsed;
                ImportResult result;
                try
                {
                    result = EmbeddedPlatform.Guard(platform.Target, () =>
                    {
                        using var context = platform.PlainContext();
                        return importer.ImportAsync(context, run, new ImportOptions { InstitutionId = only, ImportedBy = EmbeddedPlatform.Operator }).GetAwaiter().GetResult();
                    });
                }
                catch (Exception ex) when (ex is FindingImportException or CliException)
                {
                    error.WriteLine($"错误: {path}: {ex.Message}");
                    failed.Add(path);
                    continue;
                }

                var imported = clock.Elapsed;
                foreach (var i in result.Institutions)
                {
                    var name = names.GetValueOrDefault(i.InstitutionId) ?? i.InstitutionId.ToString();
                    var counts = $"新发现 {i.New}，再次发现 {i.Updated}，已修复 {i.Fixed}，重新打开 {i.Reopened}";
                    platform.Audit(new AuditEvent("import", nameof(DetectionImport), i.ImportId.ToString(),
                        $"导入 {run.DetectorId} 检测运行（{Path.GetFileName(path)}，摘要 {result.RunDigest[..16]}）到「{name}」：{counts}"));
                    output.WriteLine($"{name}: {counts}"
                        + (i.RectificationsCreated > 0 ? $"，新建整改项 {i.RectificationsCreated}" : "")
                        + (i.RetestsProposed > 0 ? $"，建议复测通过 {i.RetestsProposed}" : "")
                        + $"（{Path.GetFileName(path)}，{run.DetectorId}）");
                }

                if (result.CandidatesOffered > 0)
                {
                    // Issue 18 §5: the servers the apps talk to wait for a person; nothing scans them.
                    output.WriteLine($"新增候选资产 {result.CandidatesOffered} 个（App 通信的服务器，未授权前不会检测；用 medguard assets candidates 查看，assets accept 登记或 assets dismiss 忽略）");
                }

                if (timing)
                {
                    error.WriteLine($"[计时] {Path.GetFileName(path)}: 读取 {read.TotalMilliseconds:0} ms，导入 {(imported - read).TotalMilliseconds:0} ms，审计 {(clock.Elapsed - imported).TotalMilliseconds:0} ms，发现 {run.Findings.Count} 条");
                }
            }

            if (failed.Count == 0)
            {
                output.WriteLine($"已导入 {paths.Length} 个文件（已记入审计日志，操作人 {EmbeddedPlatform.Operator}）");
                return 0;
            }

            error.WriteLine($"错误: {failed.Count} 个文件未导入（见上方原因，这些文件未写入任何数据）；其余 {paths.Length - failed.Count} 个文件已导入");
            return 1;
        });
        return import;
    }

    private static Command ListCommand()
    {
        var institution = new Option<string?>("--institution") { Description = "医疗机构（名称或编号）" };
        var status = new Option<string?>("--status") { Description = "状态：新发现 | 已确认 | 整改中 | 已修复 | 风险接受 | 误报（或 open = 未关闭的三种）" };
        var severity = new Option<string?>("--severity") { Description = "严重程度：高 | 中 | 低 | 信息" };
        var detector = new Option<string?>("--detector") { Description = "检测类型：ports | web | apk | logic" };
        var overdue = new Option<bool>("--overdue") { Description = "只列出已超过整改时限仍未关闭的发现" };
        var limit = new Option<int>("--limit") { Description = "最多列出条数（0 = 全部）", DefaultValueFactory = _ => 1000 };
        var db = AssetCommands.DbOption();
        var format = new Option<string>("--format") { Description = "输出格式：table | json（不含证据）", DefaultValueFactory = _ => "table" };
        var list = new Command("list", "列出检测发现（按严重程度、最近发现时间排序；列表不显示证据）") { institution, status, severity, detector, overdue, limit, db, format };
        list.SetAction(parse =>
        {
            var outputFormat = OutputFormat.Check(parse.GetValue(format), "table", "json");
            FindingStatus? wanted = null;
            var open = false;
            if (parse.GetValue(status) is { } statusText)
            {
                if (statusText.Trim().Equals("open", StringComparison.OrdinalIgnoreCase) || statusText.Trim() == "未关闭")
                {
                    open = true;
                }
                else
                {
                    wanted = FindingStatusNames.TryParse(statusText, out var s) ? s : throw new CliException($"未知的发现状态 '{statusText}'（可选：新发现、已确认、整改中、已修复、风险接受、误报、open）");
                }
            }

            Severity? level = parse.GetValue(severity) is { } severityText
                ? SeverityNames.TryParse(severityText, out var l) ? l : throw new CliException($"未知的严重程度 '{severityText}'（可选：高、中、低、信息）")
                : null;
            var detectorId = parse.GetValue(detector)?.Trim().ToLowerInvariant();
            var max = parse.GetValue(limit);
            if (max < 0)
            {
                throw new CliException("--limit 不能为负数");
            }

            var target = ExistingDatabase(parse.GetValue(db));
            var today = ChinaStandardTime.DateOf(DateTimeOffset.UtcNow);
            var late = parse.GetValue(overdue);
            var (rows, total, names) = AssetCommands.Registered(target, () =>
            {
                using var context = MedGuardContextFactory.Create(target);
                Guid? institutionId = parse.GetValue(institution) is { } text ? AssetRegistry.FindInstitutionAsync(context, text).GetAwaiter().GetResult().Id : null;
                var query = new FindingFilter
                {
                    Institution = institutionId,
                    Status = wanted,
                    OpenOnly = open,
                    Overdue = late,
                    Severity = level,
                    Detector = detectorId,
                }.Apply(context.Findings.AsNoTracking(), today);
                var count = query.Count();
                var ordered = query.MostSevereFirst().ThenByDescending(f => f.LastSeenAt).ThenBy(f => f.TargetDisplay);
                var page = (max == 0 ? ordered : ordered.Take(max)).Select(f => new ListedFinding(
                    f.Id, f.InstitutionId, f.AssetId, f.SystemId, f.Detector, f.RuleId, f.Title, f.Severity, f.Status, f.TargetDisplay,
                    f.FirstSeenAt, f.LastSeenAt, f.FixedAt, f.DueOn, f.ReopenCount, f.AcceptedUntil, f.Cwe, f.StandardRefs)).ToList();
                return (page, count, context.Institutions.AsNoTracking().ToDictionary(i => i.Id, i => i.Name));
            });

            var output = parse.InvocationConfiguration.Output;
            if (outputFormat == "json")
            {
                OutputFormat.WriteJson(output, rows.Select(f => new
                {
                    id = f.Id,
                    institutionId = f.InstitutionId,
                    institution = names.GetValueOrDefault(f.InstitutionId),
                    assetId = f.AssetId,
                    systemId = f.SystemId,
                    detector = f.Detector,
                    ruleId = f.RuleId,
                    title = f.Title,
                    severity = f.Severity.ToChinese(),
                    status = f.Status.ToChinese(),
                    open = f.Status.IsOpen(),
                    target = f.Target,
                    firstSeen = f.FirstSeen,
                    lastSeen = f.LastSeen,
                    fixedAt = f.FixedAt,
                    dueOn = f.DueOn?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    overdue = f.Status.IsOpen() && f.DueOn is { } due && due < today,
                    reopenCount = f.ReopenCount,
                    acceptedUntil = f.AcceptedUntil?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    cwe = f.Cwe,
                    standardRefs = f.StandardRefs.Split(';', StringSplitOptions.RemoveEmptyEntries),
                }).ToList());
                return 0;
            }

            if (rows.Count == 0)
            {
                output.WriteLine("没有符合条件的检测发现");
                return 0;
            }

            var table = new Table().AddColumn("编号").AddColumn("机构").AddColumn("严重").AddColumn("状态").AddColumn("检测").AddColumn("发现").AddColumn("目标")
                .AddColumn("最近发现").AddColumn("整改时限");
            foreach (var f in rows)
            {
                var due = f.DueOn is { } d ? d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + (f.Status.IsOpen() && d < today ? "（已超期）" : "") : "";
                table.AddRow(f.Id.ToString(), Markup.Escape(names.GetValueOrDefault(f.InstitutionId) ?? ""), f.Severity.ToChinese(),
                    f.Status.ToChinese() + (f.ReopenCount > 0 ? $"（重开 {f.ReopenCount}）" : ""), f.Detector, Markup.Escape(f.Title), Markup.Escape(f.Target),
                    ChinaStandardTime.At(f.LastSeen).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), due);
            }

            var console = OutputFormat.Console(output);
            console.Profile.Width = 220;
            console.Write(table);
            output.WriteLine(rows.Count < total ? $"共 {total} 条，显示前 {rows.Count} 条（--limit 0 显示全部）" : $"共 {total} 条");
            return 0;
        });
        return list;
    }

    private static Command ShowCommand()
    {
        var id = new Argument<Guid>("ID") { Description = "发现编号（findings list 第一列）" };
        var db = AssetCommands.DbOption();
        var keys = AssetCommands.KeysOption();
        var format = new Option<string>("--format") { Description = "输出格式：text | json", DefaultValueFactory = _ => "text" };
        var show = new Command("show", "显示一条发现的详情、脱敏后的证据和状态历史（查看记入审计日志）") { id, db, keys, format };
        show.SetAction(parse =>
        {
            var outputFormat = OutputFormat.Check(parse.GetValue(format), "text", "json");
            ExistingDatabase(parse.GetValue(db));
            var platform = EmbeddedPlatform.Open(parse.GetValue(db), parse.GetValue(keys), parse.InvocationConfiguration.Error);
            var findingId = parse.GetValue(id);
            var (finding, institution, asset, history, evidence) = AssetCommands.Registered(platform.Target, () =>
            {
                using var context = platform.PlainContext();
                var f = context.Findings.AsNoTracking().FirstOrDefault(x => x.Id == findingId)
                    ?? throw new CliException($"找不到编号为 {findingId} 的检测发现", 1);
                var protector = platform.FieldProtector(() => f.EvidenceCiphertext is not null);
                var shown = new FindingImporter(protector).EvidenceOf(f, masked: true);
                var changes = context.FindingStatusChanges.AsNoTracking().Where(c => c.FindingId == findingId).ToList().OrderBy(c => c.At).ToList();
                var owner = context.Institutions.AsNoTracking().Where(i => i.Id == f.InstitutionId).Select(i => i.Name).FirstOrDefault() ?? "";
                var on = context.Assets.AsNoTracking().Where(a => a.Id == f.AssetId).Select(a => a.Value).FirstOrDefault() ?? "";
                return (f, owner, on, changes, shown);
            });

            // Reading a finding's evidence is accountable, as on the platform's pages.
            platform.Audit(new AuditEvent("read", nameof(FindingRecord), finding.Id.ToString(), "查看检测发现详情（证据已脱敏显示）"));
            var output = parse.InvocationConfiguration.Output;
            if (outputFormat == "json")
            {
                OutputFormat.WriteJson(output, new
                {
                    id = finding.Id,
                    institution,
                    asset,
                    detector = finding.Detector,
                    ruleId = finding.RuleId,
                    title = finding.Title,
                    severity = finding.Severity.ToChinese(),
                    status = finding.Status.ToChinese(),
                    statusReason = finding.StatusReason,
                    target = finding.TargetDisplay,
                    firstSeen = finding.FirstSeenAt,
                    lastSeen = finding.LastSeenAt,
                    dueOn = finding.DueOn?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    reopenCount = finding.ReopenCount,
                    cwe = finding.Cwe,
                    standardRefs = finding.StandardRefList,
                    highRiskCases = finding.HighRiskCaseList,
                    remediation = finding.Remediation,
                    evidence,
                    history = history.Select(c => new { at = c.At, from = c.From?.ToChinese(), to = c.To.ToChinese(), by = c.ByName, reason = c.Reason }).ToList(),
                });
                return 0;
            }

            output.WriteLine($"{finding.Title}（{finding.Severity.ToChinese()}，{finding.Status.ToChinese()}）");
            output.WriteLine($"编号: {finding.Id}");
            output.WriteLine($"机构: {institution}；资产: {asset}；目标: {finding.TargetDisplay}");
            output.WriteLine($"检测: {finding.Detector} / {finding.RuleId}" + (finding.Cwe is { } cwe ? $"；{cwe}" : ""));
            output.WriteLine($"首次发现: {ChinaStandardTime.At(finding.FirstSeenAt):yyyy-MM-dd HH:mm}；最近发现: {ChinaStandardTime.At(finding.LastSeenAt):yyyy-MM-dd HH:mm}"
                + (finding.DueOn is { } due ? $"；整改时限: {due:yyyy-MM-dd}" : "") + (finding.ReopenCount > 0 ? $"；重新打开 {finding.ReopenCount} 次" : ""));
            if (finding.StatusReason is { } reason)
            {
                output.WriteLine($"状态说明: {reason}");
            }

            if (finding.StandardRefList.Count > 0)
            {
                output.WriteLine($"GB/T 22239: {string.Join("；", finding.StandardRefList)}");
            }

            if (finding.Remediation is { } fix)
            {
                output.WriteLine($"整改建议: {fix}");
            }

            output.WriteLine("证据（已脱敏）:");
            foreach (var (key, value) in evidence)
            {
                output.WriteLine($"  {key}: {value}");
            }

            output.WriteLine("状态历史:");
            foreach (var c in history)
            {
                output.WriteLine($"  {ChinaStandardTime.At(c.At):yyyy-MM-dd HH:mm} {(c.From is { } from ? from.ToChinese() + " → " : "")}{c.To.ToChinese()}（{c.ByName}）{c.Reason}");
            }

            return 0;
        });
        return show;
    }

    private static DatabaseTarget ExistingDatabase(string? option)
    {
        var target = DatabaseTarget.Resolve(option);
        return target.FilePath is { } file && !File.Exists(file)
            ? throw new CliException($"数据库文件不存在: {file}（先运行 medguard findings import 或 medguard db migrate）")
            : target;
    }

    private sealed record ListedFinding(
        Guid Id, Guid InstitutionId, Guid AssetId, Guid? SystemId, string Detector, string RuleId, string Title, Severity Severity, FindingStatus Status,
        string Target, DateTimeOffset FirstSeen, DateTimeOffset LastSeen, DateTimeOffset? FixedAt, DateOnly? DueOn, int ReopenCount, DateOnly? AcceptedUntil,
        string? Cwe, string StandardRefs);
}
