using System.CommandLine;
using System.Globalization;
using MedGuard.Domain.Institutions;
using MedGuard.Domain.Systems;
using MedGuard.Standards.Grading;
using Spectre.Console;

namespace MedGuard.Cli.Commands;

/// <summary><c>medguard grade</c> — grading per GB/T 22240-2020 with the special rules and the next steps.</summary>
internal sealed class GradeCommands : ICommandModule
{
    public void Register(RootCommand root)
    {
        var info = new Option<string>("--info") { Description = "业务信息安全：客体:程度，如 public:serious 或 社会秩序、公共利益:严重", Required = true };
        var service = new Option<string>("--service") { Description = "系统服务安全：客体:程度，如 citizen:general", Required = true };
        var type = new Option<string>("--type") { Description = "定级对象类型: system|network|cloud|mobile|iot|ics|bigdata|data|device", DefaultValueFactory = _ => "system" };
        var cii = new Option<bool>("--cii") { Description = "关键信息基础设施" };
        var carries = new Option<int?>("--carries") { Description = "支撑平台所承载对象的最高等级" };
        var matrix = new Option<string?>("--matrix") { Description = "定级矩阵版本: 2020（默认，GB/T 22240-2020）| 2025（2025 年备案表）" };
        var tier = new Option<string?>("--tier") { Description = "医院等级（三甲/三级/二级/一级/其他），用于行业底线检查" };
        var core = new Option<bool>("--core") { Description = "核心业务系统（HIS/EMR/LIS/PACS/平台）" };
        var gradedOn = new Option<string?>("--graded-on") { Description = "定级日期 yyyy-MM-dd（默认今天）" };
        var format = new Option<string>("--format") { Description = "输出格式：table | json", DefaultValueFactory = _ => "table" };
        var command = new Command("grade", "按 GB/T 22240-2020 确定安全保护等级") { info, service, type, cii, carries, matrix, tier, core, gradedOn, format };
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var fmt = OutputFormat.Check(parse.GetValue(format), "table", "json");
            var (infoObject, infoDegree) = ParseElement(parse.GetValue(info)!, "--info");
            var (serviceObject, serviceDegree) = ParseElement(parse.GetValue(service)!, "--service");
            GradingResult result;
            try
            {
                result = new Grader().Grade(new GradingRequest
                {
                    InformationObject = infoObject,
                    InformationDegree = infoDegree,
                    ServiceObject = serviceObject,
                    ServiceDegree = serviceDegree,
                    ObjectType = ParseType(parse.GetValue(type)!),
                    IsCriticalInfrastructure = parse.GetValue(cii),
                    CarriedMaxLevel = parse.GetValue(carries),
                    MatrixEdition = parse.GetValue(matrix),
                    HospitalTier = parse.GetValue(tier) is { } t ? HospitalTierNames.Parse(t) : null,
                    IsCoreBusinessSystem = parse.GetValue(core),
                    GradedOn = parse.GetValue(gradedOn) is { } d ? ParseDate(d, "--graded-on") : null,
                });
            }
            catch (FormatException ex)
            {
                throw new CliException(ex.Message);
            }

            if (fmt == "json")
            {
                OutputFormat.WriteJson(output, new
                {
                    level = result.Level,
                    notation = result.Notation,
                    informationLevel = result.InformationLevel,
                    serviceLevel = result.ServiceLevel,
                    raised = result.Raised,
                    edition = result.Edition,
                    reasons = result.Reasons,
                    warnings = result.Warnings,
                    nextSteps = result.NextSteps.Select(s => new { name = s.Name, required = s.Required, detail = s.Detail, dueOn = s.DueOn?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), status = s.Status }),
                });
                return 0;
            }

            var console = OutputFormat.Console(output);
            console.MarkupLine($"[bold]定级结果：第{ProtectionLevelNames.Numeral(result.Level)}级（{result.Notation}）[/]  矩阵：{Markup.Escape(result.Edition)}");
            foreach (var reason in result.Reasons)
            {
                console.MarkupLine($"  · {Markup.Escape(reason)}");
            }

            foreach (var warning in result.Warnings)
            {
                console.MarkupLine($"  [yellow]! {Markup.Escape(warning)}[/]");
            }

            var steps = new Table().Title("后续步骤").AddColumns("步骤", "是否需要", "期限", "状态", "说明");
            foreach (var step in result.NextSteps)
            {
                var status = step.Status == "已逾期" ? $"[red]{step.Status}[/]" : Markup.Escape(step.Status ?? "");
                steps.AddRow(Markup.Escape(step.Name), step.Required ? "需要" : "不需要", step.DueOn?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "", status, Markup.Escape(step.Detail));
            }

            console.Write(steps);
            return 0;
        });
        root.Subcommands.Add(command);
    }

    internal static (string Object, HarmDegree Degree) ParseElement(string text, string option)
    {
        var separator = text.LastIndexOfAny([':', '：']);
        if (separator <= 0 || separator == text.Length - 1)
        {
            throw new CliException($"{option} 应为 客体:程度，如 public:serious（客体 citizen|public|national，程度 general|serious|critical）");
        }

        try
        {
            return (text[..separator], HarmDegrees.Parse(text[(separator + 1)..]));
        }
        catch (FormatException ex)
        {
            throw new CliException($"{option}: {ex.Message}");
        }
    }

    internal static GradingObjectType ParseType(string text) => text.Trim().ToLowerInvariant() switch
    {
        "system" or "信息系统" or "其他信息系统" => GradingObjectType.InformationSystem,
        "network" or "基础信息网络" or "通信网络设施" => GradingObjectType.BasicNetwork,
        "cloud" or "云计算平台" => GradingObjectType.CloudPlatform,
        "mobile" or "移动互联" => GradingObjectType.MobileInternet,
        "iot" or "物联网" => GradingObjectType.InternetOfThings,
        "ics" or "工业控制系统" => GradingObjectType.IndustrialControl,
        "bigdata" or "大数据" => GradingObjectType.BigData,
        "data" or "数据资源" => GradingObjectType.DataResource,
        "device" or "单一设备" or "服务器" or "终端" or "网络设备" => GradingObjectType.SingleDevice,
        _ => throw new CliException($"未知的定级对象类型 '{text}'（可选: system|network|cloud|mobile|iot|ics|bigdata|data|device）"),
    };

    internal static DateOnly ParseDate(string text, string option) =>
        DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d
            : throw new CliException($"{option} 的日期 '{text}' 无效（格式 yyyy-MM-dd）");
}
