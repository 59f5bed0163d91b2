using System.Text.Json;
using MedGuard.Domain.Institutions;
using MedGuard.Storage.Auditing;
using MedGuard.Storage.Providers;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Cli.Tests;

/// <summary><c>medguard institutions add|list</c> on a fresh embedded database, audited into the platform's chain.</summary>
public sealed class InstitutionCommandTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("medguard-cli-inst-").FullName;

    private string Database => Path.Combine(directory, "data", "medguard.db");

    private string Keys => Path.Combine(directory, "data", "keys");

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void AddRegistersTheInstitutionAuditsItAndTheChainStillVerifies()
    {
        var added = CliRun.Of("institutions", "add", "海淀区妇幼保健院", "--tier", "三乙", "--region", "110108", "--db", Database, "--format", "json");
        Assert.True(added.ExitCode == 0, added.Error);
        using var json = JsonDocument.Parse(added.Output);
        var id = json.RootElement.GetProperty("id").GetGuid();
        Assert.Equal("三级", json.RootElement.GetProperty("tier").GetString()); // 三乙 is counted as 三级 by the survey
        Assert.Equal("北京市海淀区", json.RootElement.GetProperty("regionName").GetString());

        // The migrated database got the key folder beside it, the platform's file names.
        Assert.True(File.Exists(Path.Combine(Keys, AuditTrailOptions.KeyFileName)));
        Assert.True(File.Exists(Path.Combine(Keys, AuditTrailOptions.AnchorFileName)));

        using (var db = MedGuardContextFactory.Create(DatabaseTarget.Parse(Database)))
        {
            var stored = db.Institutions.AsNoTracking().Single();
            Assert.Equal((id, "海淀区妇幼保健院", HospitalTier.Tertiary, "110108"), (stored.Id, stored.Name, stored.Tier, stored.Region));
            var entry = Assert.Single(db.AuditEntries.AsNoTracking().Where(e => e.EntityType == nameof(Institution)).ToList());
            Assert.Equal(("create", id.ToString(), "cli:" + Environment.UserName), (entry.Action, entry.EntityId, entry.UserName));
        }

        // A second command continues the same chain (the anchor follows), and audit verify, with its defaults beside
        // the database, finds it intact.
        Assert.Equal(0, CliRun.Of("institutions", "add", "北京协和医院", "--tier", "三甲", "--region", "110101", "--db", Database, "--directly-affiliated").ExitCode);
        var verify = CliRun.Of("audit", "verify", "--db", Database, "--format", "json");
        Assert.True(verify.ExitCode == 0, verify.Output + verify.Error);
        using var verdict = JsonDocument.Parse(verify.Output);
        Assert.True(verdict.RootElement.GetProperty("intact").GetBoolean());
        Assert.True(verdict.RootElement.GetProperty("keyFound").GetBoolean());
        Assert.True(verdict.RootElement.GetProperty("anchorChecked").GetBoolean());
        Assert.Equal(2, verdict.RootElement.GetProperty("entriesChecked").GetInt32());

        var list = CliRun.Of("institutions", "list", "--db", Database, "--format", "json");
        Assert.Equal(0, list.ExitCode);
        using var rows = JsonDocument.Parse(list.Output);
        Assert.Equal(["北京协和医院", "海淀区妇幼保健院"], rows.RootElement.EnumerateArray().Select(r => r.GetProperty("name").GetString()));
        Assert.True(rows.RootElement[0].GetProperty("directlyAffiliated").GetBoolean());

        var table = CliRun.Of("institutions", "list", "--db", Database);
        Assert.Contains("北京市东城区 110101", table.Output);
        Assert.Contains("共 2 家", table.Output);
    }

    [Fact]
    public void TheSameNameInTheSameRegionIsRefusedAndNothingIsWritten()
    {
        Assert.Equal(0, CliRun.Of("institutions", "add", "朝阳医院", "--tier", "三甲", "--region", "110105", "--db", Database).ExitCode);

        var again = CliRun.Of("institutions", "add", " 朝阳医院 ", "--tier", "二甲", "--region", "110105", "--db", Database);
        Assert.NotEqual(0, again.ExitCode);
        Assert.Contains("北京市朝阳区（110105）已有名为「朝阳医院」的医疗机构", again.Error);
        Assert.DoesNotContain("   at ", again.Error);

        // Another region may have a hospital of the same name.
        Assert.Equal(0, CliRun.Of("institutions", "add", "朝阳医院", "--tier", "二甲", "--region", "13", "--db", Database).ExitCode);
        using var db = MedGuardContextFactory.Create(DatabaseTarget.Parse(Database));
        Assert.Equal(2, db.Institutions.Count());
        Assert.Equal(2, db.AuditEntries.Count(e => e.EntityType == nameof(Institution)));
    }

    [Theory]
    [InlineData("--region", "999999", "未知的行政区划代码 '999999'")]
    [InlineData("--tier", "特等", "未知的医院等级 '特等'")]
    public void AnUnknownRegionOrTierIsOneClearErrorBeforeTheDatabaseIsTouched(string option, string value, string message)
    {
        var args = new List<string> { "institutions", "add", "某医院", "--tier", "三甲", "--region", "110108", "--db", Database };
        args[args.IndexOf(option) + 1] = value;

        var result = CliRun.Of([.. args]);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(message, result.Error);
        Assert.False(File.Exists(Database));
    }

    [Fact]
    public void AMissingChainKeyRefusesTheChangeAsThePlatformDoes()
    {
        Assert.Equal(0, CliRun.Of("institutions", "add", "天坛医院", "--tier", "三甲", "--region", "110106", "--db", Database).ExitCode);
        File.Delete(Path.Combine(Keys, AuditTrailOptions.KeyFileName));

        var refused = CliRun.Of("institutions", "add", "宣武医院", "--tier", "三甲", "--region", "110102", "--db", Database);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("审计链密钥文件缺失", refused.Error);
        Assert.False(File.Exists(Path.Combine(Keys, AuditTrailOptions.KeyFileName))); // never a fresh key over keyed entries
        using var db = MedGuardContextFactory.Create(DatabaseTarget.Parse(Database));
        Assert.Equal(["天坛医院"], db.Institutions.Select(i => i.Name).ToList());
    }

    [Fact]
    public void ListOnAMissingDatabaseSaysHowToCreateItAndCreatesNothing()
    {
        var result = CliRun.Of("institutions", "list", "--db", Database);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("medguard institutions add", result.Error);
        Assert.False(File.Exists(Database));
    }
}
