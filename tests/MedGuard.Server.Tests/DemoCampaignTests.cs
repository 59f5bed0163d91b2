using MedGuard.Domain.Findings;
using MedGuard.Server.Demo;
using MedGuard.Storage.Providers;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Server.Tests;

/// <summary>
/// The demo province's remote detection (DemoCampaign) arrives through the importer with the shape of the report's
/// campaign (DOMAIN.md §6): counted here straight from the findings table, on both databases.
/// </summary>
public sealed class DemoCampaignTests
{
    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task TheDemoCampaignHasTheReportsShape(DatabaseKind kind)
    {
        await using var platform = await PlatformFixture.StartAsync(kind);
        await using var db = MedGuardContextFactory.Create(platform.Target);
        var data = DemoCampaign.Read();
        var affiliated = data.Institutions.Select(i => i.Name).ToList();
        var ids = await db.Institutions.Where(i => affiliated.Contains(i.Name)).Select(i => i.Id).ToListAsync();
        Assert.Equal(21, ids.Count); // with the demo hospital's own scan: the report's 22 units
        var findings = db.Findings.Where(f => ids.Contains(f.InstitutionId));

        // Websites: 63 vulnerabilities of 18 kinds on 22 domains of 15 hospitals, 13 high / 6 medium / 44 low, the
        // high ones on 3 servers.
        var web = await findings.Where(f => f.Detector == "web").Select(f => new { f.RuleId, f.Origin, f.InstitutionId, f.Severity }).ToListAsync();
        Assert.Equal(63, web.Count);
        Assert.Equal(18, web.Select(f => f.RuleId).Distinct().Count());
        Assert.Equal(22, web.Select(f => f.Origin).Distinct().Count());
        Assert.Equal(15, web.Select(f => f.InstitutionId).Distinct().Count());
        Assert.Equal([13, 6, 44], new[] { Severity.High, Severity.Medium, Severity.Low }.Select(s => web.Count(f => f.Severity == s)));
        Assert.Equal(3, web.Where(f => f.Severity == Severity.High).Select(f => f.Origin).Distinct().Count());
        Assert.Contains(web, f => f.RuleId == "sqli" && f.Origin == "https://www.jhyy-demo.cn");

        // Ports: the port policy, not the data, decides: 3 servers with high-risk ports, 3389 among them; 80 and 443
        // alone are no finding.
        var ports = await findings.Where(f => f.Detector == "ports").Select(f => new { f.Host, f.Port, f.Severity }).ToListAsync();
        Assert.Equal(3, ports.Where(f => f.Severity == Severity.High).Select(f => f.Host).Distinct().Count());
        Assert.Contains(ports, f => f.Port == 3389 && f.Severity == Severity.High);
        Assert.DoesNotContain(ports, f => f.Port is 80 or 443);

        // Apps: 4, each counted per risk kind as the data lists it (one finding per location).
        var apps = await findings.Where(f => f.Detector == "apk").GroupBy(f => new { f.Package, f.RuleId }).Select(g => new { g.Key.Package, g.Key.RuleId, Count = g.Count() }).ToListAsync();
        Assert.Equal(4, apps.Select(a => a.Package).Distinct().Count());
        foreach (var app in data.Institutions.SelectMany(i => i.Apps))
        {
            foreach (var (rule, count) in app.Risks)
            {
                Assert.Equal(count, apps.Single(a => a.Package == app.Package && a.RuleId == rule).Count);
            }
        }

        // Official accounts: the report's kinds of booking risk, filed under the account with the endpoint.
        var logic = await findings.Where(f => f.Detector == "logic").Select(f => new { f.RuleId, f.Account, f.Endpoint }).ToListAsync();
        Assert.Equal(
            ["logic-bola-cancel-swapped", "logic-error-page-leak", "logic-scalping-burst", "logic-scalping-no-captcha", "logic-window-unlisted-schedule"],
            logic.Select(f => f.RuleId).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(4, logic.Select(f => f.Account).Distinct().Count());
        Assert.Contains(logic, f => f.RuleId == "logic-bola-cancel-swapped" && f.Account == "京华医院服务号" && f.Endpoint == "POST /api/booking/cancel");

        // Every demo asset sits in the demo zone: its made-up address is never scanned.
        Assert.False(await db.Assets.AnyAsync(a => ids.Contains(a.InstitutionId) && a.Zone != Domain.Inventory.NetworkZone.Demo));
    }
}
