using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace MedGuard.Detection.Web.Active;

/// <summary>One database's error signatures, with the examples that must (not) match run as tests.</summary>
public sealed record SqlErrorSignature(string Dbms, IReadOnlyList<Regex> Patterns, IReadOnlyList<string> Positive, IReadOnlyList<string> Negative)
{
    public bool Matches(string text)
    {
        foreach (var p in Patterns)
        {
            try
            {
                if (p.IsMatch(text))
                {
                    return true;
                }
            }
            catch (RegexMatchTimeoutException)
            {
            }
        }

        return false;
    }
}

/// <summary>Loads the embedded database error signatures (Oracle, MSSQL, MySQL/MariaDB, PostgreSQL, SQLite).</summary>
public static class SqlErrorSignatures
{
    private const string Resource = "MedGuard.Web.Active.sql-errors.yaml";

    private static readonly Lazy<IReadOnlyList<SqlErrorSignature>> Bundled = new(() =>
    {
        using var stream = typeof(SqlErrorSignatures).Assembly.GetManifestResourceStream(Resource)
                           ?? throw new InvalidDataException($"缺少内置资源 {Resource}");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd(), "sql-errors.yaml");
    });

    public static IReadOnlyList<SqlErrorSignature> All => Bundled.Value;

    /// <summary>The database whose error shows in <paramref name="text"/>, or null.</summary>
    public static string? Identify(string text) => All.FirstOrDefault(s => s.Matches(text))?.Dbms;

    public static IReadOnlyList<SqlErrorSignature> Parse(string yaml, string source)
    {
        List<Dto> dtos;
        try
        {
            dtos = new DeserializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).Build()
                .Deserialize<List<Dto>>(yaml) ?? [];
        }
        catch (YamlException ex)
        {
            throw new InvalidDataException($"{source} 第 {ex.Start.Line} 行：{ex.InnerException?.Message ?? ex.Message}", ex);
        }

        return [.. dtos.Select(d =>
        {
            if (string.IsNullOrWhiteSpace(d.Dbms) || d.Patterns is not { Count: > 0 })
            {
                throw new InvalidDataException($"{source}：每个数据库需要 dbms 和 patterns");
            }

            var patterns = d.Patterns.Select(p =>
            {
                try
                {
                    return new Regex(p, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
                }
                catch (ArgumentException ex)
                {
                    throw new InvalidDataException($"{source}：{d.Dbms} 的正则 '{p}' 无法编译：{ex.Message}");
                }
            }).ToList();
            return new SqlErrorSignature(d.Dbms, patterns, d.Examples?.Positive ?? [], d.Examples?.Negative ?? []);
        })];
    }

    private sealed class Dto
    {
        public string? Dbms { get; set; }
        public List<string>? Patterns { get; set; }
        public ExamplesDto? Examples { get; set; }
    }

    private sealed class ExamplesDto
    {
        public List<string>? Positive { get; set; }
        public List<string>? Negative { get; set; }
    }
}
