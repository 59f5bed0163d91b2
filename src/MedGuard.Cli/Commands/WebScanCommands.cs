using System.CommandLine;
using MedGuard.Cli.Progress;
using MedGuard.Detection.Web.Http;
using MedGuard.Detection.Web.Scanning;
using MedGuard.Detection.Web.Templates;
using MedGuard.Domain.Detection;
using MedGuard.Domain.Findings;
using MedGuard.Domain.Scope;
using Spectre.Console;

namespace MedGuard.Cli.Commands;

/// <summary><c>medguard scan web</c> — website detection inside the registered scope (网站漏洞检测).</summary>
internal sealed class WebScanCommands : ICommandModule
{
    public void Register(RootCommand root)
    {
        var scan = CommandTree.GetOrAdd(root, "scan", "远程检测");
        scan.Subcommands.Add(Web());
    }

    /// <summary>Exit code when the start URL got no response at all (docs/web.md).</summary>
    public const int UnreachableExit = 3;

    /// <summary>Exit code when the login recipe did not sign in (docs/web.md).</summary>
    public const int LoginFailedExit = 4;

    private static Command Web()
    {
        var scope = new Option<string>("--scope") { Description = "授权范围文件（YAML，见 docs/scope.md；旧的 targets: 格式仍可读取）", Required = true };
        var url = new Option<string>("--url") { Description = "检测起始地址，必须在授权范围内", Required = true };
        var login = new Option<string?>("--login") { Description = "登录流程（YAML 步骤：取页面、提取 CSRF 令牌、提交表单）" };
        var templates = new Option<string?>("--templates") { Description = "用户模板目录（*.yaml），与内置模板一起运行" };
        var format = new Option<string>("--format") { Description = "输出格式：table | json | sarif", DefaultValueFactory = _ => "table" };
        var rate = new Option<double>("--rate") { Description = "每台主机每秒最多请求数", DefaultValueFactory = _ => 20 };
        var globalRate = new Option<double?>("--global-rate") { Description = "所有主机合计每秒最多请求数（默认取 50 与 --rate 中较大者）" };
        var budget = new Option<int>("--budget") { Description = "每台主机最多请求数", DefaultValueFactory = _ => 5000 };
        var maxPages = new Option<int>("--max-pages") { Description = "最多爬取页面数", DefaultValueFactory = _ => 200 };
        var noActive = new Option<bool>("--passive-only") { Description = "只做爬取与模板检测，不发送注入类探测" };
        var trustRoot = new Option<string?>("--trust-root") { Description = "TLS 检查时信任的根证书（PEM/DER，如医院自建 CA），代替系统证书库" };
        var unsafeMode = new Option<bool>("--unsafe") { Description = "关闭安全模式：允许 PUT/DELETE 等方法，并向预约、缴费、提交等写操作接口发送检测载荷（仅用于测试环境）" };
        var browser = new Option<string>("--browser")
        {
            Description = "浏览器渲染爬取（无头 chromium）：auto 按首批页面判断（脚本生成的导航、空的应用根节点、前端路由），on 总是，off 只做链接爬取",
            DefaultValueFactory = _ => "auto",
        };
        browser.AcceptOnlyFromAmong("auto", "on", "off");
        var command = new Command("web", "网站检测：爬取、模板检测、SQL 注入等主动检测、个人信息泄露")
        {
            scope, url, login, templates, format, rate, globalRate, budget, maxPages, noActive, unsafeMode, trustRoot, browser,
        };
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var fmt = OutputFormat.Check(parse.GetValue(format), "table", "json", "sarif");
            if (!Uri.TryCreate(parse.GetValue(url), UriKind.Absolute, out var target) || (target.Scheme != Uri.UriSchemeHttp && target.Scheme != Uri.UriSchemeHttps))
            {
                throw new CliException($"--url '{parse.GetValue(url)}' 不是 http(s) 地址");
            }

            // MEDGUARD_WEB_TIMING=1: the set-up before the scan is timed too (bench/web reads it).
            var setUp = System.Diagnostics.Stopwatch.StartNew();
            AuthorizedScope authorized;
            try
            {
                authorized = AuthorizedScope.Load(parse.GetValue(scope)!);
            }
            catch (ScopeException ex)
            {
                throw new CliException(ex.Message);
            }

            if (!authorized.Permits(target))
            {
                throw new CliException($"{target} 不在授权检测范围内（{string.Join("、", authorized.Origins)}），拒绝检测");
            }

            if (authorized.TimeRefusal(DateTimeOffset.UtcNow) is { } refusal)
            {
                throw new CliException($"{refusal}，拒绝检测");
            }

            if (parse.GetValue(rate) <= 0 || parse.GetValue(globalRate) <= 0 || parse.GetValue(budget) <= 0 || parse.GetValue(maxPages) <= 0)
            {
                throw new CliException("--rate、--global-rate、--budget、--max-pages 必须为正数");
            }

            ScanTiming.Mark("读取授权范围", setUp, 0);
            var all = TemplateLoader.LoadBundled().ToList();
            if (parse.GetValue(templates) is { } dir)
            {
                all.AddRange(TemplateLoader.LoadDirectory(dir));
                TemplateLoader.EnsureUniqueIds(all);

                // The user's templates cite GB/T 22239 like the bundled ones: resolved against the catalog at load.
                if (MedGuard.Standards.Catalog.StandardRefIntegrity.Problems(TemplateLoader.StandardRefs(dir)) is { Count: > 0 } problems)
                {
                    throw new CliException("模板中的 GB/T 22239 引用无法在目录中找到：" + Environment.NewLine + string.Join(Environment.NewLine, problems));
                }
            }

            System.Security.Cryptography.X509Certificates.X509Certificate2Collection? roots = null;
            if (parse.GetValue(trustRoot) is { } rootFile)
            {
                try
                {
                    roots = [System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificateFromFile(rootFile)];
                }
                catch (System.Security.Cryptography.CryptographicException ex)
                {
                    throw new CliException($"无法读取根证书 {rootFile}：{ex.Message}");
                }
            }

            ScanTiming.Mark($"加载检测模板（{all.Count} 个）", setUp, 0);
            var interactive = TerminalProgress.ShouldShow(error, fmt, toFile: false);
            var sent = 0L;
            var phase = "准备";
            var options = new WebScanOptions
            {
                Templates = all,
                Login = parse.GetValue(login) is { } recipe ? LoadRecipe(recipe) : null,
                ActiveChecks = !parse.GetValue(noActive),
                TrustedRoots = roots,
                Http = new HttpPipelineOptions
                {
                    PerHostRatePerSecond = parse.GetValue(rate),

                    // One target per run: a per-host rate raised above the global default would otherwise be capped by it.
                    GlobalRatePerSecond = parse.GetValue(globalRate) ?? Math.Max(50, parse.GetValue(rate)),
                    RequestBudgetPerHost = parse.GetValue(budget),
                    SafeMode = !parse.GetValue(unsafeMode),
                },
                Crawl = new Detection.Web.Crawl.CrawlOptions
                {
                    MaxPages = parse.GetValue(maxPages),
                    Browser = parse.GetValue(browser) switch
                    {
                        "on" => Detection.Web.Crawl.BrowserMode.On,
                        "off" => Detection.Web.Crawl.BrowserMode.Off,
                        _ => Detection.Web.Crawl.BrowserMode.Auto,
                    },
                },
                Progress = interactive ? p => Volatile.Write(ref phase, p) : null,
                RequestSent = interactive ? n => Interlocked.Exchange(ref sent, n) : null,
            };

            WebScanReport report;
            try
            {
                // The request budget bounds the work: the bar and the time left are against it (an upper bound).
                report = TerminalProgress.Run(
                    new WebScanner(authorized, options).ScanAsync(target), interactive, "网站检测", new ProgressMeter("请求"),
                    () => Interlocked.Read(ref sent), () => parse.GetValue(budget), () => Volatile.Read(ref phase));
            }
            catch (ScanRefusedException ex)
            {
                throw new CliException(ex.Message);
            }
            catch (SiteUnreachableException ex)
            {
                // Nothing reached is not a clean site: exit 3 so a script never files it as "no findings".
                throw new CliException(ex.Message, UnreachableExit);
            }
            catch (LoginFailedException ex)
            {
                // A failed login never continues as an anonymous visitor (the pages behind it would look safe).
                throw new CliException(ex.Message, LoginFailedExit);
            }
            catch (Detection.Web.Crawl.BrowserUnavailableException ex)
            {
                throw new CliException(ex.Message);
            }

            switch (fmt)
            {
                case "json":
                    output.WriteLine(DetectionRunJson.Write(report.ToDetectionRun(DescribeScope(parse.GetValue(scope)!, authorized))));
                    break;
                case "sarif":
                    output.WriteLine(DetectionRunSarif.Write(report.ToDetectionRun(DescribeScope(parse.GetValue(scope)!, authorized))));
                    break;
                default:
                    WriteTable(output, report);
                    break;
            }

            if (interactive)
            {
                error.WriteLine($"已发送 {report.Requests} 个请求，完成。");
                if (fmt != "table")
                {
                    error.WriteLine(report.Summary);
                }
            }

            // The JSON and SARIF carry what the scan could not cover; a person at the terminal reads it on stderr too.
            if (fmt != "table")
            {
                foreach (var limitation in report.Limitations)
                {
                    error.WriteLine($"检测未完成：{limitation}");
                }
            }

            return 0;
        });
        return command;
    }

    private static LoginRecipe LoadRecipe(string path)
    {
        try
        {
            return LoginRecipe.Load(path);
        }
        catch (InvalidDataException ex)
        {
            throw new CliException(ex.Message);
        }
    }

    /// <summary>The scope as the run records it: the file and the host:ports it authorizes.</summary>
    private static string DescribeScope(string file, AuthorizedScope scope) => scope.Describe(Path.GetFileName(file));

    private static void WriteTable(TextWriter output, WebScanReport report)
    {
        var console = OutputFormat.Console(output);
        console.Profile.Width = 160;
        var table = new Table().Border(TableBorder.Simple)
            .AddColumn("等级").AddColumn("漏洞").AddColumn("方法").AddColumn("地址").AddColumn("参数").AddColumn("手段").AddColumn("CWE");
        foreach (var f in report.Findings)
        {
            table.AddRow(
                Markup.Escape(f.Severity.ToChinese()),
                Markup.Escape(f.Finding.Title),
                Markup.Escape(f.Method),
                Markup.Escape(f.Url),
                Markup.Escape(f.Parameter ?? "-"),
                Markup.Escape(f.Technique ?? "-"),
                Markup.Escape(f.Finding.Cwe ?? "-"));
        }

        console.Write(table);
        output.WriteLine($"目标 {report.Target}：爬取 {report.PagesCrawled} 个页面，发现 {report.EndpointsFound} 个接口，检测 {report.ParametersTested} 个参数，发送 {report.Requests} 个请求，用时 {report.Duration.TotalSeconds:0.0} 秒");
        if (report.BrowserCrawl is { } why)
        {
            output.WriteLine($"浏览器渲染爬取：{why}；页面向授权范围外发出的 {report.BrowserRefusedOutOfScope} 个请求已拦截");
        }

        output.WriteLine(report.Summary);
        foreach (var limitation in report.Limitations)
        {
            output.WriteLine($"检测未完成：{limitation}");
        }
    }
}
