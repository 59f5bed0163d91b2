using MedGuard.Storage.Providers;

namespace MedGuard.Storage.Tests;

public class DatabaseTargetTests
{
    [Fact]
    public void NothingMeansTheDefaultSqliteFile()
    {
        var target = DatabaseTarget.Parse(null);
        Assert.Equal(DatabaseProvider.Sqlite, target.Provider);
        Assert.Equal(Path.GetFullPath(Path.Combine("data", "medguard.db")), target.FilePath);
        Assert.Equal(target, DatabaseTarget.Parse("   "));
    }

    [Theory]
    [InlineData("Host=127.0.0.1;Port=5433;Username=u;Password=p;Database=mg")]
    [InlineData("server=db.local;database=mg;user id=u")]
    public void PostgresConnectionStringsPickPostgres(string text)
    {
        var target = DatabaseTarget.Parse(text);
        Assert.Equal(DatabaseProvider.Postgres, target.Provider);
        Assert.Null(target.FilePath);
        Assert.DoesNotContain("Password", target.Display, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("Data Source=/tmp/x/mg.db", "/tmp/x/mg.db")]
    [InlineData("/tmp/y/other.db", "/tmp/y/other.db")]
    public void SqliteStringsAndPathsPickSqlite(string text, string path)
    {
        var target = DatabaseTarget.Parse(text);
        Assert.Equal(DatabaseProvider.Sqlite, target.Provider);
        Assert.Equal(path, target.FilePath);
    }

    [Theory]
    [InlineData("postgresql://u:p@localhost/mg", "URL")]
    [InlineData("Host=127.0.0.1;Username=u", "Database")]
    [InlineData("Foo=bar;Password=secret", "无法识别")]
    public void UnusableStringsGetAClearError(string text, string expected)
    {
        var ex = Assert.Throws<FormatException>(() => DatabaseTarget.Parse(text));
        Assert.Contains(expected, ex.Message);
        Assert.DoesNotContain("secret", ex.Message);
    }

    [Fact]
    public void TheOptionWinsOverTheEnvironment()
    {
        // Only this test touches MEDGUARD_DB; xUnit runs the methods of one class one after another.
        var before = Environment.GetEnvironmentVariable(DatabaseTarget.EnvironmentVariable);
        try
        {
            Environment.SetEnvironmentVariable(DatabaseTarget.EnvironmentVariable, "Host=127.0.0.1;Database=fromenv");
            Assert.Equal(DatabaseProvider.Postgres, DatabaseTarget.Resolve(null).Provider);
            Assert.Equal(DatabaseProvider.Sqlite, DatabaseTarget.Resolve("/tmp/z.db").Provider);
        }
        finally
        {
            Environment.SetEnvironmentVariable(DatabaseTarget.EnvironmentVariable, before);
        }
    }
}
