using System.Text;

namespace MedGuard.Domain.Inventory;

/// <summary>
/// 网络区域 — where an asset can be reached from (the internet, a province's private network, one hospital's LAN). The
/// job engine has one queue per zone and a worker listens on the zones it can reach (issue 14 §2). Hangfire queue names
/// allow only lowercase letters, digits and underscores, so a zone is stored in that form: <c>Zone-A</c> → <c>zone_a</c>.
/// </summary>
public static class NetworkZone
{
    public const string Default = "default";

    /// <summary>
    /// The demo province's assets (fictional addresses and sites): no worker scans this zone — a campaign's task there is
    /// refused before any packet, so trying the platform never sends traffic to whatever really answers at them.
    /// </summary>
    public const string Demo = "demo";

    /// <summary>Why a task in <see cref="Demo"/> is refused (the campaign page shows it).</summary>
    public const string DemoRefusal = "演示数据资产（网络区域 demo）：地址与网站为虚构，不做真实检测，不发送任何数据包";

    public const int MaxLength = 50;

    /// <summary>Lowercase; every character other than a-z, 0-9 and _ becomes _; empty → <see cref="Default"/>.</summary>
    public static string Normalize(string? zone)
    {
        var text = zone?.Trim() ?? "";
        if (text.Length == 0)
        {
            return Default;
        }

        if (text.Length > MaxLength)
        {
            throw new AssetValueException($"网络区域名称最多 {MaxLength} 个字符：'{text}'");
        }

        var builder = new StringBuilder(text.Length);
        foreach (var c in text.ToLowerInvariant())
        {
            builder.Append(c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' ? c : '_');
        }

        return builder.ToString();
    }
}
