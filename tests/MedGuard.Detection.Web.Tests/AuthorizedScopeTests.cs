using MedGuard.Domain.Scope;

namespace MedGuard.Detection.Web.Tests;

public sealed class AuthorizedScopeTests
{
    [Fact]
    public void OnlyRegisteredHostsAndPortsAreAllowed()
    {
        var scope = AuthorizedScope.Parse("targets:\n  - host: 127.0.0.1\n    ports: [8080]\n  - host: '*.hospital.test'\n", "scope.yaml");
        Assert.True(scope.Permits(new Uri("http://127.0.0.1:8080/a")));
        Assert.False(scope.Permits(new Uri("http://127.0.0.1:8081/a")));
        Assert.False(scope.Permits(new Uri("http://127.0.0.2:8080/a")));
        Assert.True(scope.Permits(new Uri("https://www.hospital.test/")));
        Assert.False(scope.Permits(new Uri("https://www.hospital.test:8443/")));
        Assert.False(scope.Permits(new Uri("https://hospital.test.evil.invalid/")));
        Assert.False(scope.Permits(new Uri("ftp://127.0.0.1:8080/")));
    }

    [Theory]
    [InlineData("targets: []", "缺少 targets")]
    [InlineData("targets:\n  - host: http://x/\n", "主机名")]
    [InlineData("targets:\n  - host: a\n    ports: [70000]\n", "端口")]
    [InlineData("targets:\n  - host: [a\n", "scope.yaml:3: YAML 语法错误")]
    public void BadScopeFilesGiveAClearError(string yaml, string expected)
    {
        var ex = Assert.Throws<ScopeException>(() => AuthorizedScope.Parse(yaml, "scope.yaml"));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Contains("scope.yaml", ex.Message, StringComparison.Ordinal);
    }
}
