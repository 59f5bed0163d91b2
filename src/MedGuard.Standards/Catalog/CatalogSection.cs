namespace MedGuard.Standards.Catalog;

/// <summary>
/// Parts of GB/T 22239-2019: the general requirements (安全通用要求) and the extensions (安全扩展要求). The number is
/// the clause's second digit (8.1 general, 8.2 cloud…) and the digit after the category in GB/T 28448 unit codes.
/// </summary>
public enum CatalogSection
{
    General = 1,  // 安全通用要求
    Cloud = 2,    // 云计算安全扩展要求
    Mobile = 3,   // 移动互联安全扩展要求
    Iot = 4,      // 物联网安全扩展要求
    Ics = 5,      // 工业控制系统安全扩展要求
    BigData = 6,  // 大数据安全扩展要求 (附录H; "6" in codes is our convention)
}

public static class CatalogSections
{
    public static readonly CatalogSection[] Extensions =
        [CatalogSection.Cloud, CatalogSection.Mobile, CatalogSection.Iot, CatalogSection.Ics, CatalogSection.BigData];

    public static string ChineseName(this CatalogSection section) => section switch
    {
        CatalogSection.General => "安全通用要求",
        CatalogSection.Cloud => "云计算",
        CatalogSection.Mobile => "移动互联",
        CatalogSection.Iot => "物联网",
        CatalogSection.Ics => "工业控制",
        CatalogSection.BigData => "大数据",
        _ => throw new ArgumentOutOfRangeException(nameof(section)),
    };

    public static string FolderName(this CatalogSection section) => section switch
    {
        CatalogSection.General => "general",
        CatalogSection.Cloud => "cloud",
        CatalogSection.Mobile => "mobile",
        CatalogSection.Iot => "iot",
        CatalogSection.Ics => "ics",
        CatalogSection.BigData => "bigdata",
        _ => throw new ArgumentOutOfRangeException(nameof(section)),
    };

    public static bool TryParseFolder(string folder, out CatalogSection section)
    {
        foreach (var candidate in Enum.GetValues<CatalogSection>())
        {
            if (candidate.FolderName() == folder)
            {
                section = candidate;
                return true;
            }
        }

        section = default;
        return false;
    }

    /// <summary>Accepts 云计算 / cloud / 工业控制系统 / ics… as a user would type an extension name.</summary>
    public static CatalogSection ParseExtension(string text)
    {
        var t = text.Trim();
        foreach (var section in Extensions)
        {
            if (t == section.ChineseName() || t.Equals(section.FolderName(), StringComparison.OrdinalIgnoreCase)
                || (section == CatalogSection.Ics && t is "工业控制系统")
                || (section == CatalogSection.Mobile && t is "移动互联网"))
            {
                return section;
            }
        }

        throw new FormatException($"未知的扩展要求 '{text}'（应为 云计算/移动互联/物联网/工业控制/大数据）");
    }
}
