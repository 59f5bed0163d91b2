using System.Text.Json;

namespace MedGuard.Cli.Tests;

public sealed class DatabaseCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("medguard-cli-db-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static (int Exit, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = Program.Run(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public void MigrateCreatesTheDatabaseAndInfoReportsIt()
    {
        var path = Path.Combine(_directory, "nested", "medguard.db");

        var first = Run("db", "migrate", "--db", path);
        Assert.Equal(0, first.Exit);
        // Every migration of the SQLite set is applied to a fresh file (their number grows as the model does).
        var migrations = typeof(MedGuard.Storage.SqliteMedGuardDbContext).Assembly.GetTypes()
            .Count(t => t.Namespace == "MedGuard.Storage.Migrations.Sqlite" && t.IsSubclassOf(typeof(Microsoft.EntityFrameworkCore.Migrations.Migration)));
        Assert.Contains($"已应用 {migrations} 个迁移", first.Output);
        Assert.True(File.Exists(path));

        var second = Run("db", "migrate", "--db", path);
        Assert.Contains("已是最新结构", second.Output);

        var info = Run("db", "info", "--db", $"Data Source={path}", "--format", "json");
        Assert.Equal(0, info.Exit);
        using var json = JsonDocument.Parse(info.Output);
        Assert.Equal("Sqlite", json.RootElement.GetProperty("provider").GetString());
        Assert.Equal(path, json.RootElement.GetProperty("database").GetString());
        Assert.Equal(migrations, json.RootElement.GetProperty("appliedMigrations").GetArrayLength());
        Assert.Equal(0, json.RootElement.GetProperty("pendingMigrations").GetArrayLength());
        Assert.Equal(0, json.RootElement.GetProperty("rows").GetProperty("Institutions 医疗机构").GetInt32());

        var table = Run("db", "info", "--db", path);
        Assert.Contains("ProtectedSystems 定级对象", table.Output);
    }

    [Fact]
    public void InfoOnAMissingFileSaysToMigrateAndCreatesNothing()
    {
        var path = Path.Combine(_directory, "absent.db");
        var result = Run("db", "info", "--db", path);
        Assert.NotEqual(0, result.Exit);
        Assert.Contains("medguard db migrate", result.Error);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void AnUnrecognisedConnectionStringIsOneClearError()
    {
        var result = Run("db", "migrate", "--db", "Foo=bar;Password=hunter2");
        Assert.NotEqual(0, result.Exit);
        Assert.StartsWith("错误: 无法识别的数据库连接串", result.Error);
        Assert.DoesNotContain("hunter2", result.Error);
        Assert.DoesNotContain("   at ", result.Error);
    }
}
