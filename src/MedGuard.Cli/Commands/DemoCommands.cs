using System.CommandLine;
using System.Globalization;
using MedGuard.Storage.Bulk;
using MedGuard.Storage.Providers;

namespace MedGuard.Cli.Commands;

/// <summary>
/// <c>medguard demo national [--scale F] [--today D] [--db CONN]</c> — 全国规模演示数据 for the sector dashboard and its
/// benchmark (bench/dashboard): about 39,000 hospitals, 200,000 systems, 500,000 assets and 2,000,000 findings over two
/// campaigns at scale 1, into an empty database.
/// </summary>
internal sealed class DemoCommands : ICommandModule
{
    public void Register(RootCommand root)
    {
        var demo = CommandTree.GetOrAdd(root, "demo", "演示数据");
        var db = new Option<string?>("--db") { Description = "数据库：SQLite 文件路径或 PostgreSQL 连接串（默认读取环境变量 MEDGUARD_DB）；须为空库" };
        var scale = new Option<double>("--scale") { Description = "规模系数：1 = 全国（约 39,000 家医院、2,000,000 条检测发现），0.01 = 百分之一", DefaultValueFactory = _ => 1 };
        var today = new Option<string?>("--today") { Description = "数据的“今天”（年-月-日，默认今天）" };
        var seed = new Option<int>("--seed") { Description = "随机种子（同一种子生成同样的数据）", DefaultValueFactory = _ => 16 };
        var national = new Command("national", "生成全国规模的演示数据（机构、定级对象、资产、两次检测任务及其检测发现），用原生批量写入") { db, scale, today, seed };
        national.SetAction(async (parseResult, ct) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var factor = parseResult.GetValue(scale);
            if (factor is <= 0 or > 10)
            {
                throw new CliException($"规模系数应大于 0 且不超过 10：{factor}");
            }

            var day = parseResult.GetValue(today) is { } text
                ? DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : throw new CliException($"日期格式应为 年-月-日：{text}")
                : DateOnly.FromDateTime(DateTime.Today);
            var target = DatabaseTarget.Resolve(parseResult.GetValue(db));
            NationalDatasetResult result;
            try
            {
                result = await NationalDataset.GenerateAsync(target, factor, day, parseResult.GetValue(seed), output, ct);
            }
            catch (InvalidOperationException ex)
            {
                throw new CliException(ex.Message);
            }

            output.WriteLine($"完成：规模 {factor.ToString(CultureInfo.InvariantCulture)}，共 {result.Rows.Values.Sum()} 行，用时 {result.Total.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} 秒");
            return 0;
        });
        demo.Subcommands.Add(national);

        var benchDb = new Option<string?>("--db") { Description = "数据库：SQLite 文件路径或 PostgreSQL 连接串" };
        var rounds = new Option<int>("--rounds") { Description = "每项重复次数（取 p50 / p95）", DefaultValueFactory = _ => 20 };
        var region = new Option<string?>("--region") { Description = "只统计该行政区划（默认全国）" };
        var bench = new Command("dashboard-bench", "测量行业态势每项指标查询与整页计算的耗时（p50 / p95，毫秒），输出 Markdown 表") { benchDb, rounds, region };
        bench.SetAction(async (parseResult, ct) =>
        {
            var target = DatabaseTarget.Resolve(parseResult.GetValue(benchDb));
            var table = await DashboardBench.RunAsync(target, Math.Max(1, parseResult.GetValue(rounds)), parseResult.GetValue(region), ct);
            parseResult.InvocationConfiguration.Output.Write(table);
            return 0;
        });
        demo.Subcommands.Add(bench);
    }
}
