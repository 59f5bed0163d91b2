using MedGuard.Detection.Logic.Yaml;

namespace MedGuard.Detection.Logic.Profiles;

/// <summary>
/// A test identity the hospital lent us (测试账号): static headers or cookies, and/or login variables for the profile's
/// login recipe (<c>loginCode: TEST_PATIENT_A</c>), which can also log in again when the session expires mid-run.
/// </summary>
public sealed record TestIdentity(string Name)
{
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    public string? Cookies { get; init; }

    public IReadOnlyList<KeyValuePair<string, string>> Login { get; init; } = [];

    public bool CanLogIn => Login.Count > 0;
}

/// <summary>The identities file: <c>identities: { A: { login: { loginCode: … } }, B: { headers: { token: … } } }</c>.</summary>
public static class IdentitySet
{
    public static IReadOnlyList<TestIdentity> Load(string path) => Parse(SafeYamlReader.Load(path));

    public static IReadOnlyList<TestIdentity> Parse(string text, string source) => Parse(SafeYamlReader.Read(text, source));

    private static IReadOnlyList<TestIdentity> Parse(YamlNode root)
    {
        var map = (root as YamlMap ?? throw root.Error("身份文件应以 identities: 开头")).Allow("身份文件", "identities");
        var ids = map.MapAt("identities") ?? throw map.Error("身份文件缺少 identities");
        var list = new List<TestIdentity>();
        foreach (var (name, value) in ids.Entries)
        {
            if (name.Value == "anonymous")
            {
                throw name.Error("anonymous 是保留名（不带任何凭据的请求），不能用作身份名");
            }

            var m = (value as YamlMap ?? throw value.Error($"身份 {name.Value} 应包含 headers、cookies 或 login")).Allow($"身份 {name.Value} ", "headers", "cookies", "login");
            var identity = new TestIdentity(name.Value)
            {
                Headers = m.Pairs("headers"),
                Cookies = m.Text("cookies"),
                Login = m.Pairs("login"),
            };
            if (identity.Headers.Count == 0 && identity.Cookies is null && !identity.CanLogIn)
            {
                throw value.Error($"身份 {name.Value} 没有任何凭据（headers、cookies 或 login）");
            }

            list.Add(identity);
        }

        return list.Count > 0 ? list : throw ids.Error("identities 为空");
    }
}
