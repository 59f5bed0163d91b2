using System.Reflection;

namespace MedGuard.Domain.Institutions;

/// <summary>
/// Names of 行政区划 codes (administrative regions, GB/T 2260): pages show 北京市 / 海淀区, not "11" / "110108", and the
/// platform and the command line accept only a code the table knows when an institution is registered. The table is
/// embedded data (Institutions/Data/regions.tsv), shared by every host; an unknown code is shown as the code itself
/// rather than hidden.
/// </summary>
public static class AdministrativeRegions
{
    private static readonly Lazy<IReadOnlyDictionary<string, string>> Table = new(Load);

    /// <summary>The region's own name (海淀区), or null when the table does not know the code.</summary>
    public static string? Find(string? code) =>
        code is { Length: > 0 } c && Table.Value.TryGetValue(c.Trim(), out var name) ? name : null;

    /// <summary>Every code the table knows (generators pick real regions from it).</summary>
    public static IReadOnlyCollection<string> Codes => (IReadOnlyCollection<string>)Table.Value.Keys;

    /// <summary>Whether the table knows the code (a registered institution's region must be one).</summary>
    public static bool IsKnown(string? code) => Find(code) is not null;

    /// <summary>The region's own name, or the code when unknown.</summary>
    public static string Name(string? code) => Find(code) ?? code ?? "";

    /// <summary>The name with its province in front (北京市海淀区), or the code when unknown.</summary>
    public static string FullName(string? code)
    {
        if (Find(code) is not { } name)
        {
            return code ?? "";
        }

        var province = code!.Trim().Length > 2 ? Find(code.Trim()[..2]) : null;
        return province is null || name.StartsWith(province, StringComparison.Ordinal) ? name : province + name;
    }

    private static Dictionary<string, string> Load()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("MedGuard.Domain.Institutions.Data.regions.tsv")
            ?? throw new InvalidOperationException("缺少内嵌的行政区划表 regions.tsv");
        using var reader = new StreamReader(stream);
        var table = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var parts = line.Split('\t');
            table[parts[0].Trim()] = parts[1].Trim();
        }

        return table;
    }
}
