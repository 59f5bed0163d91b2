using System.CommandLine;
using System.Globalization;
using System.Text;
using MedGuard.Detection.Apk;
using MedGuard.Detection.Apk.Reporting;
using MedGuard.Domain.Detection;
using Spectre.Console;

namespace MedGuard.Cli.Commands;

/// <summary><c>medguard apk analyze PATH... --format table|json|sarif [--out F]</c>: the APK analyzer's host.</summary>
internal sealed class ApkCommands : ICommandModule
{
    public void Register(RootCommand root)
    {
        var apk = CommandTree.GetOrAdd(root, "apk", "Android 应用（APK）安全检测");
        var paths = new Argument<string[]>("path") { Description = "APK 文件或包含 APK 的目录（可多个）", Arity = ArgumentArity.OneOrMore };
        var format = new Option<string>("--format") { Description = "输出格式：table | json | sarif", DefaultValueFactory = _ => "table" };
        var output = new Option<string?>("--out") { Description = "写入文件而不是标准输出" };
        var jobs = new Option<int>("--jobs") { Description = "并行分析的文件数（默认为 CPU 核数）", DefaultValueFactory = _ => Environment.ProcessorCount };
        var analyze = new Command("analyze", "直接读取字节码检测 APK 的 15 类风险（不反编译）") { paths, format, output, jobs };
        analyze.SetAction(parseResult =>
        {
            var selectedFormat = parseResult.GetValue(format)!.ToLowerInvariant();
            if (selectedFormat is not ("table" or "json" or "sarif"))
            {
                throw new CliException($"未知的输出格式 '{selectedFormat}'（应为 table、json 或 sarif）");
            }

            var files = ExpandPaths(parseResult.GetValue(paths)!);
            var parallelism = parseResult.GetValue(jobs);
            if (parallelism < 1)
            {
                throw new CliException("--jobs 须为正整数");
            }

            var analyzer = new ApkAnalyzer();
            // Progress goes to a terminal only: not into a pipe, and not over a JSON/SARIF document written to stdout.
            var showProgress = !Console.IsErrorRedirected && (selectedFormat == "table" || parseResult.GetValue(output) is not null);
            var result = RunWithProgress(analyzer, files, parallelism, showProgress);

            var outPath = parseResult.GetValue(output);
            using var stream = new MemoryStream();
            switch (selectedFormat)
            {
                case "json":
                    DetectionRunJson.Write(result.ToDetectionRun(LocalFiles), stream);
                    break;
                case "sarif":
                    DetectionRunSarif.Write(result.ToDetectionRun(LocalFiles), stream);
                    break;
                default:
                    var text = ApkTable.Render(result);
                    stream.Write(Encoding.UTF8.GetBytes(text));
                    break;
            }

            if (outPath is null)
            {
                var writer = parseResult.InvocationConfiguration.Output;
                writer.Write(Encoding.UTF8.GetString(stream.ToArray()));
                writer.WriteLine();
            }
            else
            {
                File.WriteAllBytes(outPath, stream.ToArray());
                parseResult.InvocationConfiguration.Error.WriteLine($"已写入 {outPath}（{result.Apps.Count} 个应用，{result.Errors.Count} 个错误）");
            }

            foreach (var e in result.Errors)
            {
                parseResult.InvocationConfiguration.Error.WriteLine($"错误: {e.File}: {e.Error}");
            }

            return result.Errors.Count == 0 ? 0 : 1;
        });
        apk.Subcommands.Add(analyze);
    }

    /// <summary>What an APK analysis is authorized on: files the user holds, read offline (no packet is sent).</summary>
    private const string LocalFiles = "本地 APK 文件（离线读取，不发送网络请求）";

    private static List<string> ExpandPaths(IEnumerable<string> paths)
    {
        var files = new List<string>();
        foreach (var p in paths)
        {
            if (Directory.Exists(p))
            {
                var found = Directory.EnumerateFiles(p, "*.apk", SearchOption.TopDirectoryOnly).Order(StringComparer.Ordinal).ToList();
                if (found.Count == 0)
                {
                    throw new CliException($"目录 {p} 中没有 .apk 文件");
                }

                files.AddRange(found);
            }
            else if (File.Exists(p))
            {
                files.Add(p);
            }
            else
            {
                throw new CliException($"找不到文件或目录：{p}");
            }
        }

        return files;
    }

    private static ApkBatchResult RunWithProgress(ApkAnalyzer analyzer, List<string> files, int parallelism, bool show)
    {
        if (files.Count < 2 || !show)
        {
            return ApkBatchAnalyzer.Run(analyzer, files, parallelism: parallelism);
        }

        ApkBatchResult? result = null;
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        console.Progress().AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new FilesPerSecondColumn(), new RemainingTimeColumn())
            .Start(ctx =>
        {
            var task = ctx.AddTask("分析 APK", maxValue: files.Count);
            result = ApkBatchAnalyzer.Run(analyzer, files, _ => task.Increment(1), parallelism);
        });
        return result!;
    }
}

/// <summary>The batch's rate in files per second (个/秒), beside the remaining time (ETA).</summary>
internal sealed class FilesPerSecondColumn : ProgressColumn
{
    public override Spectre.Console.Rendering.IRenderable Render(Spectre.Console.Rendering.RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
        new Text(task.Speed is { } speed ? string.Create(CultureInfo.InvariantCulture, $"{speed:0.0} 个/秒") : "-- 个/秒");
}

/// <summary>The seed's table: rows are risk kinds (in the seed's order), columns are apps, cells are counts.</summary>
internal static class ApkTable
{
    public static string Render(ApkBatchResult result)
    {
        var rules = new ApkAnalyzer().Catalog.Rules;
        var kinds = rules.GroupBy(r => (r.Order, r.Title)).OrderBy(g => g.Key.Order).ToList();
        var apps = result.Apps;
        var header = new List<string> { "漏洞名称" };
        header.AddRange(apps.Select(a => Path.GetFileNameWithoutExtension(a.File)));
        var rows = new List<List<string>>();
        foreach (var kind in kinds)
        {
            var row = new List<string> { kind.Key.Title };
            foreach (var app in apps)
            {
                var n = kind.Sum(r => app.CountOf(r.Id));
                row.Add(n == 0 ? "" : n.ToString(CultureInfo.InvariantCulture));
            }

            rows.Add(row);
        }

        var total = new List<string> { "合计（应用自身代码）" };
        total.AddRange(apps.Select(a => a.Findings.Sum(f => f.Locations.Count).ToString(CultureInfo.InvariantCulture)));
        rows.Add(total);
        var library = new List<string> { "第三方库命中（不计入）" };
        library.AddRange(apps.Select(a => a.LibraryFindings.Sum(f => f.Locations.Count).ToString(CultureInfo.InvariantCulture)));
        rows.Add(library);

        var sb = new StringBuilder();
        AppendGrid(sb, header, rows);
        sb.AppendLine();
        sb.AppendLine("应用信息：");
        foreach (var a in apps)
        {
            var cert = a.Certificates.FirstOrDefault();
            var nsc = a.NetworkSecurityConfig is { } n ? $"（{n.Path}{(n.TrustsUserCertificates ? "，信任用户证书" : "")}）" : "";
            sb.AppendLine(FormattableString.Invariant(
                $"  {a.File}: {a.Package} {a.VersionName}（{a.Label}） minSdk {a.MinSdk} → targetSdk {a.TargetSdk}；debuggable={Flag(a.Debuggable)}；allowBackup={(a.AllowBackup is null ? "未设置" : Flag(a.AllowBackup.Value))}；明文流量={(a.CleartextTrafficPermitted ? "允许" : "禁止")}{nsc}；危险权限 {a.DangerousPermissions.Count} 个；dex {a.DexCount} 个、类 {a.ClassCount} 个"));
            if (a.Packer is { } packer)
            {
                sb.AppendLine($"      已加固：{packer.Name}（{string.Join("、", packer.Evidence.Take(3))}）——代码规则无法在隐藏代码上评估，见覆盖说明，不是无风险");
            }

            if (a.SkippedMethods.Count > 0)
            {
                sb.AppendLine(CultureInfo.InvariantCulture, $"      跳过 {a.SkippedMethods.Count} 个指令流无法解码的方法：{string.Join("；", a.SkippedMethods.Take(3).Select(m => m.Location))}");
            }

            if (a.Endpoints.Count > 0)
            {
                sb.AppendLine(CultureInfo.InvariantCulture, $"      通信地址 {a.Endpoints.Count} 个（明文 {a.Endpoints.Count(e => e.Cleartext)} 个，作为候选 Web 资产，扫描前须授权）：{string.Join("、", a.Endpoints.Take(5).Select(e => e.Origin))}{(a.Endpoints.Count > 5 ? " 等" : "")}");
            }

            sb.AppendLine(cert is null
                ? "      签名证书：无（未签名）"
                : string.Create(CultureInfo.InvariantCulture, $"      签名证书：{cert.Subject}，有效期 {cert.NotBefore:yyyy-MM-dd} 至 {cert.NotAfter:yyyy-MM-dd}"));
        }

        foreach (var e in result.Errors)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"  {e.File}: 无法分析 — {e.Error}");
        }

        return sb.ToString();
    }

    private static string Flag(bool b) => b ? "true" : "false";

    private static void AppendGrid(StringBuilder sb, List<string> header, List<List<string>> rows)
    {
        var widths = header.Select((h, i) => Math.Max(Width(h), rows.Max(r => Width(r[i])))).ToList();
        void Line(List<string> cells)
        {
            for (var i = 0; i < cells.Count; i++)
            {
                var pad = widths[i] - Width(cells[i]);
                sb.Append(i == 0 ? cells[i] + new string(' ', pad) : new string(' ', pad) + cells[i]);
                sb.Append(i == cells.Count - 1 ? "" : "  ");
            }

            sb.AppendLine();
        }

        Line(header);
        sb.AppendLine(new string('-', widths.Sum() + (2 * (widths.Count - 1))));
        rows.ForEach(Line);
    }

    /// <summary>Display width: CJK characters take two columns.</summary>
    private static int Width(string s) => s.Sum(c => c >= 0x1100 && (c <= 0x115f || (c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) || (c >= 0xffe0 && c <= 0xffe6)) ? 2 : 1);
}
