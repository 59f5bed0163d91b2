using System.CommandLine;
using MedGuard.Cli.Progress;
using MedGuard.Detection.Ports.Policy;
using MedGuard.Detection.Ports.PortSets;
using MedGuard.Detection.Ports.Reporting;
using MedGuard.Detection.Ports.Scanning;
using MedGuard.Detection.Ports.Scope;
using MedGuard.Detection.Ports.Udp;
using MedGuard.Domain.Detection;
using MedGuard.Domain.Scope;

namespace MedGuard.Cli.Commands;

/// <summary>
/// <c>medguard scan ports</c> — authorized-scope TCP port and service scan with the high-risk port policy;
/// <c>medguard scan import-nmap</c> — the same findings from an nmap <c>-oX</c> file.
/// </summary>
internal sealed class PortScanCommands : ICommandModule
{
    public void Register(RootCommand root)
    {
        var scan = CommandTree.GetOrAdd(root, "scan", "远程检测");
        scan.Subcommands.Add(BuildPorts());
        scan.Subcommands.Add(BuildImport());
    }

    private static Command BuildPorts()
    {
        var scope = new Option<FileInfo>("--scope") { Description = "授权范围文件（YAML，见 docs/scope.md；旧的每行一个地址的格式仍可读取）", Required = true };
        var targets = new Option<string>("--targets") { Description = "扫描目标，逗号分隔：IP、CIDR、区间或主机名；必须全部在授权范围内", Required = true };
        var ports = new Option<string>("--ports") { Description = "端口：22,80,1-1024,top100 或 -（全部 65535）", DefaultValueFactory = _ => "top100" };
        var rate = new Option<double>("--rate") { Description = "全局每秒连接数上限（0 = 不限）", DefaultValueFactory = _ => 2000 };
        var hostRate = new Option<double>("--host-rate") { Description = "单台主机每秒连接数上限（0 = 不限）", DefaultValueFactory = _ => 100 };
        var concurrency = new Option<int>("--concurrency") { Description = "全局并发连接上限", DefaultValueFactory = _ => 512 };
        var hostConcurrency = new Option<int>("--host-concurrency") { Description = "单台主机并发连接上限（医院服务器脆弱，默认很小）", DefaultValueFactory = _ => 8 };
        var timeout = new Option<int>("--timeout") { Description = "初始连接超时（毫秒），之后按往返时间自适应", DefaultValueFactory = _ => 1000 };
        var minTimeout = new Option<int>("--min-timeout") { Description = "自适应超时下限（毫秒）", DefaultValueFactory = _ => 250 };
        var retries = new Option<int>("--retries") { Description = "无响应端口的重试次数", DefaultValueFactory = _ => 1 };
        var noService = new Option<bool>("--no-service") { Description = "只扫描端口，不做服务识别" };
        var udp = new Option<bool>("--udp")
        {
            Description = "另探测医院常见的 UDP 服务：SNMP 默认团体名、TFTP、NTP（mode 6 / monlist）、SSDP、DNS 开放递归（同样先核对授权范围，单机速率同上；无答复不报告）",
        };
        var engine = new Option<string>("--engine") { Description = "连接引擎：auto（Linux x86-64 用 epoll，其余用 .NET 套接字）| epoll | sockets", DefaultValueFactory = _ => "auto" };
        var allowLarge = new Option<bool>("--allow-large-scope") { Description = "允许超过地址数上限的范围/目标" };
        var maxAddresses = new Option<long>("--max-addresses") { Description = "不加 --allow-large-scope 时允许的最大地址数", DefaultValueFactory = _ => AuthorizedScope.DefaultMaxAddresses };
        var format = FormatOption();
        var output = new Option<FileInfo?>("--output") { Description = "写入文件（默认标准输出）" };
        var command = new Command("ports", "授权范围内的 TCP 端口与服务扫描，按高危端口策略给出发现")
        {
            scope, targets, ports, rate, hostRate, concurrency, hostConcurrency, timeout, minTimeout, retries, noService, udp, engine, allowLarge,
            maxAddresses, format, output,
        };
        command.SetAction(parseResult =>
        {
            var writer = parseResult.InvocationConfiguration.Output;
            var fmt = CheckFormat(parseResult.GetValue(format)!);
            var limits = new ScopeLimits { MaxAddresses = parseResult.GetValue(maxAddresses), AllowLarge = parseResult.GetValue(allowLarge) };
            PortSet portSet;
            AuthorizedScope authorized;
            IReadOnlyList<ScanTarget> list;
            ScanOptions options;
            try
            {
                authorized = AuthorizedScope.Load(parseResult.GetValue(scope)!.FullName, limits);
                if (authorized.TimeRefusal(DateTimeOffset.UtcNow) is { } refusal)
                {
                    throw new ScopeException($"{refusal}，拒绝扫描");
                }

                if (authorized.Ranges.Count == 0)
                {
                    throw new ScopeException($"{parseResult.GetValue(scope)!.Name} 没有登记地址（addresses 或 hosts），端口扫描无目标可授权");
                }

                list = TargetResolver.Resolve(parseResult.GetValue(targets)!.Split(','), authorized, limits);
                portSet = PortSet.Parse(parseResult.GetValue(ports)!);
                options = new ScanOptions
                {
                    GlobalRate = parseResult.GetValue(rate),
                    PerHostRate = parseResult.GetValue(hostRate),
                    GlobalConcurrency = parseResult.GetValue(concurrency),
                    PerHostConcurrency = parseResult.GetValue(hostConcurrency),
                    InitialTimeout = TimeSpan.FromMilliseconds(parseResult.GetValue(timeout)),
                    MinTimeout = TimeSpan.FromMilliseconds(parseResult.GetValue(minTimeout)),
                    MaxTimeout = TimeSpan.FromMilliseconds(Math.Max(3000, parseResult.GetValue(timeout))),
                    Retries = parseResult.GetValue(retries),
                    IdentifyServices = !parseResult.GetValue(noService),
                    Engine = ParseEngine(parseResult.GetValue(engine)!),
                };
                options.Validate();
            }
            catch (Exception ex) when (ex is ScopeException or FormatException or ArgumentException)
            {
                throw new CliException(ex.Message);
            }

            // The policy loads while the sweep runs: the sweep mostly waits on the kernel.
            var policy = Task.Run(() => HighRiskPortPolicy.Default);
            var scanner = new ConnectScanner(authorized, options);
            var started = DateTimeOffset.UtcNow;
            var show = TerminalProgress.ShouldShow(parseResult.InvocationConfiguration.Error, fmt, parseResult.GetValue(output) is not null);
            var results = RunWithProgress(scanner, list, portSet, show);
            if (parseResult.GetValue(udp))
            {
                AddUdpServices(results, new UdpServiceScanner(authorized, options), list, show);
            }

            var finished = DateTimeOffset.UtcNow;
            var report = ScanReport.Build(results, policy.GetAwaiter().GetResult(), finished).WithRun(started, finished, parseResult.GetValue(ports));
            var run = report.ToDetectionRun(DescribeScope(parseResult.GetValue(scope)!, authorized), $"{parseResult.GetValue(targets)} 端口 {parseResult.GetValue(ports)}");
            Emit(report, run, fmt, parseResult.GetValue(output), writer);
            return 0;
        });
        return command;
    }

    private static Command BuildImport()
    {
        var file = new Argument<FileInfo>("file") { Description = "nmap -oX 输出的 XML 文件" };
        var format = FormatOption();
        var output = new Option<FileInfo?>("--output") { Description = "写入文件（默认标准输出）" };
        var command = new Command("import-nmap", "导入 nmap XML 结果，按同一高危端口策略给出发现") { file, format, output };
        command.SetAction(parseResult =>
        {
            var fmt = CheckFormat(parseResult.GetValue(format)!);
            var path = parseResult.GetValue(file)!;
            if (!path.Exists)
            {
                throw new CliException($"文件不存在: {path.FullName}");
            }

            var scan = NmapXmlImporter.ReadScan(path.FullName);
            var now = DateTimeOffset.UtcNow;
            var report = ScanReport.Build(scan.Hosts, HighRiskPortPolicy.Default, now).WithRun(now, now, scan.Services);
            var run = report.ToDetectionRun("nmap XML 导入：扫描由 nmap 完成，未经本工具的授权范围检查", importedFrom: path.Name);
            Emit(report, run, fmt, parseResult.GetValue(output), parseResult.InvocationConfiguration.Output);
            return 0;
        });
        return command;
    }

    private static ConnectEngine ParseEngine(string engine) => engine switch
    {
        "auto" => ConnectEngine.Auto,
        "epoll" => ConnectEngine.Epoll,
        "sockets" => ConnectEngine.Sockets,
        _ => throw new CliException($"未知的连接引擎 '{engine}'（应为 auto、epoll 或 sockets）"),
    };

    private static Option<string> FormatOption() =>
        new("--format") { Description = "输出格式：table | json | sarif | nmap-xml", DefaultValueFactory = _ => "table" };

    private static string CheckFormat(string format) => format is "table" or "json" or "sarif" or "nmap-xml"
        ? format
        : throw new CliException($"未知的输出格式 '{format}'（应为 table、json、sarif 或 nmap-xml）");

    /// <summary>The scope as the run records it: the file and what it authorizes (the first entries, then a count).</summary>
    private static string DescribeScope(FileInfo file, AuthorizedScope scope) => scope.Describe(file.Name);

    private static void Emit(ScanReport report, DetectionRun run, string format, FileInfo? file, TextWriter console)
    {
        using var fileWriter = file is null ? null : new StreamWriter(file.FullName, append: false, new System.Text.UTF8Encoding(false));
        var writer = fileWriter ?? console;
        switch (format)
        {
            case "json":
                writer.WriteLine(DetectionRunJson.Write(run));
                break;
            case "sarif":
                writer.WriteLine(DetectionRunSarif.Write(run));
                break;
            case "nmap-xml":
                NmapXmlWriter.Write(report, writer);
                writer.WriteLine();
                break;
            default:
                TableReportWriter.Write(report, writer);
                break;
        }
    }

    /// <summary>
    /// The UDP services that answered, added to their hosts' open ports (protocol udp), so the policy turns them into
    /// findings of the same run.
    /// </summary>
    private static void AddUdpServices(IReadOnlyList<HostResult> hosts, UdpServiceScanner scanner, IReadOnlyList<ScanTarget> targets, bool show)
    {
        var probes = (long)targets.Count * UdpProbeCatalog.Default.Probes.Count;
        var answered = TerminalProgress.Run(
            scanner.ScanAsync(targets), show, "UDP 服务探测", new ProgressMeter("数据报"), () => scanner.Sent, () => probes);
        foreach (var service in answered)
        {
            var host = hosts.First(h => h.Target.Address.Equals(service.Target.Address));
            host.OpenPorts.Add(new PortResult(service.Port, PortState.Open) { Protocol = "udp", Service = service.Service });
        }
    }

    /// <summary>Runs the scan; for a person at a terminal, with progress, rate and time left on standard error.</summary>
    private static IReadOnlyList<HostResult> RunWithProgress(ConnectScanner scanner, IReadOnlyList<ScanTarget> targets, PortSet ports, bool show)
    {
        var total = (long)targets.Count * ports.Count;
        return TerminalProgress.Run(
            scanner.ScanAsync(targets, ports), show, "端口扫描", new ProgressMeter("端口"),
            () => scanner.Progress.Done,
            () => scanner.Progress.TotalProbes == 0 ? total : scanner.Progress.TotalProbes,
            () => $"开放 {scanner.Progress.Open}，已识别 {scanner.Progress.Identified}");
    }
}
