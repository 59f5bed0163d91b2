using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace MedGuard.Server.Tests;

/// <summary>
/// 期限与逾期: every open deadline reachable 50 a page (it listed the 300 most urgent of 562 on one page and hid the
/// upcoming ones), counts per status, and filters by status, kind, institution and — for regulators — region.
/// </summary>
public sealed partial class DeadlinesPageTests
{
    [GeneratedRegex("<tr class=\"[^\"]*\">(.*?)</tr>", RegexOptions.Singleline)]
    private static partial Regex Row();

    private static List<string[]> Rows(string html) =>
        [.. Row().Matches(html).Select(m => Regex.Matches(m.Groups[1].Value, "<td[^>]*>(.*?)</td>", RegexOptions.Singleline).Select(c => PageText.Visible(c.Groups[1].Value)).ToArray())];

    private static int Count(string html, string id) => int.Parse(Regex.Match(html, $"id=\"{id}\">(\\d+)<").Groups[1].Value, CultureInfo.InvariantCulture);

    [Fact]
    public async Task UpcomingDeadlinesArePagedCountedAndFiltered()
    {
        await using var platform = await PlatformFixture.StartAsync(DatabaseKind.Sqlite);
        using var regulator = await ApiClient.LoginAsync(platform, "regulator");

        var (status, all) = await regulator.SendAsync(HttpMethod.Get, "/deadlines");
        Assert.Equal(HttpStatusCode.OK, status);
        var today = DateOnly.Parse(Regex.Match(all, @"截至 (\d{4}-\d{2}-\d{2})").Groups[1].Value, CultureInfo.InvariantCulture);
        var (overdue, soon, total) = (Count(all, "overdue-count"), Count(all, "soon-count"), Count(all, "all-count"));
        Assert.True(total > 300, $"全部待办 {total} 项");
        Assert.True(soon > 0 && overdue > 0, $"逾期 {overdue}，90 天内 {soon}");
        Assert.Equal(50, Rows(all).Count);
        Assert.Contains("下一页", all, StringComparison.Ordinal);

        // The last page holds the far-off deadlines the old page never showed.
        var lastPage = (total + 49) / 50;
        var (_, last) = await regulator.SendAsync(HttpMethod.Get, $"/deadlines?status=all&p={lastPage}");
        var lastRows = Rows(last);
        Assert.Equal(total - ((lastPage - 1) * 50), lastRows.Count);
        Assert.All(lastRows, r => Assert.Equal("待办", r[5]));
        Assert.DoesNotContain("下一页", last, StringComparison.Ordinal);

        // Due within 90 days: exactly the counted rows, every one open and dated within the window.
        var (_, soonPage) = await regulator.SendAsync(HttpMethod.Get, "/deadlines?status=soon");
        Assert.Contains($"共 {soon} 项", soonPage, StringComparison.Ordinal);
        Assert.All(Rows(soonPage), r =>
        {
            Assert.Equal("待办", r[5]);
            Assert.InRange(DateOnly.Parse(r[4], CultureInfo.InvariantCulture), DateOnly.MinValue, today.AddDays(90));
        });
        var (_, wider) = await regulator.SendAsync(HttpMethod.Get, "/deadlines?status=soon&days=365");
        Assert.True(Count(wider, "soon-count") > soon);

        var (_, overduePage) = await regulator.SendAsync(HttpMethod.Get, "/deadlines?status=overdue");
        Assert.All(Rows(overduePage), r => Assert.Equal("已逾期", r[5]));

        // Kind, region and institution filters narrow the list and the counts.
        var (_, filings) = await regulator.SendAsync(HttpMethod.Get, "/deadlines?kind=Filing");
        Assert.All(Rows(filings), r => Assert.Equal("公安机关备案", r[3]));
        Assert.True(Count(filings, "all-count") < total);

        Assert.Contains("<option value=\"110108\">北京市海淀区</option>", all, StringComparison.Ordinal);
        var (_, haidian) = await regulator.SendAsync(HttpMethod.Get, "/deadlines?region=110108");
        var haidianTotal = Count(haidian, "all-count");
        Assert.InRange(haidianTotal, 1, total - 1);

        var institution = Rows(all)[0][1];
        var (_, one) = await regulator.SendAsync(HttpMethod.Get, "/deadlines?q=" + Uri.EscapeDataString(institution));
        Assert.All(Rows(one), r => Assert.Contains(institution, r[1], StringComparison.Ordinal));

        // A hospital sees only its own deadlines, with no region or institution filter to choose.
        using var hospital = await ApiClient.LoginAsync(platform, "hospital");
        var (_, own) = await hospital.SendAsync(HttpMethod.Get, "/deadlines");
        Assert.DoesNotContain("name=\"region\"", own, StringComparison.Ordinal);
        Assert.DoesNotContain("name=\"q\"", own, StringComparison.Ordinal);
        Assert.All(Rows(own), r => Assert.Equal("首都医学中心", r[1]));
    }
}
