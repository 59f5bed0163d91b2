using Microsoft.Data.Sqlite;
using Npgsql;

namespace MedGuard.Storage.Providers;

/// <summary>
/// Which database to open, told from one string: nothing → the SQLite file <c>./data/medguard.db</c>; a PostgreSQL
/// connection string (<c>Host=…;Database=…</c>) → PostgreSQL; a SQLite connection string (<c>Data Source=…</c>) or a
/// plain file path (<c>x.db</c>) → SQLite. The string comes from <c>--db</c>, else the <c>MEDGUARD_DB</c> variable.
/// </summary>
public sealed record DatabaseTarget
{
    /// <summary>Environment variable read when no connection string is given.</summary>
    public const string EnvironmentVariable = "MEDGUARD_DB";

    /// <summary>The default database file, relative to the working directory.</summary>
    public static readonly string DefaultSqlitePath = Path.Combine("data", "medguard.db");

    private DatabaseTarget(DatabaseProvider provider, string connectionString, string? filePath)
    {
        Provider = provider;
        ConnectionString = connectionString;
        FilePath = filePath;
    }

    public DatabaseProvider Provider { get; }

    public string ConnectionString { get; }

    /// <summary>The SQLite file (absolute), or null for PostgreSQL and in-memory SQLite.</summary>
    public string? FilePath { get; }

    /// <summary>The string to show a person: the file path, or the connection string without its password.</summary>
    public string Display => Provider == DatabaseProvider.Sqlite
        ? FilePath ?? ConnectionString
        : new NpgsqlConnectionStringBuilder(ConnectionString) { Password = null }.ConnectionString;

    /// <summary>The option's value if given, else <c>MEDGUARD_DB</c>, else the default SQLite file.</summary>
    public static DatabaseTarget Resolve(string? option) =>
        Parse(!string.IsNullOrWhiteSpace(option) ? option : Environment.GetEnvironmentVariable(EnvironmentVariable));

    public static DatabaseTarget Parse(string? text)
    {
        text = text?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return ForSqliteFile(DefaultSqlitePath);
        }

        if (text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            throw new FormatException("不支持 URL 形式的 PostgreSQL 地址，请写成 \"Host=127.0.0.1;Port=5432;Username=…;Password=…;Database=…\"");
        }

        if (!text.Contains('='))
        {
            return ForSqliteFile(text); // a bare path
        }

        var keys = KeysOf(text);
        if (keys.Contains("host") || keys.Contains("server"))
        {
            try
            {
                var builder = new NpgsqlConnectionStringBuilder(text);
                if (string.IsNullOrEmpty(builder.Database))
                {
                    throw new FormatException("PostgreSQL 连接串缺少 Database=…");
                }

                return new DatabaseTarget(DatabaseProvider.Postgres, builder.ConnectionString, null);
            }
            catch (ArgumentException ex)
            {
                throw new FormatException($"无法解析 PostgreSQL 连接串: {ex.Message}", ex);
            }
        }

        if (keys.Contains("data source") || keys.Contains("datasource") || keys.Contains("filename"))
        {
            try
            {
                var builder = new SqliteConnectionStringBuilder(text);
                var source = builder.DataSource;
                if (source == ":memory:" || builder.Mode == SqliteOpenMode.Memory)
                {
                    return new DatabaseTarget(DatabaseProvider.Sqlite, builder.ConnectionString, null);
                }

                var path = Path.GetFullPath(source);
                builder.DataSource = path;
                return new DatabaseTarget(DatabaseProvider.Sqlite, builder.ConnectionString, path);
            }
            catch (ArgumentException ex)
            {
                throw new FormatException($"无法解析 SQLite 连接串: {ex.Message}", ex);
            }
        }

        throw new FormatException($"无法识别的数据库连接串（应为 SQLite 文件路径、\"Data Source=…\" 或 PostgreSQL 的 \"Host=…;Database=…\"）: {Redact(text)}");
    }

    public static DatabaseTarget ForSqliteFile(string path)
    {
        var full = Path.GetFullPath(path);
        var builder = new SqliteConnectionStringBuilder { DataSource = full, Pooling = false };
        return new DatabaseTarget(DatabaseProvider.Sqlite, builder.ConnectionString, full);
    }

    private static HashSet<string> KeysOf(string text) =>
        text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => part.Split('=', 2)[0].Trim().ToLowerInvariant())
            .ToHashSet();

    private static string Redact(string text) =>
        string.Join(';', text.Split(';').Select(part => part.TrimStart().StartsWith("password", StringComparison.OrdinalIgnoreCase) ? "Password=***" : part));
}
