using System.Globalization;
using System.Text.Json;
using MedGuard.Detection.Apk.Tests;
using MedGuard.Domain.Platform;
using MedGuard.Storage.Providers;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Cli.Tests;

/// <summary>
/// Issue 18 §5 from the command line: an imported app analysis offers the servers the app talks to as candidate assets
/// (<c>medguard asset candidates</c>), one is accepted with its authorization, another dismissed with a reason, and the
/// decisions are in the audit chain as <c>cli:$USER</c>.
/// </summary>
public sealed class CandidateCommandTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("medguard-cli-cand-").FullName;

    private string Database => Path.Combine(directory, "data", "medguard.db");

    private static string Today(int days = 0) => ChinaStandardTime.DateOf(DateTimeOffset.UtcNow).AddDays(days).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void AnImportedAppOffersItsServersWhichAreAcceptedOrDismissed()
    {
        var analysis = Path.Combine(directory, "androgoat.json");
        Ok(CliRun.Of("apk", "analyze", TestApks.PathOf("AndroGoat.apk"), "--format", "json", "--out", analysis));
        string package;
        using (var json = JsonDocument.Parse(File.ReadAllText(analysis)))
        {
            package = json.RootElement.GetProperty("apps")[0].GetProperty("package").GetString()!;
        }

        Ok(CliRun.Of("institutions", "add", "庚医院", "--tier", "三甲", "--region", "110102", "--db", Database));
        Ok(CliRun.Of("assets", "add", package, "--institution", "庚医院", "--kind", "app", "--authorized-until", Today(365), "--db", Database));
        var imported = Ok(CliRun.Of("findings", "import", analysis, "--db", Database));
        Assert.Contains("新增候选资产", imported.Output);

        var candidates = Candidates();
        Assert.Contains(candidates, c => c.GetProperty("origin").GetString() == "http://demo.testfire.net" && c.GetProperty("cleartext").GetBoolean());
        Assert.All(candidates, c => Assert.Equal(package, c.GetProperty("apps")[0].GetString()));
        var table = Ok(CliRun.Of("asset", "candidates", "--institution", "庚医院", "--db", Database));
        Assert.Contains("demo.testfire.net", table.Output);
        Assert.Contains($"共 {candidates.Count} 个", table.Output);

        // Dismissed without a reason: refused; with one: gone from the list.
        var other = candidates.First(c => c.GetProperty("origin").GetString() != "http://demo.testfire.net");
        var otherId = other.GetProperty("id").GetString()!;
        var noReason = CliRun.Of("assets", "dismiss", otherId, "--reason", " ", "--db", Database);
        Assert.Equal(2, noReason.ExitCode);
        Assert.Contains("须填写理由", noReason.Error);
        Assert.Contains("已忽略候选资产", Ok(CliRun.Of("assets", "dismiss", otherId, "--reason", "开源项目网站，不属于本院", "--db", Database)).Output);

        // Accepted with its authorization: a website asset, authorized for web.
        var server = candidates.Single(c => c.GetProperty("origin").GetString() == "http://demo.testfire.net").GetProperty("id").GetString()!;
        var accepted = Ok(CliRun.Of("assets", "accept", server, "--name", "App 演示服务器", "--authorized-until", Today(90), "--detectors", "web", "--db", Database));
        Assert.Contains("已将候选资产 http://demo.testfire.net 登记为网站资产", accepted.Output);
        Assert.Contains("检测类型 web", accepted.Output);
        var twice = CliRun.Of("assets", "accept", server, "--db", Database);
        Assert.Equal(2, twice.ExitCode);
        Assert.Contains("已登记", twice.Error);

        Assert.Equal(candidates.Count - 2, Candidates().Count);
        var all = Candidates("--all");
        Assert.Equal("dismissed", all.Single(c => c.GetProperty("id").GetString() == otherId).GetProperty("status").GetString());
        Assert.Equal("accepted", all.Single(c => c.GetProperty("id").GetString() == server).GetProperty("status").GetString());
        Assert.Contains("http://demo.testfire.net", Ok(CliRun.Of("assets", "list", "--institution", "庚医院", "--db", Database)).Output);

        using var db = MedGuardContextFactory.Create(DatabaseTarget.Parse(Database));
        var trail = db.AuditEntries.AsNoTracking().Where(e => e.EntityType == "AssetCandidate").ToList();
        Assert.Equal(2, trail.Count);
        Assert.All(trail, e => Assert.Equal("cli:" + Environment.UserName, e.UserName));
        Assert.Contains(trail, e => e.Detail!.Contains("开源项目网站", StringComparison.Ordinal));
    }

    private List<JsonElement> Candidates(params string[] more)
    {
        var run = Ok(CliRun.Of(["assets", "candidates", "--db", Database, "--format", "json", .. more]));
        using var json = JsonDocument.Parse(run.Output);
        return [.. json.RootElement.EnumerateArray().Select(e => e.Clone())];
    }

    private static CliRun Ok(CliRun run)
    {
        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        return run;
    }
}
