using System.CommandLine;
using System.Globalization;
using MedGuard.Cli.Platform;
using MedGuard.Domain.Inventory;
using MedGuard.Domain.Platform;
using MedGuard.Storage.Inventory;
using MedGuard.Storage.Providers;
using Microsoft.EntityFrameworkCore;
using Spectre.Console;

namespace MedGuard.Cli.Commands;

/// <summary>
/// <c>medguard assets add|import|list</c> (and <c>candidates|accept|dismiss</c>, <see cref="CandidateCommands"/>) — registers an institution's assets (资产) with their authorization (授权)
/// from a script, through the same <see cref="AssetRegistry"/> the platform's pages use, on the embedded database by
/// default; every change is written to the platform's audit chain as <c>cli:$USER</c>.
/// </summary>
internal sealed class AssetCommands : ICommandModule
{
    public void Register(RootCommand root)
    {
        var assets = CommandTree.GetOrAdd(root, "assets", "资产与检测授权：登记、批量导入、列表、来自 App 的候选资产（默认内嵌数据库 ./data/medguard.db，变更记入平台审计日志）");
        assets.Aliases.Add("asset");
        assets.Subcommands.Add(AddCommand());
        assets.Subcommands.Add(ImportCommand());
        assets.Subcommands.Add(ListCommand());
        assets.Subcommands.Add(CandidateCommands.List());
        assets.Subcommands.Add(CandidateCommands.Accept());
        assets.Subcommands.Add(CandidateCommands.Dismiss());
    }

    private static Command AddCommand()
    {
        var value = new Argument<string>("VALUE") { Description = "资产：IP 或 CIDR 网段（地址/前缀长度）、网站（https://主机[:端口] 或主机名）、App 包名、公众号/小程序名称" };
        var institution = new Option<string>("--institution") { Description = "医疗机构名称或编号", Required = true };
        var kind = new Option<string>("--kind") { Description = "资产类型：ip | origin | app | account（IP地址/网站/App/公众号）", Required = true };
        var until = new Option<string>("--authorized-until") { Description = "授权有效期最后一天（北京时间，含当天），如 2027-06-30", Required = true };
        var from = new Option<string?>("--authorized-from") { Description = "授权起始日（默认今天）" };
        var by = new Option<string?>("--authorized-by") { Description = "授权单位/签署人（默认机构名称）" };
        var letter = new Option<string?>("--letter") { Description = "授权书文件（PDF/图片，最大 10 MB；保存文件并记录 SHA-256）" };
        var detectors = new Option<string?>("--detectors") { Description = "授权的检测类型：ports,web,apk,logic（默认该类资产适用的全部）" };
        var window = new Option<string?>("--window") { Description = "每日允许检测时段（北京时间），如 22:00-06:00" };
        var rate = new Option<double?>("--rate") { Description = $"每台主机每秒最多连接/请求数（默认 {AssetRegistry.DefaultRatePerHost:0}）" };
        var system = new Option<string?>("--system") { Description = "所服务的定级对象（名称或编号）" };
        var name = new Option<string?>("--name") { Description = "资产名称（如 门户网站、预约挂号公众号）" };
        var appId = new Option<string?>("--app-id") { Description = "公众号/小程序的 AppID" };
        var entryUrl = new Option<string?>("--entry-url") { Description = "公众号/H5 预约入口地址" };
        var zone = new Option<string?>("--zone") { Description = "网络区域（任务引擎的队列，由能到达该区域的 medguard worker --queues 处理；zone-a 记作 zone_a；默认 default）" };
        var db = DbOption();
        var keys = KeysOption();
        var format = new Option<string>("--format") { Description = "输出格式：text | json", DefaultValueFactory = _ => "text" };
        var add = new Command("add", "登记一项资产及其检测授权（一并校验、一并写入；记入审计日志，操作人为 cli:<系统用户>）")
        {
            value, institution, kind, until, from, by, letter, detectors, window, rate, system, name, appId, entryUrl, zone, db, keys, format,
        };
        add.SetAction(parse =>
        {
            var outputFormat = OutputFormat.Check(parse.GetValue(format), "text", "json");
            if (!AssetKindNames.TryParse(parse.GetValue(kind), out var assetKind))
            {
                throw new CliException($"未知的资产类型 '{parse.GetValue(kind)}'（可选：ip、origin、app、account）");
            }

            var letterPath = parse.GetValue(letter);
            var letterBytes = letterPath is null ? null : ReadLetter(letterPath);
            var platform = EmbeddedPlatform.Open(parse.GetValue(db), parse.GetValue(keys), parse.InvocationConfiguration.Error);
            var registry = new AssetRegistry();
            var (asset, authorization, institutionName) = Registered(platform.Target, () =>
            {
                using var context = platform.Context();
                var owner = AssetRegistry.FindInstitutionAsync(context, parse.GetValue(institution)!).GetAwaiter().GetResult();
                var systemText = parse.GetValue(system);
                var served = string.IsNullOrWhiteSpace(systemText) ? null : AssetRegistry.FindSystemAsync(context, owner.Id, systemText).GetAwaiter().GetResult();
                var fromText = parse.GetValue(from);
                var (a, z) = registry.RegisterAsync(
                    context,
                    new NewAsset
                    {
                        InstitutionId = owner.Id,
                        Kind = assetKind,
                        Value = parse.GetValue(value)!,
                        Name = parse.GetValue(name),
                        SystemId = served?.Id,
                        AppId = parse.GetValue(appId),
                        EntryUrl = parse.GetValue(entryUrl),
                        Zone = parse.GetValue(zone),
                    },
                    new NewAuthorization
                    {
                        AssetId = Guid.Empty,
                        AuthorizedBy = parse.GetValue(by) ?? owner.Name,
                        ValidFrom = string.IsNullOrWhiteSpace(fromText) ? registry.Today : AssetRegistry.ParseDate(fromText, "--authorized-from "),
                        ValidUntil = AssetRegistry.ParseDate(parse.GetValue(until)!, "--authorized-until "),
                        Detectors = AssetRegistry.ParseDetectors(parse.GetValue(detectors), assetKind),
                        AllowedWindow = parse.GetValue(window),
                        MaxRatePerHost = parse.GetValue(rate),
                        LetterFileName = letterPath is null ? null : Path.GetFileName(letterPath),
                        Letter = letterBytes,
                    }).GetAwaiter().GetResult();
                return (a, z, owner.Name);
            });

            var output = parse.InvocationConfiguration.Output;
            if (outputFormat == "json")
            {
                OutputFormat.WriteJson(output, View(asset, institutionName, authorization, registry.Today));
                return 0;
            }

            output.WriteLine($"已登记{asset.Kind.ToChinese()}资产 {asset.Value}（{institutionName}）");
            output.WriteLine($"编号: {asset.Id}");
            output.WriteLine($"授权: {authorization.ValidFrom:yyyy-MM-dd} 至 {authorization.ValidUntil:yyyy-MM-dd}，检测类型 {string.Join(",", authorization.Detectors)}"
                + (authorization.AllowedWindow is { } w ? $"，时段 {w}" : "") + $"，每主机 {authorization.MaxRatePerHost.ToString(CultureInfo.InvariantCulture)}/秒，授权单位 {authorization.AuthorizedBy}");
            if (authorization.LetterSha256 is { } sha)
            {
                output.WriteLine($"授权书: {authorization.LetterFileName}（SHA-256 {sha}）");
            }

            output.WriteLine($"已记入审计日志（操作人 {EmbeddedPlatform.Operator}）");
            return 0;
        });
        return add;
    }

    private static Command ImportCommand()
    {
        var sheet = new Argument<string>("SHEET") { Description = "资产表格（.csv 或 .xlsx）：机构、类型、值、名称、定级对象、授权单位、授权起、授权止、检测类型、时间窗口、每主机速率" };
        var db = DbOption();
        var keys = KeysOption();
        var format = new Option<string>("--format") { Description = "输出格式：text | json", DefaultValueFactory = _ => "text" };
        var import = new Command("import", "从表格批量登记资产及授权：先校验每一行，任何一行有误则全部不写入并列出所有错误行（改正表格后重新导入）")
        {
            sheet, db, keys, format,
        };
        import.SetAction(parse =>
        {
            var outputFormat = OutputFormat.Check(parse.GetValue(format), "text", "json");
            var path = parse.GetValue(sheet)!;
            var rows = Registered(null, () => AssetSheet.Read(path));
            var platform = EmbeddedPlatform.Open(parse.GetValue(db), parse.GetValue(keys), parse.InvocationConfiguration.Error);
            var result = Registered(platform.Target, () =>
            {
                using var context = platform.Context();
                return new AssetRegistry().ImportSheetAsync(context, rows).GetAwaiter().GetResult();
            });

            var output = parse.InvocationConfiguration.Output;
            if (outputFormat == "json")
            {
                OutputFormat.WriteJson(output, new
                {
                    written = result.Written,
                    rows = rows.Count,
                    added = result.Added.Select(a => new { id = a.Id, kind = KindName(a.Kind), value = a.Value }).ToList(),
                    errors = result.Errors.Select(e => new { row = e.Row, reason = e.Reason }).ToList(),
                });
            }
            else if (result.Written)
            {
                output.WriteLine($"已从 {Path.GetFileName(path)} 登记 {result.Added.Count} 项资产及其授权（已记入审计日志，操作人 {EmbeddedPlatform.Operator}）");
            }

            if (result.Written)
            {
                return 0;
            }

            var error = parse.InvocationConfiguration.Error;
            foreach (var e in result.Errors)
            {
                error.WriteLine(e.Row > 0 ? $"第 {e.Row} 行: {e.Reason}" : e.Reason);
            }

            error.WriteLine($"错误: 表格中有 {result.Errors.Count} 行有误，未写入任何资产；请改正后重新导入");
            return 1;
        });
        return import;
    }

    private static Command ListCommand()
    {
        var institution = new Option<string?>("--institution") { Description = "只列出该医疗机构（名称或编号）的资产" };
        var db = DbOption();
        var format = new Option<string>("--format") { Description = "输出格式：table | json", DefaultValueFactory = _ => "table" };
        var list = new Command("list", "列出已登记的资产及其当前授权") { institution, db, format };
        list.SetAction(parse =>
        {
            var outputFormat = OutputFormat.Check(parse.GetValue(format), "table", "json");
            var target = DatabaseTarget.Resolve(parse.GetValue(db));
            if (target.FilePath is { } file && !File.Exists(file))
            {
                throw new CliException($"数据库文件不存在: {file}（先运行 medguard institutions add 或 medguard db migrate）");
            }

            var today = ChinaStandardTime.DateOf(DateTimeOffset.UtcNow);
            var rows = Registered(target, () =>
            {
                using var context = MedGuardContextFactory.Create(target);
                var only = parse.GetValue(institution) is { } text ? AssetRegistry.FindInstitutionAsync(context, text).GetAwaiter().GetResult().Id : (Guid?)null;
                var names = context.Institutions.AsNoTracking().ToDictionary(i => i.Id, i => i.Name);
                var systems = context.Systems.AsNoTracking().Where(s => only == null || s.InstitutionId == only).ToDictionary(s => s.Id, s => s.Name);
                var list = context.Assets.AsNoTracking().Where(a => only == null || a.InstitutionId == only).ToList();
                // The letter's bytes stay in the database: the list shows the terms only.
                var grants = context.AssetAuthorizations.AsNoTracking().Where(z => only == null || z.InstitutionId == only)
                    .WithoutLetter()
                    .ToList().ToLookup(z => z.AssetId);
                return list
                    .OrderBy(a => names.GetValueOrDefault(a.InstitutionId), StringComparer.Ordinal).ThenBy(a => a.Kind).ThenBy(a => a.Value, StringComparer.Ordinal)
                    .Select(a => (Asset: a, Institution: names.GetValueOrDefault(a.InstitutionId) ?? "", System: a.SystemId is { } s ? systems.GetValueOrDefault(s) : null,
                        Authorization: Current(grants[a.Id], today)))
                    .ToList();
            });

            var output = parse.InvocationConfiguration.Output;
            if (outputFormat == "json")
            {
                OutputFormat.WriteJson(output, rows.Select(r => View(r.Asset, r.Institution, r.Authorization, today, r.System)).ToList());
                return 0;
            }

            if (rows.Count == 0)
            {
                output.WriteLine("尚未登记资产（用 medguard assets add 或 medguard assets import 登记）");
                return 0;
            }

            var table = new Table().AddColumn("编号").AddColumn("机构").AddColumn("类型").AddColumn("资产").AddColumn("名称").AddColumn("定级对象").AddColumn("授权");
            foreach (var r in rows)
            {
                table.AddRow(r.Asset.Id.ToString(), Markup.Escape(r.Institution), r.Asset.Kind.ToChinese(), Markup.Escape(r.Asset.Value),
                    Markup.Escape(r.Asset.Name ?? ""), Markup.Escape(r.System ?? ""), Markup.Escape(AuthorizationText(r.Authorization, today)));
            }

            var console = OutputFormat.Console(output);
            console.Profile.Width = 200;
            console.Write(table);
            output.WriteLine($"共 {rows.Count} 项");
            return 0;
        });
        return list;
    }

    /// <summary>The authorization that counts today: a valid one (the latest ending), else the latest ending one.</summary>
    private static AssetAuthorization? Current(IEnumerable<AssetAuthorization> grants, DateOnly today) =>
        grants.OrderByDescending(z => z.RevokedAt is null && z.ValidFrom <= today && today <= z.ValidUntil).ThenByDescending(z => z.ValidUntil).FirstOrDefault();

    private static string AuthorizationText(AssetAuthorization? z, DateOnly today) => z switch
    {
        null => "无授权",
        { RevokedAt: not null } => $"已撤销（原至 {z.ValidUntil:yyyy-MM-dd}）",
        _ when today > z.ValidUntil => $"已过期（至 {z.ValidUntil:yyyy-MM-dd}）",
        _ when today < z.ValidFrom => $"未生效（{z.ValidFrom:yyyy-MM-dd} 起）",
        _ => $"至 {z.ValidUntil:yyyy-MM-dd}，{string.Join(",", z.Detectors)}" + (z.AllowedWindow is { } w ? $"，{w}" : ""),
    };

    private static object View(Asset a, string institution, AssetAuthorization? z, DateOnly today, string? system = null) => new
    {
        id = a.Id,
        institutionId = a.InstitutionId,
        institution,
        kind = KindName(a.Kind),
        kindName = a.Kind.ToChinese(),
        value = a.Value,
        name = a.Name,
        systemId = a.SystemId,
        system,
        appId = a.AppId,
        entryUrl = a.EntryUrl,
        authorization = z is null ? null : new
        {
            id = z.Id,
            authorizedBy = z.AuthorizedBy,
            validFrom = z.ValidFrom.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            validUntil = z.ValidUntil.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            detectors = z.Detectors,
            window = z.AllowedWindow,
            ratePerHost = z.MaxRatePerHost,
            letterFileName = z.LetterFileName,
            letterSha256 = z.LetterSha256,
            revoked = z.RevokedAt is not null,
            validToday = z.RevokedAt is null && z.ValidFrom <= today && today <= z.ValidUntil,
        },
    };

    private static string KindName(AssetKind kind) => kind.ToString().ToLowerInvariant();

    internal static byte[] ReadLetter(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new CliException($"找不到授权书文件: {path}");
        }

        return info.Length <= AssetAuthorization.MaxLetterBytes
            ? File.ReadAllBytes(path)
            : throw new CliException($"授权书文件超过 {AssetAuthorization.MaxLetterBytes / 1024 / 1024} MB: {path}");
    }

    /// <summary>Runs a registration, turning the registry's refusal into one clear line (and database trouble through the guard).</summary>
    internal static T Registered<T>(DatabaseTarget? target, Func<T> action)
    {
        try
        {
            return target is null ? action() : EmbeddedPlatform.Guard(target, action);
        }
        catch (AssetRegistrationException ex)
        {
            throw new CliException(ex.Message);
        }
    }

    internal static Option<string?> DbOption() => new("--db")
    {
        Description = "数据库：SQLite 文件路径或 PostgreSQL 连接串（默认 MEDGUARD_DB 或 ./data/medguard.db）",
    };

    internal static Option<string?> KeysOption() => new("--keys")
    {
        Description = "平台密钥目录（审计链密钥、SM4 字段密钥 medguard-sm4.key 所在；默认 SQLite 文件旁的 keys/，即 ./data/keys）",
    };
}
