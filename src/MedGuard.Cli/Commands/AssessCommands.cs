using System.CommandLine;
using MedGuard.Domain.Assessment;
using MedGuard.Domain.Findings;
using MedGuard.Domain.Systems;
using MedGuard.Standards.Assessment;
using MedGuard.Standards.Assessment.Workbook;
using MedGuard.Standards.Catalog;
using Spectre.Console;

namespace MedGuard.Cli.Commands;

/// <summary><c>medguard assess new|score</c> — the assessor's workbook and its conclusion.</summary>
internal sealed class AssessCommands : ICommandModule
{
    public void Register(RootCommand root)
    {
        var assess = new Command("assess", "等级测评：生成测评记录表并评分");
        assess.Subcommands.Add(New());
        assess.Subcommands.Add(Score());
        root.Subcommands.Add(assess);
    }

    private static Command New()
    {
        var level = CatalogCommands.LevelOption();
        var extension = new Option<string[]>("--extension") { Description = "扩展要求（可重复）：云计算/移动互联/物联网/工业控制/大数据", AllowMultipleArgumentsPerToken = true };
        var outFile = new Option<string>("--out") { Description = "输出的 xlsx 文件", Required = true };
        var command = new Command("new", "生成测评记录表（每个要求项一行，结果下拉选择）") { level, extension, outFile };
        command.SetAction(parse =>
        {
            var lvl = parse.GetValue(level);
            if (lvl is < 1 or > 4)
            {
                throw new CliException($"等级 {lvl} 无效：GB/T 22239-2019 覆盖第一级至第四级");
            }

            var extensions = (parse.GetValue(extension) ?? []).Select(CatalogCommands.ParseExtension).Distinct().ToList();
            var path = parse.GetValue(outFile)!;
            if (!path.EndsWith(".xlsx", StringComparison.OrdinalIgnoreCase))
            {
                throw new CliException("--out 应为 .xlsx 文件");
            }

            var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
            if (!Directory.Exists(directory))
            {
                throw new CliException($"目录不存在：{directory}");
            }

            var catalog = CatalogLoader.Default;
            AssessmentWorkbookWriter.Write(path, lvl, extensions, catalog);
            var count = catalog.ForAssessment(lvl, extensions).Count;
            parse.InvocationConfiguration.Output.WriteLine($"已生成第{ProtectionLevelNames.Numeral(lvl)}级测评记录表：{count} 个要求项 → {path}");
            return 0;
        });
        return command;
    }

    private static Command Score()
    {
        var file = new Argument<string>("workbook") { Description = "填写完成的测评记录表（xlsx）" };
        var template = new Option<string>("--template") { Description = "结论模板：2025（默认）| 2021", DefaultValueFactory = _ => "2025" };
        var format = new Option<string>("--format") { Description = "输出格式：table | json", DefaultValueFactory = _ => "table" };
        var partial = new Option<bool>("--partial") { Description = "只对已填写的行评分（部分评分，仅供参考，不是测评结论）" };
        var command = new Command("score", "读取测评记录表，计算符合率、结论与整改清单") { file, template, format, partial };
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var fmt = OutputFormat.Check(parse.GetValue(format), "table", "json");
            ConclusionTemplate tpl;
            FilledWorkbook filled;
            try
            {
                tpl = ConclusionPolicy.ParseTemplate(parse.GetValue(template));
                filled = AssessmentWorkbookReader.Read(parse.GetValue(file)!, CatalogLoader.Default, allowUnfilled: true);
            }
            catch (FormatException ex)
            {
                throw new CliException(ex.Message);
            }

            // An unfilled workbook is the normal state while an assessment is under way: say how far it is, and offer a
            // partial score rather than refusing on the first empty row.
            var isPartial = filled.Unfilled.Count > 0;
            var total = filled.Items.Count + filled.Unfilled.Count;
            if (isPartial && !parse.GetValue(partial))
            {
                throw new CliException($"{AssessmentWorkbookReader.DescribeUnfilled(filled.Unfilled, total)}，已填写 {filled.Items.Count} 行。"
                    + "填写完成后再评分；或加 --partial 只对已填写的行评分（部分评分，不是测评结论）。");
            }

            if (filled.Items.Count == 0)
            {
                throw new CliException($"测评记录表的 {total} 行都未填写'测评结果'，没有可评分的行");
            }

            var conclusion = ConclusionPolicy.Default.Conclude(filled.Level, filled.Items, tpl);
            if (fmt == "json")
            {
                OutputFormat.WriteJson(output, new
                {
                    partial = isPartial,
                    unfilled = filled.Unfilled.Count,
                    level = conclusion.Level,
                    extensions = filled.Extensions.Select(e => e.ChineseName()),
                    template = tpl == ConclusionTemplate.Template2025 ? "2025" : "2021",
                    templateName = conclusion.TemplateName,
                    items = filled.Items.Count,
                    conformityRate = conclusion.ConformityRate,
                    score = conclusion.ComprehensiveScore,
                    conclusion = conclusion.Conclusion,
                    majorHazards = conclusion.MajorHazards,
                    reasons = conclusion.Reasons,
                    categories = conclusion.Categories.Select(c => new
                    {
                        name = c.Category,
                        items = c.Items,
                        conforming = c.Conforming,
                        partial = c.Partial,
                        nonConforming = c.NonConforming,
                        notApplicable = c.NotApplicable,
                        rate = c.Rate,
                    }),
                    rectification = conclusion.Rectification.Select(i => new
                    {
                        code = i.Item.Code,
                        category = i.Item.Category.Name,
                        controlPoint = i.Item.ControlPoint,
                        result = i.Result.ToChinese(),
                        risk = i.Risk?.ToChinese(),
                        majorHazard = i.MajorHazard,
                        highRiskCases = i.HighRiskCases,
                        requirement = i.Item.Text,
                    }),
                });
                return 0;
            }

            var console = OutputFormat.Console(output);
            var partialNote = $"部分评分：仅 {filled.Items.Count} / {total} 项已填写，{filled.Unfilled.Count} 项未填写；以下结果仅供参考，不是测评结论";
            if (isPartial)
            {
                console.MarkupLine($"[bold yellow]{Markup.Escape(partialNote)}[/]");
            }

            var rates = new Table().Title("各安全类符合情况").AddColumns("安全类", "项数", "符合", "部分符合", "不符合", "不适用", "符合率");
            foreach (var c in conclusion.Categories)
            {
                rates.AddRow(c.Category, c.Items.ToString(), c.Conforming.ToString(), c.Partial.ToString(), c.NonConforming.ToString(), c.NotApplicable.ToString(), $"{c.Rate:0.##}%");
            }

            console.Write(rates);
            console.MarkupLine($"[bold]{Markup.Escape(conclusion.TemplateName)}：{(isPartial ? "部分评分" : "结论")} {Markup.Escape(conclusion.Conclusion)}[/]  符合率 {conclusion.ConformityRate:0.##}%"
                + (conclusion.ComprehensiveScore is { } s ? $"  综合得分 {s:0.##}" : "") + $"  重大风险隐患 {conclusion.MajorHazards} 项");
            foreach (var reason in conclusion.Reasons)
            {
                console.MarkupLine($"  · {Markup.Escape(reason)}");
            }

            var fix = new Table().Title($"整改清单（{conclusion.Rectification.Count} 项）").AddColumns("编号", "安全类", "控制点", "结果", "风险", "要求项");
            foreach (var i in conclusion.Rectification)
            {
                fix.AddRow(i.Item.Code, i.Item.Category.Name, Markup.Escape(i.Item.ControlPoint), i.Result.ToChinese() + (i.MajorHazard ? "（重大风险隐患）" : ""), i.Risk?.ToChinese() ?? "", Markup.Escape(i.Item.Text));
            }

            console.Write(fix);
            if (isPartial)
            {
                console.MarkupLine($"[bold yellow]{Markup.Escape(partialNote)}[/]");
            }

            return 0;
        });
        return command;
    }
}
