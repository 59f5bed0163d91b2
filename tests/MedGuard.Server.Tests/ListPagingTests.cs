using System.Net;

namespace MedGuard.Server.Tests;

/// <summary>The list pages (机构、系统) show 50 rows a page with previous/next links that follow the total.</summary>
public sealed class ListPagingTests
{
    [Fact]
    public async Task InstitutionsAndSystemsPageThroughTheDemoProvince()
    {
        await using var platform = await PlatformFixture.StartAsync(DatabaseKind.Sqlite);
        using var regulator = await ApiClient.LoginAsync(platform, "regulator");

        var (status, first) = await regulator.SendAsync(HttpMethod.Get, "/Institutions");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("第 1 页", first, StringComparison.Ordinal);
        Assert.Contains("下一页", first, StringComparison.Ordinal);     // ~300 institutions: more than one page
        Assert.DoesNotContain("上一页", first, StringComparison.Ordinal);

        var (_, second) = await regulator.SendAsync(HttpMethod.Get, "/Institutions?p=2");
        Assert.Contains("第 2 页", second, StringComparison.Ordinal);
        Assert.Contains("上一页", second, StringComparison.Ordinal);

        var (_, beyond) = await regulator.SendAsync(HttpMethod.Get, "/Institutions?p=999");
        Assert.DoesNotContain("下一页", beyond, StringComparison.Ordinal);

        var (_, belowOne) = await regulator.SendAsync(HttpMethod.Get, "/Systems?p=-3");
        Assert.Contains("第 1 页", belowOne, StringComparison.Ordinal); // clamped, not an error
        Assert.Contains("下一页", belowOne, StringComparison.Ordinal);
    }
}
