using System.Net;
using MedGuard.Domain.Scope;

namespace MedGuard.Domain.Tests.Scope;

public sealed class ScopeFileTests
{
    private static readonly Func<string, IPAddress[]> Dns = name => name switch
    {
        "pacs.hospital.test" => [IPAddress.Parse("10.200.9.5"), IPAddress.Parse("fd00:c8:9::5")],
        _ => throw new System.Net.Sockets.SocketException(11001),
    };

    private const string NewFormat = """
        # 授权范围 (docs/scope.md)
        addresses:
          - 10.200.1.0/24          # PACS 网段
          - 10.200.2.7
          - 10.200.3.10-10.200.3.20
          - fd00:c8:1::/120
        hosts: [pacs.hospital.test]
        origins:
          - http://127.0.0.1:8080
          - "*.hospital.test:443"
          - https://his.hospital.test
        apps: [com.example.hospital]
        accounts:
          - name: 某某医院服务号
            appId: wx1234567890abcdef
        maxRatePerHost: 50
        window:
          daily: "22:00-06:00"
          validFrom: 2026-12-01
          validUntil: 2027-02-28
        """;

    [Fact]
    public void NewFormatCarriesEveryKindOfEntry()
    {
        var scope = AuthorizedScope.Parse(NewFormat, "scope.yaml", resolve: Dns);
        Assert.True(scope.Permits(IPAddress.Parse("10.200.1.200")));
        Assert.True(scope.Permits(IPAddress.Parse("10.200.9.5")));
        Assert.True(scope.Permits(IPAddress.Parse("fd00:c8:9::5")));
        Assert.False(scope.Permits(IPAddress.Parse("10.200.2.8")));
        Assert.Contains("pacs.hospital.test", scope.HostNames);
        Assert.True(scope.Permits(new Uri("http://127.0.0.1:8080/login")));
        Assert.False(scope.Permits(new Uri("https://127.0.0.1:8080/login")));      // scheme given: http only
        Assert.True(scope.Permits(new Uri("http://www.hospital.test:443/")));       // no scheme: http and https
        Assert.True(scope.Permits(new Uri("https://his.hospital.test/a")));
        Assert.False(scope.Permits(new Uri("http://his.hospital.test/a")));
        Assert.True(scope.PermitsPackage("com.example.hospital"));
        Assert.False(scope.PermitsPackage("com.example.other"));
        Assert.True(scope.PermitsAccount("wx1234567890abcdef"));
        Assert.True(scope.PermitsAccount("某某医院服务号"));
        Assert.Equal(50, scope.MaxRatePerHost);
        Assert.Equal(50, scope.CapRatePerHost(100));
        Assert.Equal(50, scope.CapRatePerHost(0));
        Assert.Equal(20, scope.CapRatePerHost(20));
    }

    [Fact]
    public void TheWindowIsChinaTimeAndTheValidityIsChecked()
    {
        var scope = AuthorizedScope.Parse(NewFormat, "scope.yaml", resolve: Dns);
        Assert.Null(scope.TimeRefusal(new DateTimeOffset(2026, 12, 10, 15, 0, 0, TimeSpan.Zero)));   // 23:00 Beijing
        Assert.Null(scope.TimeRefusal(new DateTimeOffset(2026, 12, 10, 21, 30, 0, TimeSpan.Zero)));  // 05:30 next day
        Assert.Contains("不在允许检测时段", scope.TimeRefusal(new DateTimeOffset(2026, 12, 10, 2, 0, 0, TimeSpan.Zero)));  // 10:00
        Assert.Contains("到期", scope.TimeRefusal(new DateTimeOffset(2027, 3, 1, 15, 0, 0, TimeSpan.Zero)));
        Assert.Contains("尚未生效", scope.TimeRefusal(new DateTimeOffset(2026, 11, 30, 15, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void ThePortTextFormatLoadsToTheSameScopeAsItsYaml()
    {
        var text = "# 授权范围\n10.200.1.0/24   # PACS 网段\n\n10.200.2.7\n10.200.3.10-10.200.3.20\nfd00:c8:1::/120\npacs.hospital.test\n";
        var yaml = "addresses: [10.200.1.0/24, 10.200.2.7, 10.200.3.10-10.200.3.20, \"fd00:c8:1::/120\"]\nhosts: [pacs.hospital.test]\n";
        var old = AuthorizedScope.Parse(text, "scope.txt", resolve: Dns);
        var now = AuthorizedScope.Parse(yaml, "scope.yaml", resolve: Dns);
        Assert.Equal(now.Entries(), old.Entries());
        Assert.Equal(now.Ranges, old.Ranges);
        Assert.Equal(now.HostNames, old.HostNames);
    }

    [Fact]
    public void TheWebTargetsFormatLoadsToTheSameScopeAsItsYaml()
    {
        var targets = "targets:\n  - host: 127.0.0.1\n    ports: [8080]\n  - host: '*.hospital.test'\n";
        var yaml = "origins: [\"127.0.0.1:8080\", \"*.hospital.test:80\", \"*.hospital.test:443\"]\n";
        var old = AuthorizedScope.Parse(targets, "scope.yaml");
        var now = AuthorizedScope.Parse(yaml, "scope.yaml");
        Assert.Equal(now.Entries(), old.Entries());
        foreach (var url in new[] { "http://127.0.0.1:8080/", "https://127.0.0.1:8080/", "https://www.hospital.test/", "http://a.hospital.test/", "https://hospital.test/", "http://127.0.0.1:8081/" })
        {
            Assert.Equal(now.Permits(new Uri(url)), old.Permits(new Uri(url)));
        }
    }

    [Fact]
    public void ALegacyFileMixedWithNewKeysSaysHowToConvert()
    {
        var ex = Assert.Throws<ScopeException>(() => AuthorizedScope.Parse("targets:\n  - host: a.test\naddresses: [10.0.0.1]\n", "s.yaml"));
        Assert.Contains("origins", ex.Message, StringComparison.Ordinal);
        Assert.Contains("s.yaml:3", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("addresses: 10.0.0.1\n", "s.yaml:1", "addresses 应为列表")]
    [InlineData("addresses:\n  - {a: 1}\n", "s.yaml:2", "一行文字")]
    [InlineData("addresses: [10.0.0.300]\n", "s.yaml:1", "不是 IP")]
    [InlineData("origins: [ftp://x.test:21]\n", "s.yaml:1", "只支持 http 和 https")]
    [InlineData("origins: [http://x.test/admin]\n", "s.yaml:1", "不含路径")]
    [InlineData("origins: [x.test]\n", "s.yaml:1", "必须写端口")]
    [InlineData("apps: [\"not a package\"]\n", "s.yaml:1", "包名")]
    [InlineData("maxRatePerHost: fast\n", "s.yaml:1", "正数")]
    [InlineData("maxRatePerHost: [1]\n", "s.yaml:1", "正数")]
    [InlineData("window:\n  daily: always\n", "s.yaml:2", "22:00-06:00")]
    [InlineData("adresses: [10.0.0.1]\n", "s.yaml:1", "未知的键 'adresses'")]
    [InlineData("hosts: [unknown.invalid]\n", "s.yaml:1", "无法解析主机名")]
    [InlineData("- 10.0.0.1\n", "s.yaml:1", "addresses:")]
    [InlineData("addresses: [10.0.0.1]\n---\naddresses: [10.0.0.2]\n", "s.yaml", "一个 YAML 文档")]
    [InlineData("addresses: [127.0.0.1\n", "s.yaml:2:", "YAML 语法错误")]
    [InlineData("addresses: []\n", "s.yaml", "授权范围为空")]
    [InlineData("addresses: [10.0.0.1]\naddresses: [10.0.0.2]\n", "s.yaml:2", "重复")]
    public void WrongTypesAndValuesNameTheLine(string yaml, string where, string what)
    {
        var ex = Assert.Throws<ScopeException>(() => AuthorizedScope.Parse(yaml, "s.yaml", resolve: Dns));
        Assert.Contains(where, ex.Message, StringComparison.Ordinal);
        Assert.Contains(what, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnAliasBombIsRefusedBeforeItExpands()
    {
        var yaml = "a: &a [\"10.0.0.1\",\"10.0.0.1\",\"10.0.0.1\",\"10.0.0.1\",\"10.0.0.1\",\"10.0.0.1\",\"10.0.0.1\",\"10.0.0.1\",\"10.0.0.1\"]\n"
            + string.Concat(Enumerable.Range(0, 8).Select(i => $"{(char)('b' + i)}: &{(char)('b' + i)} [*{(char)('a' + i)},*{(char)('a' + i)},*{(char)('a' + i)},*{(char)('a' + i)},*{(char)('a' + i)},*{(char)('a' + i)},*{(char)('a' + i)},*{(char)('a' + i)},*{(char)('a' + i)}]\n"))
            + "addresses: *i\n";
        var ex = Assert.Throws<ScopeException>(() => AuthorizedScope.Parse(yaml, "bomb.yaml"));
        Assert.Contains("锚点和别名", ex.Message, StringComparison.Ordinal);
        Assert.Contains("bomb.yaml:1", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("addresses: [\"127.0.0.1\", \"127.0.0.2\"\n")]
    [InlineData("addresses:\n  - \"127.0.0.1\n")]
    [InlineData("addresses: {a: [1, 2}\n")]
    public void BrokenSyntaxNamesFileAndLineInChinese(string yaml)
    {
        // The parser gives up on some of these without a YamlException: the message must still be ours, never .NET's.
        var ex = Assert.Throws<ScopeException>(() => AuthorizedScope.Parse(yaml, "broken.yaml"));
        Assert.StartsWith("broken.yaml:", ex.Message, StringComparison.Ordinal);
        Assert.Contains("YAML", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TwoDocumentsAreRefused()
    {
        var ex = Assert.Throws<ScopeException>(() => AuthorizedScope.Parse("addresses: [\"127.0.0.1\"]\n---\naddresses: [\"127.0.0.2\"]\n", "two.yaml"));
        Assert.Contains("只能有一个 YAML 文档", ex.Message, StringComparison.Ordinal);
        Assert.StartsWith("two.yaml:2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DeepNestingIsRefused()
    {
        var yaml = "addresses: " + new string('[', 40) + new string(']', 40) + "\n";
        var ex = Assert.Throws<ScopeException>(() => AuthorizedScope.Parse(yaml, "deep.yaml"));
        Assert.Contains("嵌套超过", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AHugeFileIsRefusedWithoutReadingIt()
    {
        var path = Path.Combine(Path.GetTempPath(), $"mg-scope-{Guid.NewGuid():N}.yaml");
        try
        {
            using (var f = File.Create(path))
            {
                f.SetLength(ScopeFile.MaxFileBytes + 1);
            }

            var ex = Assert.Throws<ScopeException>(() => AuthorizedScope.Load(path));
            Assert.Contains("过大", ex.Message, StringComparison.Ordinal);
            Assert.Throws<ScopeException>(() => AuthorizedScope.Parse(new string('#', (int)ScopeFile.MaxFileBytes + 1), "big.yaml"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ALargeAddressSpaceNeedsConsent()
    {
        var ex = Assert.Throws<ScopeException>(() => AuthorizedScope.Parse("addresses: [10.0.0.0/8]\n", "big.yaml"));
        Assert.Contains("--allow-large-scope", ex.Message, StringComparison.Ordinal);
        Assert.Equal((UInt128)(1 << 24), AuthorizedScope.Parse("addresses: [10.0.0.0/8]\n", "big.yaml", new ScopeLimits { AllowLarge = true }).AddressCount);
    }

    [Fact]
    public void AWebOnlyScopePermitsNoAddressAndAnAddressScopeNoUrl()
    {
        var web = AuthorizedScope.Parse("origins: [https://his.hospital.test]\n", "w.yaml");
        Assert.False(web.Permits(IPAddress.Parse("10.0.0.1")));
        Assert.Empty(web.Ranges);
        var ports = AuthorizedScope.Parse("addresses: [127.0.0.1]\n", "p.yaml");
        Assert.False(ports.Permits(new Uri("http://127.0.0.1/")));
    }

    [Fact]
    public void TheGuideExamplesLoadAsWritten()
    {
        var guide = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "docs", "scope.md"));
        var blocks = System.Text.RegularExpressions.Regex.Matches(guide, "```(yaml)?\n(.*?)```", System.Text.RegularExpressions.RegexOptions.Singleline)
            .Select(m => m.Groups[2].Value).ToList();
        Assert.Equal(3, blocks.Count);
        var yaml = AuthorizedScope.Parse(blocks[0], "docs/scope.md", resolve: _ => [IPAddress.Parse("10.200.9.5")]);
        Assert.True(yaml.Permits(new Uri("https://his.hospital.test/")));
        Assert.True(yaml.PermitsPackage("com.example.hospital"));
        Assert.Equal(50, yaml.MaxRatePerHost);
        var text = AuthorizedScope.Parse(blocks[1], "docs/scope.md", resolve: _ => [IPAddress.Parse("10.200.9.5")]);
        Assert.True(text.Permits(IPAddress.Parse("10.200.3.15")));
        var targets = AuthorizedScope.Parse(blocks[2], "docs/scope.md");
        Assert.True(targets.Permits(new Uri("https://a.hospital.test/")));
    }
}
