using System.CommandLine;
using System.Globalization;
using MedGuard.Cli.Platform;
using MedGuard.Domain.Campaigns;
using MedGuard.Domain.Inventory;
using MedGuard.Storage.Auditing;
using MedGuard.Storage.Campaigns;
using MedGuard.Storage.Inventory;

namespace MedGuard.Cli.Commands;

/// <summary>
/// <c>medguard campaign start|status|cancel|list</c> — detection campaigns (检测任务计划, issue 14) on the embedded
/// database by default or <c>--db</c> PostgreSQL, through the same <see cref="CampaignService"/> the pages use, audited
/// as <c>cli:$USER</c>. The tasks run in a job engine: the platform server's, or <c>medguard worker</c> processes.
/// </summary>
internal sealed class CampaignCommands : ICommandModule
{
    public void Register(RootCommand root)
    {
        var campaign = CommandTree.GetOrAdd(root, "campaign", "检测任务计划：按范围、检测类型和计划（立即/定时/cron）批量检测，由任务引擎（medguard worker 或平台）执行");
        campaign.Subcommands.Add(StartCommand());
        campaign.Subcommands.Add(StatusCommand());
        campaign.Subcommands.Add(CancelCommand());
        campaign.Subcommands.Add(ListCommand());
    }

    private static Command StartCommand()
    {
        var name = new Option<string>("--name") { Description = "任务计划名称", Required = true };
        var institutions = new Option<string?>("--institutions") { Description = "医疗机构（名称或编号），逗号分隔" };
        var region = new Option<string?>("--region") { Description = "行政区划代码前缀（如 3301 = 杭州市的全部机构）" };
        var assets = new Option<string?>("--assets") { Description = "资产编号，逗号分隔" };
        var kinds = new Option<string?>("--kinds") { Description = "只取这些类型的资产：ip、origin、app，逗号分隔" };
        var detectors = new Option<string>("--detectors") { Description = "检测类型：ports、web、apk，逗号分隔", DefaultValueFactory = _ => "ports" };
        var cron = new Option<string?>("--cron") { Description = "周期计划（五段 cron，北京时间），如 \"0 2 1 * *\" = 每月 1 日 02:00" };
        var at = new Option<string?>("--at") { Description = "定时一次：开始时间（北京时间 yyyy-MM-dd HH:mm）" };
        var concurrency = new Option<int>("--concurrency") { Description = "全局并发子任务数", DefaultValueFactory = _ => 4 };
        var window = new Option<string?>("--window") { Description = "每日检测时段（北京时间），如 22:00-06:00" };
        var ports = new Option<string>("--ports") { Description = "端口检测的端口：top100、22,80,443、1-1024", DefaultValueFactory = _ => "top100" };
        var maxPages = new Option<int>("--max-pages") { Description = "网站检测每个站点最多爬取的页面数", DefaultValueFactory = _ => 50 };
        var taskTimeout = new Option<int>("--task-timeout") { Description = "单个子任务最长时间（秒）", DefaultValueFactory = _ => 3600 };
        var maxDuration = new Option<int?>("--max-duration") { Description = "每轮最长时间（秒），超过则停止未完成的子任务" };
        var db = AssetCommands.DbOption();
        var keys = AssetCommands.KeysOption();
        var command = new Command("start", "创建检测任务计划：范围 × 检测类型 × 计划 × 预算；立即执行的计划由任务引擎在几秒内开始")
        {
            name, institutions, region, assets, kinds, detectors, cron, at, concurrency, window, ports, maxPages, taskTimeout, maxDuration, db, keys,
        };
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(cron) is not null && parse.GetValue(at) is not null)
            {
                throw new CliException("--cron 与 --at 只能选一个");
            }

            DateTimeOffset? runAt = null;
            if (parse.GetValue(at) is { } atText)
            {
                runAt = DateTime.TryParseExact(atText.Trim(), ["yyyy-MM-dd HH:mm", "yyyy-MM-ddTHH:mm", "yyyy-MM-dd HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var local)
                    ? new DateTimeOffset(local, Domain.Platform.ChinaStandardTime.Offset)
                    : throw new CliException($"--at '{atText}' 无法识别（应为北京时间 yyyy-MM-dd HH:mm）");
            }

            var kindList = new List<AssetKind>();
            foreach (var kind in Split(parse.GetValue(kinds)))
            {
                kindList.Add(AssetKindNames.TryParse(kind, out var k) ? k : throw new CliException($"未知的资产类型 '{kind}'（可选：ip、origin、app、account）"));
            }

            var assetIds = new List<Guid>();
            foreach (var asset in Split(parse.GetValue(assets)))
            {
                assetIds.Add(Guid.TryParse(asset, out var id) ? id : throw new CliException($"资产编号 '{asset}' 不是有效的编号"));
            }

            var platform = EmbeddedPlatform.Open(parse.GetValue(db), parse.GetValue(keys), parse.InvocationConfiguration.Error);
            var campaign = Guarded(platform, () =>
            {
                using var context = platform.Context();
                var institutionIds = Split(parse.GetValue(institutions))
                    .Select(text => AssetRegistry.FindInstitutionAsync(context, text).GetAwaiter().GetResult().Id).ToList();
                var request = new CampaignRequest
                {
                    Name = parse.GetValue(name)!,
                    Scope = new CampaignScope { InstitutionIds = institutionIds, Region = parse.GetValue(region)?.Trim(), AssetIds = assetIds, AssetKinds = kindList },
                    Detectors = Split(parse.GetValue(detectors)),
                    Schedule = parse.GetValue(cron) is not null ? CampaignScheduleKind.Cron : runAt is not null ? CampaignScheduleKind.Once : CampaignScheduleKind.Now,
                    Cron = parse.GetValue(cron),
                    RunAt = runAt,
                    GlobalConcurrency = parse.GetValue(concurrency),
                    Window = parse.GetValue(window),
                    Ports = parse.GetValue(ports)!,
                    WebMaxPages = parse.GetValue(maxPages),
                    MaxTaskSeconds = parse.GetValue(taskTimeout),
                    MaxRoundSeconds = parse.GetValue(maxDuration),
                    CreatedBy = EmbeddedPlatform.Operator,
                };
                return new CampaignService().CreateAsync(context, request).GetAwaiter().GetResult();
            });
            platform.Audit(new AuditEvent("create", nameof(Campaign), campaign.Id.ToString(),
                $"创建检测任务计划「{campaign.Name}」：{string.Join("、", campaign.Detectors)}，{campaign.ScheduleKind.ToChinese()}{(campaign.Cron is null ? "" : $" {campaign.Cron}")}，并发 {campaign.GlobalConcurrency}"));
            output.WriteLine(campaign.Id);
            output.WriteLine($"已创建任务计划「{campaign.Name}」（{campaign.ScheduleKind.ToChinese()}，下次开始 {Beijing(campaign.NextRunAt)}）；由任务引擎执行：medguard worker 或平台服务");
            return 0;
        });
        return command;
    }

    private static Command StatusCommand()
    {
        var id = new Argument<string>("ID") { Description = "任务计划编号" };
        var db = AssetCommands.DbOption();
        var keys = AssetCommands.KeysOption();
        var format = new Option<string>("--format") { Description = "输出格式：table | json", DefaultValueFactory = _ => "table" };
        var command = new Command("status", "任务计划进度：总体与各机构的子任务状态、预计完成时间、失败原因") { id, db, keys, format };
        command.SetAction(parse =>
        {
            var fmt = OutputFormat.Check(parse.GetValue(format), "table", "json");
            var campaignId = ParseId(parse.GetValue(id)!);
            var platform = EmbeddedPlatform.Open(parse.GetValue(db), parse.GetValue(keys), parse.InvocationConfiguration.Error);
            var progress = Guarded(platform, () =>
            {
                using var context = platform.PlainContext();
                return new CampaignService().GetAsync(context, campaignId).GetAwaiter().GetResult();
            }) ?? throw new CliException($"找不到任务计划 {campaignId}");
            var output = parse.InvocationConfiguration.Output;
            var c = progress.Campaign;
            if (fmt == "json")
            {
                OutputFormat.WriteJson(output, new
                {
                    c.Id,
                    c.Name,
                    Status = c.Status.ToString(),
                    Round = progress.CurrentRound?.Number,
                    RoundStatus = progress.CurrentRound?.Status.ToString(),
                    progress.Overall.Total,
                    progress.Overall.Finished,
                    ByStatus = progress.Overall.ByStatus.ToDictionary(p => p.Key.ToString(), p => p.Value),
                    progress.Overall.NewFindings,
                    progress.Overall.FixedFindings,
                    progress.Overall.StillOpenFindings,
                    progress.EstimatedEnd,
                    Institutions = progress.Institutions.Select(i => new { i.InstitutionId, i.InstitutionName, i.Counts.Total, i.Counts.Finished, ByStatus = i.Counts.ByStatus.ToDictionary(p => p.Key.ToString(), p => p.Value) }),
                    Failures = progress.Failures.Select(f => new { f.TaskId, f.InstitutionName, f.Asset, f.Detector, Status = f.Status.ToString(), f.Attempts, f.Error }),
                });
                return 0;
            }

            output.WriteLine($"任务计划「{c.Name}」 {c.Id}");
            output.WriteLine($"状态：{c.Status.ToChinese()}{(c.StatusReason is null ? "" : $"（{c.StatusReason}）")}；计划：{c.ScheduleKind.ToChinese()}{(c.Cron is null ? "" : $" {c.Cron}")}；下次开始：{Beijing(c.NextRunAt)}");
            if (progress.CurrentRound is { } round)
            {
                output.WriteLine($"第 {round.Number} 轮（{round.StartedAt.ToOffset(Domain.Platform.ChinaStandardTime.Offset):yyyy-MM-dd HH:mm:ss} 开始）：{Counts(progress.Overall)}");
                output.WriteLine($"发现：新 {progress.Overall.NewFindings}，已修复 {progress.Overall.FixedFindings}，仍未关闭 {progress.Overall.StillOpenFindings}；预计完成：{Beijing(progress.EstimatedEnd)}");
                foreach (var institution in progress.Institutions)
                {
                    output.WriteLine($"  {institution.InstitutionName}：{Counts(institution.Counts)}");
                }

                foreach (var failure in progress.Failures)
                {
                    output.WriteLine($"  ✗ {failure.InstitutionName} {failure.Asset} {failure.Detector} {failure.Status.ToChinese()}：{failure.Error}");
                }
            }
            else
            {
                output.WriteLine("尚未开始");
            }

            return 0;
        });
        return command;
    }

    private static Command CancelCommand()
    {
        var id = new Argument<string>("ID") { Description = "任务计划编号" };
        var db = AssetCommands.DbOption();
        var keys = AssetCommands.KeysOption();
        var command = new Command("cancel", "取消任务计划：不再开始新一轮，未完成的子任务取消，正在运行的在几秒内停止") { id, db, keys };
        command.SetAction(parse =>
        {
            var campaignId = ParseId(parse.GetValue(id)!);
            var platform = EmbeddedPlatform.Open(parse.GetValue(db), parse.GetValue(keys), parse.InvocationConfiguration.Error);
            var cancelled = Guarded(platform, () =>
            {
                using var context = platform.PlainContext();
                return new CampaignService().CancelAsync(context, campaignId, EmbeddedPlatform.Operator).GetAwaiter().GetResult();
            });
            platform.Audit(new AuditEvent("cancel", nameof(Campaign), campaignId.ToString(), $"取消检测任务计划，{cancelled} 个未完成的子任务已取消"));
            parse.InvocationConfiguration.Output.WriteLine($"已取消任务计划 {campaignId}：{cancelled} 个未完成的子任务已取消");
            return 0;
        });
        return command;
    }

    private static Command ListCommand()
    {
        var db = AssetCommands.DbOption();
        var keys = AssetCommands.KeysOption();
        var command = new Command("list", "列出任务计划（最新的在前）") { db, keys };
        command.SetAction(parse =>
        {
            var platform = EmbeddedPlatform.Open(parse.GetValue(db), parse.GetValue(keys), parse.InvocationConfiguration.Error);
            var list = Guarded(platform, () =>
            {
                using var context = platform.PlainContext();
                return new CampaignService().ListAsync(context).GetAwaiter().GetResult();
            });
            var output = parse.InvocationConfiguration.Output;
            foreach (var c in list)
            {
                output.WriteLine($"{c.Id}  {c.Name}  {c.Status.ToChinese()}  {string.Join(",", c.Detectors)}  {c.Schedule.ToChinese()}{(c.Cron is null ? "" : " " + c.Cron)}  轮次 {c.Rounds}  子任务 {c.Finished}/{c.Tasks}  失败 {c.Failed}");
            }

            if (list.Count == 0)
            {
                output.WriteLine("（没有任务计划）");
            }

            return 0;
        });
        return command;
    }

    // A refused request is the person's to fix, not a database fault: turned into its own message inside the guard
    // (CampaignException is an InvalidOperationException, which the guard would report as "cannot reach the database").
    private static T Guarded<T>(EmbeddedPlatform platform, Func<T> action) => EmbeddedPlatform.Guard(platform.Target, () =>
    {
        try
        {
            return action();
        }
        catch (Exception ex) when (ex is CampaignException or AssetRegistrationException)
        {
            throw new CliException(ex.Message);
        }
    });

    private static string Counts(TaskCounts counts) =>
        $"{counts.Finished}/{counts.Total} 已结束（" + string.Join("，", counts.ByStatus.OrderBy(p => p.Key).Select(p => $"{p.Key.ToChinese()} {p.Value}")) + "）";

    private static Guid ParseId(string text) => Guid.TryParse(text.Trim(), out var id) ? id : throw new CliException($"'{text}' 不是有效的任务计划编号");

    private static List<string> Split(string? text) =>
        [.. (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    private static string Beijing(DateTimeOffset? at) => at is { } value ? value.ToOffset(Domain.Platform.ChinaStandardTime.Offset).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + "（北京时间）" : "无";
}
