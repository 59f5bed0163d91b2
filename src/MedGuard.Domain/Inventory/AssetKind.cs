namespace MedGuard.Domain.Inventory;

/// <summary>What kind of thing an asset (资产) is: what detectors look at, and how its value is written.</summary>
public enum AssetKind
{
    Ip = 1,      // IP地址: one address or a CIDR range
    Origin = 2,  // 网站: https://host[:port], or a bare host name
    App = 3,     // App: an Android package name
    Account = 4, // 公众号: a WeChat official account, mini-program or H5 booking entry
}

public static class AssetKindNames
{
    public static string ToChinese(this AssetKind kind) => kind switch
    {
        AssetKind.Ip => "IP地址",
        AssetKind.Origin => "网站",
        AssetKind.App => "App",
        AssetKind.Account => "公众号",
        _ => kind.ToString(),
    };

    /// <summary>Parses ip/origin/app/account (any case) or the Chinese names.</summary>
    public static bool TryParse(string? text, out AssetKind kind)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "ip": case "ip地址": case "cidr": kind = AssetKind.Ip; return true;
            case "origin": case "网站": case "web": case "host": kind = AssetKind.Origin; return true;
            case "app": case "apk": kind = AssetKind.App; return true;
            case "account": case "公众号": case "小程序": kind = AssetKind.Account; return true;
            default: kind = default; return false;
        }
    }
}
