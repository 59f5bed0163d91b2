using System.CommandLine;
using System.Runtime.InteropServices;
using MedGuard.Cli.Platform;
using MedGuard.Domain.Inventory;
using MedGuard.Jobs;

namespace MedGuard.Cli.Commands;

/// <summary>
/// <c>medguard worker</c> — a job engine process (issue 14 §2): runs campaign tasks from the queues of the network zones
/// it can reach, on the embedded database (its jobs.db beside it) or with <c>--db</c> on the platform's PostgreSQL,
/// where several workers on several machines share the queues. Ctrl-C or SIGTERM stops it cleanly: running tasks go
/// back to their queue.
/// </summary>
internal sealed class WorkerCommands : ICommandModule
{
    public void Register(RootCommand root)
    {
        var queues = new Option<string>("--queues") { Description = "处理的网络区域队列，逗号分隔（如 zone_a,zone_b；zone-a 记作 zone_a）", DefaultValueFactory = _ => NetworkZone.Default };
        var workers = new Option<int>("--workers") { Description = "并行执行的子任务数", DefaultValueFactory = _ => 4 };
        var name = new Option<string?>("--name") { Description = "工作进程名称（默认 主机名:进程号）" };
        var db = AssetCommands.DbOption();
        var keys = AssetCommands.KeysOption();
        var command = new Command("worker", "任务引擎工作进程：执行检测任务计划的子任务（Ctrl-C / SIGTERM 正常停止，运行中的子任务放回队列）") { queues, workers, name, db, keys };
        command.SetAction(parse =>
        {
            var error = parse.InvocationConfiguration.Error;
            var zones = parse.GetValue(queues)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(NetworkZone.Normalize).Distinct(StringComparer.Ordinal).ToList();
            if (zones.Count == 0)
            {
                throw new CliException("--queues 至少给出一个网络区域");
            }

            if (parse.GetValue(workers) is < 1 or > 256)
            {
                throw new CliException("--workers 应在 1–256 之间");
            }

            var platform = EmbeddedPlatform.Open(parse.GetValue(db), parse.GetValue(keys), error);
            var options = new JobEngineOptions
            {
                Database = platform.Target,
                KeyDirectory = platform.KeyDirectoryPath,
                Queues = zones,
                WorkerCount = parse.GetValue(workers),
                ApkDirectory = platform.Target.FilePath is { } file ? Path.Combine(Path.GetDirectoryName(file)!, "apk") : null,
                LogicDirectory = JobEngineOptions.LogicDirectoryFor(platform.Target.FilePath),
            };
            if (parse.GetValue(name) is { Length: > 0 } given)
            {
                options = options with { WorkerName = given };
            }

            using var stop = new CancellationTokenSource();
            Console.CancelKeyPress += (_, e) =>
            {
                e.Cancel = true;
                stop.Cancel();
            };
            using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
            {
                context.Cancel = true;
                stop.Cancel();
            });
            var host = EmbeddedPlatform.Guard(platform.Target, () => JobHost.StartAsync(options).GetAwaiter().GetResult());
            error.WriteLine($"任务引擎工作进程 {options.WorkerName} 已启动：队列 {string.Join(",", zones)}，并行 {options.WorkerCount}，数据库 {platform.Target.Display}");
            error.Flush();
            stop.Token.WaitHandle.WaitOne();
            error.WriteLine("正在停止：运行中的子任务放回队列…");
            host.DisposeAsync().AsTask().GetAwaiter().GetResult();
            error.WriteLine("已停止");
            return 0;
        });
        root.Subcommands.Add(command);
    }
}
