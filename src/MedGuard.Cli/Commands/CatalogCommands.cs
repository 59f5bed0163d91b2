using System.CommandLine;
using MedGuard.Standards.Catalog;
using MiniExcelLibs;
using Spectre.Console;

namespace MedGuard.Cli.Commands;

/// <summary><c>medguard catalog stats|list|show</c> — the GB/T 22239-2019 catalog.</summary>
internal sealed class CatalogCommands : ICommandModule
{
    public void Register(RootCommand root)
    {
        var catalog = new Command("catalog", "GB/T 22239-2019 要求项目录");
        catalog.Subcommands.Add(Stats());
        catalog.Subcommands.Add(List());
        catalog.Subcommands.Add(Show());
        root.Subcommands.Add(catalog);
    }

    internal static Option<int> LevelOption(bool required = true) => new("--level", "-l")
    {
        Description = "安全保护等级（1–4）",
        Required = required,
    };

    private static int CheckLevel(int level) =>
        level is >= 1 and <= 4 ? level : throw new CliException($"等级 {level} 无效：GB/T 22239-2019 覆盖第一级至第四级");

    private static Command Stats()
    {
        var level = LevelOption();
        var format = new Option<string>("--format") { Description = "输出格式：table | json", DefaultValueFactory = _ => "table" };
        var command = new Command("stats", "各安全类的要求项与控制点数量") { level, format };
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var fmt = OutputFormat.Check(parse.GetValue(format), "table", "json");
            var stats = CatalogLoader.Default.Statistics(CheckLevel(parse.GetValue(level)));
            if (fmt == "json")
            {
                OutputFormat.WriteJson(output, new
                {
                    level = stats.Level,
                    items = stats.Items,
                    controlPoints = stats.ControlPoints,
                    categories = stats.Categories.Select(c => new { name = c.Name, items = c.Items, controlPoints = c.ControlPoints }),
                    extensions = stats.Extensions.ToDictionary(e => e.Key.ChineseName(), e => e.Value),
                });
                return 0;
            }

            var table = new Table().Title($"GB/T 22239-2019 第{MedGuard.Domain.Systems.ProtectionLevelNames.Numeral(stats.Level)}级 安全通用要求")
                .AddColumns("安全类", "类型", "控制点", "要求项");
            foreach (var c in stats.Categories)
            {
                table.AddRow(c.Name, Category.KindName(c.Kind), c.ControlPoints.ToString(), c.Items.ToString());
            }

            table.AddRow("[bold]合计[/]", "", stats.ControlPoints.ToString(), stats.Items.ToString());
            var console = OutputFormat.Console(output);
            console.Write(table);
            var ext = new Table().Title("安全扩展要求").AddColumns("扩展", "要求项");
            foreach (var (section, count) in stats.Extensions)
            {
                ext.AddRow(section.ChineseName(), count.ToString());
            }

            console.Write(ext);
            return 0;
        });
        return command;
    }

    private static Command List()
    {
        var level = LevelOption();
        var category = new Option<string?>("--category") { Description = "只列出该安全类，如 安全计算环境 或 CES" };
        var extension = new Option<string?>("--extension") { Description = "列出该扩展要求（云计算/移动互联/物联网/工业控制/大数据）而非通用要求" };
        var format = new Option<string>("--format") { Description = "输出格式：table | json | xlsx", DefaultValueFactory = _ => "table" };
        var outFile = new Option<string?>("--out") { Description = "输出文件（xlsx 必填）" };
        var command = new Command("list", "列出要求项") { level, category, extension, format, outFile };
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var fmt = OutputFormat.Check(parse.GetValue(format), "table", "json", "xlsx");
            var section = parse.GetValue(extension) is { } e ? ParseExtension(e) : CatalogSection.General;
            var items = CatalogLoader.Default.At(CheckLevel(parse.GetValue(level)), section);
            if (parse.GetValue(category) is { } cat)
            {
                var wanted = Category.FindByName(cat) ?? Category.FindByCode(cat.Trim().ToUpperInvariant())
                    ?? throw new CliException($"未知的安全类 '{cat}'（可选: {string.Join(" / ", Category.All.Select(c => c.Name))}）");
                items = items.Where(i => i.Category == wanted);
            }

            var rows = items.Select(i => new
            {
                code = i.Code,
                clause = i.Citation,
                section = i.Section.ChineseName(),
                category = i.Category.Name,
                kind = Category.KindName(i.Category.Kind),
                controlPoint = i.ControlPoint,
                text = i.Text,
                confidence = i.Confidence.ToString().ToLowerInvariant(),
            }).ToList();

            switch (fmt)
            {
                case "json":
                    OutputFormat.WriteJson(output, rows);
                    break;
                case "xlsx":
                    var path = parse.GetValue(outFile) ?? throw new CliException("xlsx 格式需要 --out 文件路径");
                    var temp = path + ".tmp";
                    MiniExcel.SaveAs(temp, rows.Select(r => new Dictionary<string, object>
                    {
                        ["单元编号"] = r.code,
                        ["条款"] = r.clause,
                        ["要求类别"] = r.section,
                        ["安全类"] = r.category,
                        ["类型"] = r.kind,
                        ["控制点"] = r.controlPoint,
                        ["要求项"] = r.text,
                        ["可信度"] = r.confidence,
                    }), overwriteFile: true, excelType: ExcelType.XLSX);
                    File.Move(temp, path, overwrite: true);
                    output.WriteLine($"已写入 {rows.Count} 项 → {path}");
                    break;
                default:
                    var table = new Table().AddColumns("编号", "条款", "控制点", "要求项", "可信度");
                    foreach (var r in rows)
                    {
                        table.AddRow(Markup.Escape(r.code), Markup.Escape(r.clause), Markup.Escape(r.controlPoint), Markup.Escape(r.text), r.confidence);
                    }

                    OutputFormat.Console(output).Write(table);
                    output.WriteLine($"共 {rows.Count} 项");
                    break;
            }

            return 0;
        });
        return command;
    }

    private static Command Show()
    {
        var code = new Argument<string>("code") { Description = "GB/T 28448 单元编号，如 L3-CES1-01" };
        var format = new Option<string>("--format") { Description = "输出格式：table | json", DefaultValueFactory = _ => "table" };
        var command = new Command("show", "显示一个要求项") { code, format };
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var fmt = OutputFormat.Check(parse.GetValue(format), "table", "json");
            var wanted = parse.GetValue(code)!;
            var item = CatalogLoader.Default.Find(wanted) ?? throw new CliException($"未知的单元编号 '{wanted}'（格式如 L3-CES1-01）");
            var levels = item.Requirement.ByLevel.Values.OrderBy(v => v.Level).ToList();
            if (fmt == "json")
            {
                OutputFormat.WriteJson(output, new
                {
                    code = item.Code,
                    level = item.Level,
                    clause = item.Citation,
                    section = item.Section.ChineseName(),
                    category = item.Category.Name,
                    kind = Category.KindName(item.Category.Kind),
                    controlPoint = item.ControlPoint,
                    text = item.Text,
                    confidence = item.Confidence.ToString().ToLowerInvariant(),
                    note = item.Note,
                    levels = levels.Select(l => new { level = l.Level, code = l.Code, clause = l.Citation, text = l.Text }),
                });
                return 0;
            }

            output.WriteLine($"{item.Code}  {item.Citation}  （第{MedGuard.Domain.Systems.ProtectionLevelNames.Numeral(item.Level)}级 {item.Section.ChineseName()}）");
            output.WriteLine($"安全类: {item.Category.Name}（{Category.KindName(item.Category.Kind)}）  控制点: {item.ControlPoint}");
            output.WriteLine($"要求项: {item.Text}");
            output.WriteLine($"可信度: {item.Confidence.ToChinese()}{(item.Note is null ? "" : "；" + item.Note)}");
            output.WriteLine("各级对应: " + string.Join("；", levels.Select(l => $"第{l.Level}级 {l.Code}（{l.Citation}）{(l.Text != item.Text ? "：" + l.Text : "")}")));
            return 0;
        });
        return command;
    }

    internal static CatalogSection ParseExtension(string text)
    {
        try
        {
            return CatalogSections.ParseExtension(text);
        }
        catch (FormatException ex)
        {
            throw new CliException(ex.Message);
        }
    }
}
