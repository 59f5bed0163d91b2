namespace MedGuard.Domain.Scope;

/// <summary>
/// A WeChat official account (公众号), mini-program (小程序) or H5 booking entry authorized for detection, by its
/// name, its AppID, or both (DOMAIN.md: the report's remote detection covers 公众号 as well as sites and apps).
/// </summary>
public sealed record OfficialAccount(string? Name, string? AppId)
{
    public bool Matches(string nameOrAppId) =>
        string.Equals(Name, nameOrAppId, StringComparison.Ordinal)
        || string.Equals(AppId, nameOrAppId, StringComparison.OrdinalIgnoreCase);

    public override string ToString() => (Name, AppId) switch
    {
        ({ } n, { } a) => $"{n}({a})",
        ({ } n, null) => n,
        (null, { } a) => a,
        _ => "",
    };
}
