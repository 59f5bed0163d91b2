using System.CommandLine;
using System.Globalization;
using MedGuard.Cli.Platform;
using MedGuard.Domain.Inventory;
using MedGuard.Domain.Platform;
using MedGuard.Storage.Inventory;
using MedGuard.Storage.Providers;
using Spectre.Console;

namespace MedGuard.Cli.Commands;

/// <summary>
/// <c>medguard assets candidates|accept|dismiss</c> — the candidate websites (候选资产) imported APK runs offer (the servers
/// an institution's apps talk to, issue 18 §5): listed, accepted into a website asset (with its authorization, or
/// authorized later — an unauthorized asset is never scanned), or dismissed with a reason. Decisions are written through
/// <see cref="AppEndpointCandidates"/> on the audited context, as <c>cli:$USER</c>.
/// </summary>
internal static class CandidateCommands
{
    public static Command List()
    {
        var institution = new Option<string?>("--institution") { Description = "只列出该医疗机构（名称或编号）的候选资产" };
        var all = new Option<bool>("--all") { Description = "也列出已登记、已忽略的候选资产" };
        var db = AssetCommands.DbOption();
        var format = new Option<string>("--format") { Description = "输出格式：table | json", DefaultValueFactory = _ => "table" };
        var list = new Command("candidates", "列出来自 App 检测的候选资产（App 通信的服务器；未登记并授权前不会被检测）") { institution, all, db, format };
        list.SetAction(parse =>
        {
            var outputFormat = OutputFormat.Check(parse.GetValue(format), "table", "json");
            var target = DatabaseTarget.Resolve(parse.GetValue(db));
            if (target.FilePath is { } file && !File.Exists(file))
            {
                throw new CliException($"数据库文件不存在: {file}（先运行 medguard institutions add 或 medguard db migrate）");
            }

            var rows = AssetCommands.Registered(target, () =>
            {
                using var context = MedGuardContextFactory.Create(target);
                var only = parse.GetValue(institution) is { } text ? AssetRegistry.FindInstitutionAsync(context, text).GetAwaiter().GetResult().Id : (Guid?)null;
                return AppEndpointCandidates.ListAsync(context, only, parse.GetValue(all), limit: 5000).GetAwaiter().GetResult();
            });

            var output = parse.InvocationConfiguration.Output;
            if (outputFormat == "json")
            {
                OutputFormat.WriteJson(output, rows.Select(View).ToList());
                return 0;
            }

            if (rows.Count == 0)
            {
                output.WriteLine("没有待处理的候选资产（导入 App 检测结果后，App 通信的服务器会列在这里）");
                return 0;
            }

            var table = new Table().AddColumn("编号").AddColumn("机构").AddColumn("App").AddColumn("地址").AddColumn("首次发现").AddColumn("状态").AddColumn("说明");
            foreach (var row in rows)
            {
                var c = row.Candidate;
                var notes = new List<string>();
                if (c.Cleartext)
                {
                    notes.Add("明文 HTTP");
                }

                if (c.ThirdParty is { } sdk)
                {
                    notes.Add($"第三方 SDK：{sdk}");
                }

                if (c.DismissReason is { } reason)
                {
                    notes.Add($"忽略理由：{reason}");
                }

                table.AddRow(c.Id.ToString(), Markup.Escape(row.Institution), Markup.Escape(string.Join("、", c.Packages)), Markup.Escape(c.Origin),
                    ChinaStandardTime.At(c.FirstSeenAt).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), c.Status.ToChinese(), Markup.Escape(string.Join("；", notes)));
            }

            var console = OutputFormat.Console(output);
            console.Profile.Width = 220;
            console.Write(table);
            output.WriteLine($"共 {rows.Count} 个（登记：medguard assets accept 编号 --authorized-until 日期；忽略：medguard assets dismiss 编号 --reason 理由）");
            return 0;
        });
        return list;
    }

    public static Command Accept()
    {
        var id = new Argument<Guid>("ID") { Description = "候选资产编号（medguard assets candidates 列出）" };
        var value = new Option<string?>("--value") { Description = "登记的网站（默认候选地址；可放宽为其主机名，不能换成别的主机）" };
        var name = new Option<string?>("--name") { Description = "资产名称（如 App 后台接口）" };
        var system = new Option<string?>("--system") { Description = "所服务的定级对象（名称或编号）" };
        var zone = new Option<string?>("--zone") { Description = "网络区域（默认 default）" };
        var until = new Option<string?>("--authorized-until") { Description = "同时登记授权：有效期最后一天（北京时间，含当天）；不填则只登记资产，授权前不会被检测" };
        var from = new Option<string?>("--authorized-from") { Description = "授权起始日（默认今天）" };
        var by = new Option<string?>("--authorized-by") { Description = "授权单位/签署人（默认机构名称）" };
        var letter = new Option<string?>("--letter") { Description = "授权书文件（PDF/图片，最大 10 MB）" };
        var detectors = new Option<string?>("--detectors") { Description = "授权的检测类型：ports,web（默认两者）" };
        var window = new Option<string?>("--window") { Description = "每日允许检测时段（北京时间），如 22:00-06:00" };
        var rate = new Option<double?>("--rate") { Description = $"每台主机每秒最多连接/请求数（默认 {AssetRegistry.DefaultRatePerHost:0}）" };
        var db = AssetCommands.DbOption();
        var keys = AssetCommands.KeysOption();
        var format = new Option<string>("--format") { Description = "输出格式：text | json", DefaultValueFactory = _ => "text" };
        var accept = new Command("accept", "登记候选资产：成为该机构的网站资产（可同时登记授权；记入审计日志）")
        {
            id, value, name, system, zone, until, from, by, letter, detectors, window, rate, db, keys, format,
        };
        accept.SetAction(parse =>
        {
            var outputFormat = OutputFormat.Check(parse.GetValue(format), "text", "json");
            var letterPath = parse.GetValue(letter);
            var letterBytes = letterPath is null ? null : AssetCommands.ReadLetter(letterPath);
            var platform = EmbeddedPlatform.Open(parse.GetValue(db), parse.GetValue(keys), parse.InvocationConfiguration.Error);
            var registry = new AssetRegistry();
            var (candidate, asset, authorization) = AssetCommands.Registered(platform.Target, () =>
            {
                using var context = platform.Context();
                var candidateId = parse.GetValue(id);
                var found = context.AssetCandidates.FirstOrDefault(c => c.Id == candidateId)
                    ?? throw new AssetRegistrationException($"找不到编号为 {candidateId} 的候选资产");
                var owner = AssetRegistry.FindInstitutionAsync(context, found.InstitutionId.ToString()).GetAwaiter().GetResult();
                var systemText = parse.GetValue(system);
                var served = string.IsNullOrWhiteSpace(systemText) ? null : AssetRegistry.FindSystemAsync(context, owner.Id, systemText).GetAwaiter().GetResult();
                NewAuthorization? grant = null;
                if (parse.GetValue(until) is { } untilText)
                {
                    var fromText = parse.GetValue(from);
                    grant = new NewAuthorization
                    {
                        AssetId = Guid.Empty,
                        AuthorizedBy = parse.GetValue(by) ?? owner.Name,
                        ValidFrom = string.IsNullOrWhiteSpace(fromText) ? registry.Today : AssetRegistry.ParseDate(fromText, "--authorized-from "),
                        ValidUntil = AssetRegistry.ParseDate(untilText, "--authorized-until "),
                        Detectors = AssetRegistry.ParseDetectors(parse.GetValue(detectors), AssetKind.Origin),
                        AllowedWindow = parse.GetValue(window),
                        MaxRatePerHost = parse.GetValue(rate),
                        LetterFileName = letterPath is null ? null : Path.GetFileName(letterPath),
                        Letter = letterBytes,
                    };
                }

                return new AppEndpointCandidates(registry).AcceptAsync(context, candidateId, new CandidateAcceptance
                {
                    DecidedBy = EmbeddedPlatform.Operator,
                    Value = parse.GetValue(value),
                    Name = parse.GetValue(name),
                    SystemId = served?.Id,
                    Zone = parse.GetValue(zone),
                    Authorization = grant,
                }).GetAwaiter().GetResult();
            });

            var output = parse.InvocationConfiguration.Output;
            if (outputFormat == "json")
            {
                OutputFormat.WriteJson(output, new
                {
                    candidate = View(new CandidateRow(candidate, "")),
                    asset = new { id = asset.Id, institutionId = asset.InstitutionId, kind = "origin", value = asset.Value, name = asset.Name },
                    authorization = authorization is null ? null : new
                    {
                        id = authorization.Id,
                        validFrom = authorization.ValidFrom.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                        validUntil = authorization.ValidUntil.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                        detectors = authorization.Detectors,
                    },
                });
                return 0;
            }

            output.WriteLine($"已将候选资产 {candidate.Origin} 登记为网站资产 {asset.Value}（编号 {asset.Id}）");
            output.WriteLine(authorization is null
                ? "尚未登记授权：该资产不会被检测；在平台资产页或 POST /api/assets/{编号}/authorizations 登记授权后才纳入检测范围"
                : $"授权: {authorization.ValidFrom:yyyy-MM-dd} 至 {authorization.ValidUntil:yyyy-MM-dd}，检测类型 {string.Join(",", authorization.Detectors)}");
            output.WriteLine($"已记入审计日志（操作人 {EmbeddedPlatform.Operator}）");
            return 0;
        });
        return accept;
    }

    public static Command Dismiss()
    {
        var id = new Argument<Guid>("ID") { Description = "候选资产编号（medguard assets candidates 列出）" };
        var reason = new Option<string>("--reason") { Description = "忽略理由（如：第三方 SDK 服务器，不属于本机构）", Required = true };
        var db = AssetCommands.DbOption();
        var keys = AssetCommands.KeysOption();
        var dismiss = new Command("dismiss", "忽略候选资产（须填理由；再次导入不会恢复；记入审计日志）") { id, reason, db, keys };
        dismiss.SetAction(parse =>
        {
            var platform = EmbeddedPlatform.Open(parse.GetValue(db), parse.GetValue(keys), parse.InvocationConfiguration.Error);
            var candidate = AssetCommands.Registered(platform.Target, () =>
            {
                using var context = platform.Context();
                return new AppEndpointCandidates().DismissAsync(context, parse.GetValue(id), parse.GetValue(reason), EmbeddedPlatform.Operator).GetAwaiter().GetResult();
            });
            parse.InvocationConfiguration.Output.WriteLine($"已忽略候选资产 {candidate.Origin}（理由：{candidate.DismissReason}；已记入审计日志，操作人 {EmbeddedPlatform.Operator}）");
            return 0;
        });
        return dismiss;
    }

    private static object View(CandidateRow row)
    {
        var c = row.Candidate;
        return new
        {
            id = c.Id,
            institutionId = c.InstitutionId,
            institution = row.Institution,
            origin = c.Origin,
            host = c.Host,
            apps = c.Packages,
            thirdParty = c.ThirdParty,
            cleartext = c.Cleartext,
            firstSeenAt = c.FirstSeenAt,
            lastSeenAt = c.LastSeenAt,
            status = c.Status.ToString().ToLowerInvariant(),
            statusName = c.Status.ToChinese(),
            decidedBy = c.DecidedBy,
            dismissReason = c.DismissReason,
            acceptedAssetId = c.AcceptedAssetId,
        };
    }
}
