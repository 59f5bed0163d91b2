using System.Diagnostics;
using MedGuard.Domain.Assessment;
using MedGuard.Server.Demo;
using MedGuard.Storage.Providers;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Server.Tests;

/// <summary>
/// The five documents from the demo province through the CLI (`medguard report …`), as docx and PDF (and xlsx where
/// tabular), each verifying; first pages rendered to PNG under artifacts/reports/demo (the note lists them).
/// </summary>
public sealed class DemoReportsTests
{
    private static (int Code, string Output, string Error) Cli(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = MedGuard.Cli.Program.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task EachDocumentComesFromTheDemoProvinceThroughTheCliAndVerifies()
    {
        await using var platform = await PlatformFixture.StartAsync(DatabaseKind.Sqlite);
        string system, assessment, institution;
        await using (var db = MedGuardContextFactory.Create(platform.Target))
        {
            var filed = await db.Systems.Include(s => s.Institution).Where(s => s.Filing != null && s.Grading != null && s.Institution!.Name == DemoProvince.DemoHospitalName).FirstOrDefaultAsync()
                ?? await db.Systems.Where(s => s.Filing != null && s.Grading != null).OrderBy(s => s.Name).FirstAsync();
            system = filed.Id.ToString();
            assessment = (await db.Assessments.Where(a => a.Kind == AssessmentKind.LevelAssessment && a.Conclusion != null).OrderBy(a => a.AssessedOn).FirstAsync()).Id.ToString();
            institution = DemoProvince.DemoHospitalName;
        }

        // The CLI finds the SM4 key under the platform's file name (the fixture names it sm4.key): the notice opens evidence.
        File.Copy(platform.KeyFile, Path.Combine(platform.KeyDirectory, "medguard-sm4.key"));
        var root = Environment.GetEnvironmentVariable("MEDGUARD_ARTIFACTS") is { Length: > 0 } a ? a : Path.Combine(Path.GetTempPath(), "medguard-artifacts");
        var dir = Path.Combine(root, "reports", "demo");
        Directory.CreateDirectory(dir);
        var jobs = new (string Kind, string[] Subject, bool Tabular)[]
        {
            ("grading", ["--system", system], false),
            ("filing", ["--system", system], true),
            ("assessment", ["--assessment", assessment], true),
            ("notice", ["--institution", institution], true),
            ("situation", ["--region", DemoProvince.RegionCode, "--from", "2026-01-01", "--to", "2026-06-30"], true),
        };
        foreach (var (kind, subject, tabular) in jobs)
        {
            foreach (var format in tabular ? new[] { "docx", "pdf", "xlsx" } : ["docx", "pdf"])
            {
                var file = Path.Combine(dir, $"{kind}.{format}");
                var run = Cli(["report", kind, .. subject, "--format", format, "--out", file, "--db", platform.Database, "--keys", platform.KeyDirectory]);
                Assert.True(run.Code == 0, $"report {kind} {format}: 退出码 {run.Code} {run.Output}{run.Error}");
                Assert.Contains("[1] ", run.Error); // progress on stderr
                Assert.Contains("已生成", run.Output);
                var verify = Cli("report", "verify", file, "--db", platform.Database, "--keys", platform.KeyDirectory);
                Assert.True(verify.Code == 0, $"verify {kind} {format}: {verify.Output}{verify.Error}");
                Assert.Contains("本平台签名公钥", verify.Output);
                if (format == "pdf")
                {
                    var page = Path.Combine(dir, $"{kind}-page");
                    using var p = Process.Start(new ProcessStartInfo("pdftoppm", ["-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", file, page]))!;
                    await p.WaitForExitAsync();
                    Assert.Equal(0, p.ExitCode);
                    Assert.True(new FileInfo(page + ".png").Length > 5_000);
                }
            }
        }

        Assert.Contains("北京市", ReportsApiTests.PdfText(await File.ReadAllBytesAsync(Path.Combine(dir, "situation.pdf"))));

        // This year so far (the default period) holds the demo's port scan: the report tells what detection found, with
        // the dashboard's counts (issue 16's figures), beside the 等保 work.
        var current = Path.Combine(dir, "situation-this-year.docx");
        var made = Cli(["report", "situation", "--region", DemoProvince.RegionCode, "--format", "docx", "--out", current, "--db", platform.Database, "--keys", platform.KeyDirectory]);
        Assert.True(made.Code == 0, $"report situation: 退出码 {made.Code} {made.Output}{made.Error}");
        var thisYear = ReportsApiTests.DocxText(await File.ReadAllBytesAsync(current));
        Assert.Contains("三、远程技术检测情况", thisYear);
        Assert.Contains("表6 服务器开放端口", thisYear);
        Assert.Contains("3389", thisYear);

        // A tampered copy fails and names what changed; an unsigned file says so.
        var tampered = await File.ReadAllBytesAsync(Path.Combine(dir, "grading.pdf"));
        var at = System.Text.Encoding.Latin1.GetString(tampered).IndexOf(" 0 obj", tampered.Length / 3, StringComparison.Ordinal) + 20;
        tampered[at] ^= 0x01;
        var tamperedFile = Path.Combine(dir, "grading-tampered.pdf");
        await File.WriteAllBytesAsync(tamperedFile, tampered);
        var altered = Cli("report", "verify", tamperedFile, "--db", platform.Database, "--keys", platform.KeyDirectory);
        Assert.Equal(1, altered.Code);
        Assert.Contains("文件已被修改", altered.Output);
        Assert.Contains("PDF 对象", altered.Output);
        var unsigned = Path.Combine(dir, "unsigned.docx");
        Assert.Equal(0, Cli(["report", "grading", "--system", system, "--no-sign", "--out", unsigned, "--db", platform.Database, "--keys", platform.KeyDirectory]).Code);
        Assert.Equal(2, Cli("report", "verify", unsigned).Code);

        // An ungraded system: the CLI says what is missing.
        await using (var db = MedGuardContextFactory.Create(platform.Target))
        {
            var ungraded = await db.Systems.Where(s => s.Grading == null).Select(s => s.Id).FirstAsync();
            var refused = Cli("report", "grading", "--system", ungraded.ToString(), "--out", Path.Combine(dir, "none.docx"), "--db", platform.Database, "--keys", platform.KeyDirectory);
            Assert.NotEqual(0, refused.Code);
            Assert.Contains("尚未定级", refused.Error);
        }

        // Every CLI document is recorded like the server's.
        await using (var db = MedGuardContextFactory.Create(platform.Target))
        {
            Assert.Equal(16, await db.GeneratedReports.CountAsync()); // 15 signed documents (this year's situation report too) and the unsigned one
            Assert.All(await db.GeneratedReports.ToListAsync(), r => Assert.StartsWith("cli:", r.GeneratedBy));
        }
    }
}
