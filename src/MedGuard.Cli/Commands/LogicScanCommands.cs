using System.CommandLine;
using MedGuard.Detection.Logic;
using MedGuard.Detection.Logic.Profiles;
using MedGuard.Detection.Logic.Recording;
using MedGuard.Detection.Logic.Running;
using MedGuard.Detection.Logic.Scenarios;
using MedGuard.Detection.Logic.Yaml;
using MedGuard.Detection.Web.Http;
using MedGuard.Detection.Web.Scanning;
using MedGuard.Domain.Detection;
using MedGuard.Domain.Findings;
using MedGuard.Domain.Scope;
using Spectre.Console;

namespace MedGuard.Cli.Commands;

/// <summary>
/// <c>medguard scan logic</c> — business-logic detection of a booking service (业务逻辑检测: 越权、放号窗口、黄牛抢号、
/// 金额篡改、错误页泄露) inside the registered scope, and <c>scan logic record</c>, which turns a HAR into a profile and
/// a scenario for review (docs/logic-scenarios.md). Exit codes as <c>scan web</c>: 2 bad input (file:line), 3 nothing
/// reached, 4 login failed.
/// </summary>
internal sealed class LogicScanCommands : ICommandModule
{
    public void Register(RootCommand root)
    {
        var scan = CommandTree.GetOrAdd(root, "scan", "远程检测");
        var logic = Logic();
        logic.Subcommands.Add(Record());
        scan.Subcommands.Add(logic);
    }

    private static Command Logic()
    {
        var scope = new Option<string>("--scope") { Description = "授权范围文件（YAML，见 docs/scope.md）", Required = true };
        var scenario = new Option<string>("--scenario")
        {
            Description = "场景文件或目录（*.yaml）；builtin 表示内置场景库",
            Required = true,
        };
        var identities = new Option<string?>("--identities") { Description = "测试身份文件（identities: A/B/C 的登录码或令牌）" };
        var profile = new Option<string?>("--profile") { Description = "服务绑定文件（接口路径与成功/失败的信封）；默认内置的 Spring 信封式掌上医院绑定" };
        var url = new Option<string?>("--url") { Description = "服务地址；默认取服务绑定的 baseUrl，或授权范围中唯一的站点" };
        var format = new Option<string>("--format") { Description = "输出格式：table | json | sarif", DefaultValueFactory = _ => "table" };
        var rate = new Option<double>("--rate") { Description = "每秒最多请求数（授权范围的 maxRatePerHost 再加限制）", DefaultValueFactory = _ => 20 };
        var budget = new Option<int>("--budget") { Description = "整次运行最多请求数（清理请求不计；每个场景另有自己的预算）", DefaultValueFactory = _ => 500 };
        var command = new Command("logic", "业务逻辑检测（预约挂号等业务流程：越权取消/查看、放号窗口、黄牛抢号控制、金额篡改、错误页泄露）")
        {
            scope, scenario, identities, profile, url, format, rate, budget,
        };
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var fmt = OutputFormat.Check(parse.GetValue(format), "table", "json", "sarif");
            if (parse.GetValue(rate) <= 0 || parse.GetValue(budget) <= 0)
            {
                throw new CliException("--rate、--budget 必须为正数");
            }

            AuthorizedScope authorized;
            try
            {
                authorized = AuthorizedScope.Load(parse.GetValue(scope)!);
            }
            catch (ScopeException ex)
            {
                throw new CliException(ex.Message);
            }

            Uri? baseUrl = null;
            if (parse.GetValue(url) is { } u && (!Uri.TryCreate(u, UriKind.Absolute, out baseUrl) || baseUrl.Scheme is not ("http" or "https")))
            {
                throw new CliException($"--url '{u}' 不是 http(s) 地址");
            }

            LogicScanOptions options;
            try
            {
                var scenarios = parse.GetValue(scenario) is "builtin" or "内置" ? ScenarioLoader.LoadBundled() : ScenarioLoader.LoadPath(parse.GetValue(scenario)!);
                options = new LogicScanOptions
                {
                    Scope = authorized,
                    ScopeDescription = authorized.Describe(Path.GetFileName(parse.GetValue(scope)!)),
                    Profile = parse.GetValue(profile) is { } p ? ScenarioLoader.LoadProfile(p) : ScenarioLoader.LoadBundledProfile(),
                    BaseUrl = baseUrl,
                    Scenarios = scenarios,
                    Identities = parse.GetValue(identities) is { } i ? IdentitySet.Load(i) : [],
                    RatePerSecond = parse.GetValue(rate),
                    MaxRequests = parse.GetValue(budget),
                    Progress = error == Console.Error && !Console.IsErrorRedirected
                        ? o => error.WriteLine($"  {o.Scenario.Id}：{o.Verdict.ToChinese()}（{o.Requests} 个请求）")
                        : null,
                };
            }
            catch (LogicFormatException ex)
            {
                throw new CliException(ex.Message);
            }

            LogicScanReport report;
            try
            {
                report = LogicScanner.ScanAsync(options).GetAwaiter().GetResult();
            }
            catch (LogicFormatException ex)
            {
                throw new CliException(ex.Message);
            }
            catch (ScanRefusedException ex)
            {
                throw new CliException(ex.Message);
            }
            catch (SiteUnreachableException ex)
            {
                throw new CliException(ex.Message, WebScanCommands.UnreachableExit);
            }
            catch (LoginFailedException ex)
            {
                throw new CliException(ex.Message, WebScanCommands.LoginFailedExit);
            }

            switch (fmt)
            {
                case "json":
                    output.WriteLine(DetectionRunJson.Write(report.ToDetectionRun()));
                    break;
                case "sarif":
                    output.WriteLine(DetectionRunSarif.Write(report.ToDetectionRun()));
                    break;
                default:
                    WriteTable(output, report);
                    break;
            }

            if (fmt != "table")
            {
                error.WriteLine(report.Summary);
                foreach (var note in report.ToDetectionRun().Coverage)
                {
                    error.WriteLine($"检测未完成：{note.Subject}：{note.Reason}");
                }
            }

            return 0;
        });
        return command;
    }

    private static Command Record()
    {
        var har = new Argument<string>("HAR") { Description = "一个测试身份正常预约一次的浏览器录制（HAR 文件）" };
        var output = new Option<string>("--out") { Description = "生成的场景文件；服务绑定写在旁边（*.profile.yaml）", Required = true };
        var command = new Command("record", "从 HAR 录制生成服务绑定与越权场景（标出对象 id、日期、金额参数），运行前请人工核对") { har, output };
        command.SetAction(parse =>
        {
            HarImport import;
            try
            {
                import = HarImporter.Import(parse.GetValue(har)!);
            }
            catch (LogicFormatException ex)
            {
                throw new CliException(ex.Message);
            }

            var scenarioPath = parse.GetValue(output)!;
            var profilePath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(scenarioPath))!, Path.GetFileNameWithoutExtension(scenarioPath) + ".profile.yaml");
            File.WriteAllText(scenarioPath, import.ScenarioYaml);
            File.WriteAllText(profilePath, import.ProfileYaml);
            var console = parse.InvocationConfiguration.Output;
            console.WriteLine($"已生成场景 {scenarioPath} 与服务绑定 {profilePath}；请核对后运行：");
            console.WriteLine($"  medguard scan logic --scope 授权范围.yaml --scenario {scenarioPath} --profile {profilePath} --identities 身份.yaml");
            foreach (var note in import.Notes)
            {
                console.WriteLine($"注意：{note}");
            }

            return 0;
        });
        return command;
    }

    private static void WriteTable(TextWriter output, LogicScanReport report)
    {
        var console = OutputFormat.Console(output);
        console.Profile.Width = 200;
        var table = new Table().Border(TableBorder.Simple)
            .AddColumn("判定").AddColumn("等级").AddColumn("场景").AddColumn("风险").AddColumn("CWE").AddColumn("请求").AddColumn("依据");
        foreach (var o in report.Outcomes)
        {
            table.AddRow(
                Markup.Escape(o.Verdict.ToChinese()),
                Markup.Escape(o.Verdict == Verdict.Vulnerable ? o.Scenario.Severity.ToChinese() : "-"),
                Markup.Escape($"{o.Scenario.Id} {o.Scenario.Title}"),
                Markup.Escape(o.Scenario.Risk),
                Markup.Escape(string.Join(",", o.Scenario.Cwe)),
                Markup.Escape(o.Requests.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                Markup.Escape(EvidenceMask.Mask(o.Reason.Length > 160 ? o.Reason[..160] + "…" : o.Reason)));
        }

        console.Write(table);
        output.WriteLine($"目标 {report.BaseUrl}：{report.Summary}");
        foreach (var o in report.Outcomes)
        {
            foreach (var p in o.CleanupProblems)
            {
                output.WriteLine($"未能撤销（{o.Scenario.Id}）：{p}");
            }
        }

        foreach (var l in report.Limitations)
        {
            output.WriteLine($"检测未完成：{l}");
        }
    }
}
