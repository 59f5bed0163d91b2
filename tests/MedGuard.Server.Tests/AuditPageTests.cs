using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using MedGuard.Storage.Auditing;
using MedGuard.Storage.Providers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MedGuard.Server.Tests;

/// <summary>
/// 审计日志 as an administrator reads it: actions and object kinds in Chinese, times in China Standard Time, object
/// names instead of ids, 50 entries a page, filtered by user, action and day.
/// </summary>
public sealed class AuditPageTests
{
    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task ActionsInChineseLocalTimeObjectNamesPagingAndFilters(DatabaseKind kind)
    {
        await using var platform = await PlatformFixture.StartAsync(kind);
        // A failed login (audited as login-failed), then 60 changes of a demo system recorded through the chain.
        using (var anonymous = ApiClient.Anonymous(platform))
        {
            await anonymous.SendAsync(HttpMethod.Post, "/api/session", new { userName = "nobody", password = "Wrong-Pass-123" });
        }

        Guid systemId;
        string systemName;
        await using (var db = MedGuardContextFactory.Create(platform.Target))
        {
            (systemId, systemName) = await db.Systems.OrderBy(s => s.Name).Select(s => new ValueTuple<Guid, string>(s.Id, s.Name)).FirstAsync();
        }

        var trail = platform.App.Services.GetRequiredService<AuditTrail>();
        await trail.RecordAsync([.. Enumerable.Range(0, 60).Select(i => new AuditEvent("update", "ProtectedSystem", systemId.ToString(), "字段: Name,InternetFacing") { UserName = "tester" })]);
        // The change auditor's own format already names each field beside its label: shown as written, not re-labelled.
        await trail.RecordAsync(new AuditEvent("update", "RectificationItem", null, "变更 整改期限(DueOn): 2026-07-01 → 2026-08-01") { UserName = "reviewer" });
        using var admin = await ApiClient.LoginAsync(platform, "admin");

        var (status, html) = await admin.SendAsync(HttpMethod.Get, "/audit");
        Assert.Equal(HttpStatusCode.OK, status);
        var table = PageText.Visible(Regex.Match(html, "<table.*?</table>", RegexOptions.Singleline).Value);
        Assert.Contains("时间（北京时间）", table, StringComparison.Ordinal);
        Assert.Contains(" 登录 ", table, StringComparison.Ordinal);                     // the admin's own login
        Assert.Contains($"修改 定级对象 {systemName}（", table, StringComparison.Ordinal); // the name (and its institution), not the id
        Assert.Contains("字段: 名称,互联网可访问", table, StringComparison.Ordinal);       // fields in Chinese, not property names
        Assert.Contains("变更 整改期限(DueOn): 2026-07-01 → 2026-08-01", table, StringComparison.Ordinal);
        Assert.DoesNotContain(systemId.ToString(), table, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(@"(?<![a-z-])(update|login|create)(?![a-z-])", table);
        Assert.Equal(50, Regex.Matches(html, "<tr><td>").Count);
        Assert.Contains("下一页", html, StringComparison.Ordinal);

        // Times: the newest entry's UTC timestamp, shown at +08:00 as yyyy-MM-dd HH:mm:ss.
        await using (var db = MedGuardContextFactory.Create(platform.Target))
        {
            var newest = await db.AuditEntries.OrderByDescending(e => e.Sequence).FirstAsync();
            var local = DateTime.SpecifyKind(newest.Timestamp, DateTimeKind.Utc).AddHours(8).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            Assert.Contains($"<tr><td>{newest.Sequence}</td><td class=\"text-nowrap\">{local}</td>", html, StringComparison.Ordinal);
        }

        // Filters: by action, by user, by day (China Standard Time).
        var (_, failed) = await admin.SendAsync(HttpMethod.Get, "/audit?action=login-failed");
        var failedRows = Regex.Matches(failed, "<tr><td>.*?</tr>", RegexOptions.Singleline).Select(m => PageText.Visible(m.Value)).ToList();
        Assert.NotEmpty(failedRows);
        Assert.All(failedRows, r => Assert.Contains("登录失败", r, StringComparison.Ordinal));

        var (_, tester) = await admin.SendAsync(HttpMethod.Get, "/audit?user=tester&p=2");
        Assert.Contains("共 <span id=\"audit-total\">60</span> 条", tester, StringComparison.Ordinal);
        Assert.Equal(10, Regex.Matches(tester, "<tr><td>").Count);
        Assert.Contains("上一页", tester, StringComparison.Ordinal);
        Assert.Contains("user=tester", tester, StringComparison.Ordinal);               // paging keeps the filter

        var chinaToday = DateTime.UtcNow.AddHours(8).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var chinaTomorrow = DateTime.UtcNow.AddHours(8).AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var (_, today) = await admin.SendAsync(HttpMethod.Get, $"/audit?user=tester&from={chinaToday}&to={chinaToday}");
        Assert.Contains("<span id=\"audit-total\">60</span>", today, StringComparison.Ordinal);
        var (_, future) = await admin.SendAsync(HttpMethod.Get, $"/audit?user=tester&from={chinaTomorrow}");
        Assert.Contains("<span id=\"audit-total\">0</span>", future, StringComparison.Ordinal);
    }
}
