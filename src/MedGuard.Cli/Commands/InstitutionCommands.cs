using System.CommandLine;
using System.Globalization;
using MedGuard.Cli.Platform;
using MedGuard.Domain.Institutions;
using MedGuard.Storage.Providers;
using Microsoft.EntityFrameworkCore;
using Spectre.Console;

namespace MedGuard.Cli.Commands;

/// <summary>
/// <c>medguard institutions add|list</c> — registers the hospitals of the embedded platform from a script, as the
/// platform's pages would: the region must be a real 行政区划 code, a name is unique within its region, and the change
/// is written to the platform's audit chain as the operating-system user.
/// </summary>
internal sealed class InstitutionCommands : ICommandModule
{
    private const int MaxNameLength = 200;

    public void Register(RootCommand root)
    {
        var institutions = CommandTree.GetOrAdd(root, "institutions", "医疗机构：登记与列表（默认内嵌数据库 ./data/medguard.db，变更记入平台审计日志）");

        var name = new Argument<string>("NAME") { Description = "机构名称（同一行政区划内不可重名）" };
        var tier = new Option<string>("--tier") { Description = "医院等级：三甲 / 三乙 / 三级 / 二甲 / 二乙 / 二级 / 一级 / 其他", Required = true };
        var region = new Option<string>("--region") { Description = "行政区划代码（GB/T 2260，如 110108 北京市海淀区）", Required = true };
        var affiliated = new Option<bool>("--directly-affiliated") { Description = "委属/直属机构" };
        var creditCode = new Option<string?>("--credit-code") { Description = "统一社会信用代码（18 位）" };
        var address = new Option<string?>("--address") { Description = "地址" };
        var addDb = DbOption();
        var keys = KeysOption();
        var addFormat = new Option<string>("--format") { Description = "输出格式：text | json", DefaultValueFactory = _ => "text" };
        var add = new Command("add", "登记一家医疗机构（先按需迁移数据库；记入审计日志，操作人为 cli:<系统用户>）")
        {
            name, tier, region, affiliated, creditCode, address, addDb, keys, addFormat,
        };
        add.SetAction(parse =>
        {
            var format = OutputFormat.Check(parse.GetValue(addFormat), "text", "json");
            var institution = new Institution
            {
                Name = CheckName(parse.GetValue(name)),
                Tier = ParseTier(parse.GetValue(tier)!),
                Region = CheckRegion(parse.GetValue(region)!),
                DirectlyAffiliated = parse.GetValue(affiliated),
                CreditCode = CheckCreditCode(parse.GetValue(creditCode)),
                Address = string.IsNullOrWhiteSpace(parse.GetValue(address)) ? null : parse.GetValue(address)!.Trim(),
            };
            var platform = EmbeddedPlatform.Open(parse.GetValue(addDb), parse.GetValue(keys), parse.InvocationConfiguration.Error);
            EmbeddedPlatform.Guard(platform.Target, () =>
            {
                using var db = platform.Context();
                if (db.Institutions.Any(i => i.Region == institution.Region && i.Name == institution.Name))
                {
                    throw new CliException($"{AdministrativeRegions.FullName(institution.Region)}（{institution.Region}）已有名为「{institution.Name}」的医疗机构，不能重复登记", 1);
                }

                db.Institutions.Add(institution);
                db.SaveChanges();
            });

            var output = parse.InvocationConfiguration.Output;
            if (format == "json")
            {
                OutputFormat.WriteJson(output, View(institution, 0));
            }
            else
            {
                output.WriteLine($"已登记医疗机构「{institution.Name}」（{institution.Tier.ToChinese()}，{AdministrativeRegions.FullName(institution.Region)} {institution.Region}）");
                output.WriteLine($"编号: {institution.Id}");
                output.WriteLine($"已记入审计日志（操作人 {EmbeddedPlatform.Operator}）");
            }

            return 0;
        });
        institutions.Subcommands.Add(add);

        var listDb = DbOption();
        var listFormat = new Option<string>("--format") { Description = "输出格式：table | json", DefaultValueFactory = _ => "table" };
        var list = new Command("list", "列出已登记的医疗机构") { listDb, listFormat };
        list.SetAction(parse =>
        {
            var format = OutputFormat.Check(parse.GetValue(listFormat), "table", "json");
            var target = DatabaseTarget.Resolve(parse.GetValue(listDb));
            if (target.FilePath is { } file && !File.Exists(file))
            {
                throw new CliException($"数据库文件不存在: {file}（先运行 medguard institutions add 或 medguard db migrate）");
            }

            var rows = EmbeddedPlatform.Guard(target, () =>
            {
                using var db = MedGuardContextFactory.Create(target);
                return db.Institutions.AsNoTracking().OrderBy(i => i.Region).ThenBy(i => i.Name)
                    .Select(i => new { Institution = i, Systems = i.Systems.Count }).ToList();
            });
            var output = parse.InvocationConfiguration.Output;
            if (format == "json")
            {
                OutputFormat.WriteJson(output, rows.Select(r => View(r.Institution, r.Systems)).ToList());
                return 0;
            }

            if (rows.Count == 0)
            {
                output.WriteLine("尚未登记医疗机构（用 medguard institutions add 登记）");
                return 0;
            }

            var table = new Table().AddColumn("编号").AddColumn("名称").AddColumn("等级").AddColumn("行政区划").AddColumn("直属").AddColumn(new TableColumn("定级对象").RightAligned());
            foreach (var r in rows)
            {
                var i = r.Institution;
                table.AddRow(i.Id.ToString(), Markup.Escape(i.Name), i.Tier.ToChinese(), Markup.Escape($"{AdministrativeRegions.FullName(i.Region)} {i.Region}"),
                    i.DirectlyAffiliated ? "是" : "否", r.Systems.ToString(CultureInfo.InvariantCulture));
            }

            var console = OutputFormat.Console(output);
            console.Profile.Width = 160; // an id and a full region name per row, unwrapped
            console.Write(table);
            output.WriteLine($"共 {rows.Count} 家");
            return 0;
        });
        institutions.Subcommands.Add(list);
    }

    private static Option<string?> DbOption() => new("--db")
    {
        Description = "数据库：SQLite 文件路径或 PostgreSQL 连接串（默认 MEDGUARD_DB 或 ./data/medguard.db）",
    };

    private static Option<string?> KeysOption() => new("--keys")
    {
        Description = "平台密钥目录，审计链密钥 audit-chain.key 与链头锚点 audit-head 所在（默认 SQLite 文件旁的 keys/，即 ./data/keys）",
    };

    private static object View(Institution i, int systems) => new
    {
        id = i.Id,
        name = i.Name,
        tier = i.Tier.ToChinese(),
        region = i.Region,
        regionName = AdministrativeRegions.FullName(i.Region),
        directlyAffiliated = i.DirectlyAffiliated,
        creditCode = i.CreditCode,
        address = i.Address,
        systems,
    };

    private static string CheckName(string? name)
    {
        var trimmed = name?.Trim() ?? "";
        return trimmed.Length is > 0 and <= MaxNameLength ? trimmed : throw new CliException($"机构名称不能为空且不超过 {MaxNameLength} 字");
    }

    private static HospitalTier ParseTier(string text)
    {
        try
        {
            return HospitalTierNames.Parse(text);
        }
        catch (FormatException ex)
        {
            throw new CliException(ex.Message);
        }
    }

    private static string CheckRegion(string code)
    {
        var trimmed = code.Trim();
        return AdministrativeRegions.IsKnown(trimmed)
            ? trimmed
            : throw new CliException($"未知的行政区划代码 '{code}'：平台的行政区划表（GB/T 2260）中没有此代码，请填写省级代码（如 11）或已收录的区县代码（如 110108 北京市海淀区）");
    }

    private static string? CheckCreditCode(string? code)
    {
        if (string.IsNullOrWhiteSpace(code))
        {
            return null;
        }

        var trimmed = code.Trim().ToUpperInvariant();
        return trimmed.Length == 18 && trimmed.All(char.IsAsciiLetterOrDigit)
            ? trimmed
            : throw new CliException($"统一社会信用代码应为 18 位字母或数字: '{code}'");
    }
}
