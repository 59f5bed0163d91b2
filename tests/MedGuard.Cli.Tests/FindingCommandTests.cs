using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using MedGuard.Detection.Apk.Tests;
using MedGuard.Domain.Platform;
using MedGuard.Storage.Providers;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Cli.Tests;

/// <summary>
/// issue 12 "Done when", end to end through the command line with REAL detector output: a port scan of FTP servers of
/// the test's own on loopback (an open port alone is not a finding in the port policy; an FTP server that lets
/// anonymous in is — rule unauthenticated_service, on any port), imported, re-imported, closed and reopened; an APK
/// analysis; and every kind of bad input refused with nothing written.
/// </summary>
public sealed class FindingCommandTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("medguard-cli-find-").FullName;

    private string Database => Path.Combine(directory, "data", "medguard.db");

    private static string Today(int days = 0) => ChinaStandardTime.DateOf(DateTimeOffset.UtcNow).AddDays(days).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void APortScanImportedTwiceKeepsItsCountAFixedServiceIsClosedAndReopensWhenItReturns()
    {
        using var first = new AnonymousFtp();
        using var second = new AnonymousFtp();
        Ok(CliRun.Of("institutions", "add", "甲医院", "--tier", "三甲", "--region", "110108", "--db", Database));
        var added = Ok(CliRun.Of("assets", "add", "127.0.0.1", "--institution", "甲医院", "--kind", "ip", "--authorized-until", Today(30), "--db", Database));
        Assert.Contains("已登记IP地址资产 127.0.0.1（甲医院）", added.Output);
        Assert.Contains("检测类型 ports,web", added.Output);

        var run1 = Scan("run1.json", first, second);
        using (var json = JsonDocument.Parse(File.ReadAllText(run1)))
        {
            // Per server: plain FTP (high_risk_port) and anonymous login (unauthenticated_service).
            var rules = json.RootElement.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("ruleId").GetString()).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(["high_risk_port", "high_risk_port", "unauthenticated_service", "unauthenticated_service"], rules);
        }

        Assert.Contains("甲医院: 新发现 4，再次发现 0，已修复 0，重新打开 0", Ok(CliRun.Of("findings", "import", run1, "--db", Database)).Output);
        Assert.Equal(4, Open().Count);

        // The same file again: refused as already imported, nothing changes.
        var again = CliRun.Of("findings", "import", run1, "--db", Database);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("该检测运行已导入", again.Error);
        Assert.Equal(4, Open().Count);

        // A later scan seeing the same: updated, never duplicated.
        Assert.Contains("新发现 0，再次发现 4，已修复 0", Ok(CliRun.Of("findings", "import", Scan("run2.json", first, second), "--db", Database)).Output);
        Assert.Equal(4, Open().Count);

        // The second server stops letting anonymous in: the scan covered it and no longer sees it → 已修复.
        second.Anonymous = false;
        var run3 = Scan("run3.json", first, second);
        Assert.Contains("新发现 0，再次发现 3，已修复 1，重新打开 0", Ok(CliRun.Of("findings", "import", run3, "--db", Database)).Output);
        var open = Open();
        Assert.Equal(3, open.Count);
        Assert.Single(open, f => PortOf(f.GetProperty("target").GetString()!) == second.Port); // its plain FTP is still there
        var fixedOne = Assert.Single(List("--status", "已修复"));
        Assert.Equal(($"127.0.0.1:{second.Port}", "unauthenticated_service"), (fixedOne.GetProperty("target").GetString(), fixedOne.GetProperty("ruleId").GetString()));

        // It comes back: reopened, and counted.
        second.Anonymous = true;
        Assert.Contains("新发现 0，再次发现 3，已修复 0，重新打开 1", Ok(CliRun.Of("findings", "import", Scan("run4.json", first, second), "--db", Database)).Output);
        Assert.Equal(4, Open().Count);
        var reopened = List("--status", "新发现").Single(f => f.GetProperty("target").GetString() == $"127.0.0.1:{second.Port}" && f.GetProperty("ruleId").GetString() == "unauthenticated_service");
        Assert.Equal(1, reopened.GetProperty("reopenCount").GetInt32());
        Assert.Equal("高", reopened.GetProperty("severity").GetString());
        Assert.False(reopened.TryGetProperty("evidence", out _)); // the list never carries evidence

        // The detail shows the evidence masked (the banner's phone number), with the history; the read is audited.
        var id = reopened.GetProperty("id").GetString()!;
        var show = Ok(CliRun.Of("findings", "show", id, "--db", Database));
        Assert.Contains("duty phone 138****5678", show.Output);
        Assert.DoesNotContain("13812345678", show.Output);
        Assert.Contains("已修复 → 新发现", show.Output);
        var table = Ok(CliRun.Of("findings", "list", "--db", Database, "--severity", "高"));
        Assert.Contains("FTP 允许匿名登录", table.Output);
        Assert.Contains($"共 {List("--severity", "高").Count} 条", table.Output);
        Assert.Equal(2, List("--severity", "高", "--detector", "ports").Count(f => f.GetProperty("ruleId").GetString() == "unauthenticated_service"));
        Assert.DoesNotContain("13812345678", table.Output);

        using (var db = MedGuardContextFactory.Create(DatabaseTarget.Parse(Database)))
        {
            // Evidence at rest is SM4 ciphertext, never the banner.
            Assert.All(db.Findings.AsNoTracking().ToList(), f => Assert.StartsWith("sm4gcm:", f.EvidenceCiphertext, StringComparison.Ordinal));
            Assert.DoesNotContain(db.Findings.AsNoTracking().Select(f => f.EvidenceCiphertext).ToList(), c => c!.Contains("1381234", StringComparison.Ordinal));
            var audit = db.AuditEntries.AsNoTracking().ToList();
            Assert.Equal(4, audit.Count(e => e.Action == "import"));
            Assert.Contains(audit, e => e.Action == "read" && e.EntityId == id && e.UserName == "cli:" + Environment.UserName);
            Assert.Contains(audit, e => e.Action == "create" && e.EntityType == "Asset");
        }

        // The files themselves again, as an operator replays them: the run without the finding closes it again, and the
        // first run, imported once more after it, reopens it (only a repeat of the latest import is refused).
        Assert.Contains("新发现 0，再次发现 3，已修复 1，重新打开 0", Ok(CliRun.Of("findings", "import", run3, "--db", Database)).Output);
        Assert.Equal(3, Open().Count);
        Assert.Contains("新发现 0，再次发现 3，已修复 0，重新打开 1", Ok(CliRun.Of("findings", "import", run1, "--db", Database)).Output);
        Assert.Equal(4, Open().Count);

        Assert.True(File.Exists(Path.Combine(directory, "data", "keys", "medguard-sm4.key")));
        var verify = Ok(CliRun.Of("audit", "verify", "--db", Database, "--format", "json"));
        using var verdict = JsonDocument.Parse(verify.Output);
        Assert.True(verdict.RootElement.GetProperty("intact").GetBoolean());
    }

    [Fact]
    public void BadRunsAreRefusedWithAClearErrorAndNothingWrittenWhileGoodFilesStillImport()
    {
        using var ftp = new AnonymousFtp();
        Ok(CliRun.Of("institutions", "add", "乙医院", "--tier", "二甲", "--region", "110105", "--db", Database));
        var run = Scan("run.json", ftp);

        // No asset registered for the scanned address.
        var unregistered = CliRun.Of("findings", "import", run, "--db", Database);
        Assert.Equal(1, unregistered.ExitCode);
        Assert.Contains($"127.0.0.1:{ftp.Port}", unregistered.Error);
        Assert.Contains("请先登记资产及其授权", unregistered.Error);

        // Registered, but the authorization starts tomorrow: outside any valid authorization.
        Ok(CliRun.Of("assets", "add", "127.0.0.0/30", "--institution", "乙医院", "--kind", "ip", "--authorized-from", Today(1), "--authorized-until", Today(30), "--db", Database));
        var unauthorized = CliRun.Of("findings", "import", run, "--db", Database);
        Assert.Equal(1, unauthorized.ExitCode);
        Assert.Contains("没有有效的 ports 检测授权", unauthorized.Error);
        Assert.Contains("尚未生效", unauthorized.Error);

        var foreign = Path.Combine(directory, "foreign.json");
        File.WriteAllText(foreign, """{"version":"2.1.0","runs":[]}""");
        var truncated = Path.Combine(directory, "truncated.json");
        var text = File.ReadAllText(run);
        File.WriteAllText(truncated, text[..(text.Length / 2)]);
        var missing = Path.Combine(directory, "missing.json");
        var bad = CliRun.Of("findings", "import", foreign, truncated, missing, "--db", Database);
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("foreign.json: ", bad.Error);
        Assert.Contains("SARIF", bad.Error);
        Assert.Contains("truncated.json: JSON 格式错误", bad.Error);
        Assert.Contains("missing.json", bad.Error);
        Assert.Contains("3 个文件未导入", bad.Error);
        Assert.DoesNotContain("   at ", bad.Error);

        using (var db = MedGuardContextFactory.Create(DatabaseTarget.Parse(Database)))
        {
            Assert.Equal((0, 0, 0), (db.Findings.Count(), db.DetectionImports.Count(), db.FindingStatusChanges.Count()));
        }

        // A valid authorization from today: the good file imports beside a bad one, and the exit code says one failed.
        Ok(CliRun.Of("assets", "add", "127.0.0.1", "--institution", "乙医院", "--kind", "ip", "--authorized-until", Today(30), "--db", Database));
        var mixed = CliRun.Of("findings", "import", foreign, run, "--db", Database);
        Assert.Equal(1, mixed.ExitCode);
        Assert.Contains("乙医院: 新发现 2", mixed.Output);
        Assert.Contains("1 个文件未导入", mixed.Error);
        Assert.Contains("其余 1 个文件已导入", mixed.Error);
        using var check = MedGuardContextFactory.Create(DatabaseTarget.Parse(Database));
        Assert.All(check.Findings.ToList(), f => Assert.Equal("127.0.0.1", check.Assets.Single(a => a.Id == f.AssetId).Value)); // the narrowest asset holds it
    }

    [Fact]
    public void AnApkAnalysisImportsForItsAppsAndARenamedApkKeepsItsFindings()
    {
        var analysis = Path.Combine(directory, "apk.json");
        var analyzed = Ok(CliRun.Of("apk", "analyze", TestApks.Directory, "--format", "json", "--out", analysis));
        Assert.Equal(0, analyzed.ExitCode);
        List<string> packages;
        using (var json = JsonDocument.Parse(File.ReadAllText(analysis)))
        {
            packages = [.. json.RootElement.GetProperty("findings").EnumerateArray()
                .Select(f => f.GetProperty("package").GetString()!).Distinct()];
        }

        Assert.Contains("com.android.insecurebankv2", packages);
        Ok(CliRun.Of("institutions", "add", "丙医院", "--tier", "三甲", "--region", "110101", "--db", Database));
        foreach (var package in packages)
        {
            Ok(CliRun.Of("assets", "add", package, "--institution", "丙医院", "--kind", "app", "--authorized-until", Today(365), "--db", Database));
        }

        var imported = Ok(CliRun.Of("findings", "import", analysis, "--db", Database));
        var total = List().Count;
        Assert.True(total > 20, imported.Output);
        Assert.Contains($"丙医院: 新发现 {total}，", imported.Output);
        var bank = List().Count(f => f.GetProperty("target").GetString()!.StartsWith("com.android.insecurebankv2", StringComparison.Ordinal));
        Assert.True(bank > 0);

        // The same app under another file name: the same findings (the package is the identity), nothing new.
        var renamed = Path.Combine(directory, "银行客户端-最新版.apk");
        File.Copy(TestApks.PathOf("InsecureBankv2.apk"), renamed);
        var again = Path.Combine(directory, "renamed.json");
        Ok(CliRun.Of("apk", "analyze", renamed, "--format", "json", "--out", again));
        Assert.Contains($"丙医院: 新发现 0，再次发现 {bank}，已修复 0", Ok(CliRun.Of("findings", "import", again, "--db", Database)).Output);
        Assert.Equal(total, List().Count);
        Assert.Equal(total, List("--status", "open").Count);
    }

    [Fact]
    public void AssetsFromASheetAllOrNothingAndTheListShowsTheirAuthorization()
    {
        Ok(CliRun.Of("institutions", "add", "丁医院", "--tier", "三甲", "--region", "110102", "--db", Database));
        var sheet = Path.Combine(directory, "资产.csv");
        File.WriteAllText(sheet, $"""
            机构,类型,值,名称,授权止,检测类型,时间窗口
            丁医院,网站,https://www.ding.example.cn,门户网站,{Today(100)},web,22:00-06:00
            丁医院,ip,10.20.0.0/16,,{Today(100)},,
            丁医院,app,not a package,,{Today(100)},,
            戊医院,ip,10.30.0.1,,{Today(100)},,
            """, Encoding.UTF8);
        var refused = CliRun.Of("assets", "import", sheet, "--db", Database);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("第 4 行: 'not a package' 不是有效的 Android 包名", refused.Error);
        Assert.Contains("第 5 行: 找不到名为「戊医院」的医疗机构", refused.Error);
        Assert.Contains("2 行有误，未写入任何资产", refused.Error);
        Assert.Contains("尚未登记资产", Ok(CliRun.Of("assets", "list", "--db", Database)).Output);

        File.WriteAllLines(sheet, File.ReadAllLines(sheet).Take(3));
        Assert.Contains("登记 2 项资产及其授权", Ok(CliRun.Of("assets", "import", sheet, "--db", Database)).Output);
        var list = Ok(CliRun.Of("assets", "list", "--institution", "丁医院", "--db", Database, "--format", "json"));
        using var json = JsonDocument.Parse(list.Output);
        var web = json.RootElement.EnumerateArray().Single(a => a.GetProperty("kind").GetString() == "origin");
        Assert.Equal(("https://www.ding.example.cn", "门户网站"), (web.GetProperty("value").GetString(), web.GetProperty("name").GetString()));
        Assert.Equal("22:00-06:00", web.GetProperty("authorization").GetProperty("window").GetString());
        Assert.True(web.GetProperty("authorization").GetProperty("validToday").GetBoolean());
        Assert.Contains("至 " + Today(100), Ok(CliRun.Of("assets", "list", "--db", Database)).Output);

        // A duplicate or a nonsense authorization from the command line writes nothing.
        var twice = CliRun.Of("assets", "add", "10.20.0.0/16", "--institution", "丁医院", "--kind", "ip", "--authorized-until", Today(10), "--db", Database);
        Assert.Contains("该机构已登记IP地址资产 10.20.0.0/16，不能重复登记", twice.Error);
        var window = CliRun.Of("assets", "add", "10.21.0.1", "--institution", "丁医院", "--kind", "ip", "--authorized-until", Today(10), "--window", "25:00-06:00", "--db", Database);
        Assert.NotEqual(0, window.ExitCode);
        Assert.Contains("允许时段 '25:00-06:00' 无法识别", window.Error);
        using var db = MedGuardContextFactory.Create(DatabaseTarget.Parse(Database));
        Assert.Equal((2, 2), (db.Assets.Count(), db.AssetAuthorizations.Count()));

        var letter = Path.Combine(directory, "授权书.pdf");
        File.WriteAllBytes(letter, Encoding.UTF8.GetBytes("%PDF-1.4 授权书"));
        var withLetter = Ok(CliRun.Of("assets", "add", "10.21.0.1", "--institution", "丁医院", "--kind", "ip", "--authorized-until", Today(10), "--letter", letter, "--db", Database));
        Assert.Contains("授权书: 授权书.pdf（SHA-256 ", withLetter.Output);
    }

    private string Scan(string name, params AnonymousFtp[] servers)
    {
        var scope = Path.Combine(directory, "scope.txt");
        File.WriteAllText(scope, "127.0.0.1\n");
        var ports = string.Join(",", servers.Select(s => s.Port.ToString(CultureInfo.InvariantCulture)));
        var path = Path.Combine(directory, name);
        Ok(CliRun.Of("scan", "ports", "--scope", scope, "--targets", "127.0.0.1", "--ports", ports, "--format", "json", "--output", path));
        return path;
    }

    private List<JsonElement> Open() => List("--status", "open");

    private List<JsonElement> List(params string[] filters)
    {
        var run = Ok(CliRun.Of(["findings", "list", "--db", Database, "--format", "json", "--limit", "0", .. filters]));
        using var json = JsonDocument.Parse(run.Output);
        return [.. json.RootElement.EnumerateArray().Select(e => e.Clone())];
    }

    private static int PortOf(string target) => int.Parse(target[(target.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture);

    private static CliRun Ok(CliRun run)
    {
        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        return run;
    }

    /// <summary>
    /// A minimal FTP server of the test's own on 127.0.0.1 that lets anonymous in while <see cref="Anonymous"/> —
    /// what the port engine's ftp_anonymous check looks for. Its banner carries a phone number, to see it masked.
    /// </summary>
    private sealed class AnonymousFtp : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();

        public AnonymousFtp()
        {
            _listener.Start();
            Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
            _ = Task.Run(AcceptAsync);
        }

        public int Port { get; }

        public volatile bool Anonymous = true;

        private async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync(_stop.Token);
                }
                catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
                {
                    return;
                }

                _ = Task.Run(() => ServeAsync(client));
            }
        }

        private async Task ServeAsync(TcpClient client)
        {
            using (client)
            {
                try
                {
                    var stream = client.GetStream();
                    using var reader = new StreamReader(stream, Encoding.ASCII);
                    await using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { NewLine = "\r\n", AutoFlush = true };
                    await writer.WriteLineAsync("220 MedGuard test FTP, duty phone 13812345678");
                    while (await reader.ReadLineAsync(_stop.Token) is { } line)
                    {
                        var command = line.Split(' ')[0].ToUpperInvariant();
                        await writer.WriteLineAsync(command switch
                        {
                            "USER" => "331 Password required",
                            "PASS" => Anonymous ? "230 Login successful" : "530 Login incorrect",
                            "QUIT" => "221 Goodbye",
                            _ => "500 Unknown command",
                        });
                        if (command == "QUIT")
                        {
                            return;
                        }
                    }
                }
                catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
                {
                    // The scanner hangs up when it has what it needs.
                }
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            _stop.Dispose();
        }
    }
}
