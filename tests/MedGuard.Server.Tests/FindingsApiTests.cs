using System.Net;
using System.Text;
using System.Text.Json;
using MedGuard.Domain.Findings;
using MedGuard.Domain.Inventory;
using MedGuard.Domain.Systems;
using MedGuard.Server.Demo;
using MedGuard.Storage.Providers;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace MedGuard.Server.Tests;

/// <summary>
/// Detection runs through /api/findings on both databases: a real <c>apk analyze</c> and a port scan imported for the
/// demo hospital; bad input named and refused with nothing written (malformed, foreign, unregistered asset, no valid
/// authorization, imported twice, too large); evidence masked in the API and on the page (and the read audited); the
/// workflow's role rules; a later run closing what it no longer saw; and no other tenant seeing any of it.
/// </summary>
public sealed class FindingsApiTests(ITestOutputHelper output)
{
    private const string IdNumber = "110101199001011234";
    private const string Phone = "13812345678";

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task RunsAreImportedMaskedMovedAndSeenOnlyInScope(DatabaseKind kind)
    {
        await using var platform = await PlatformFixture.StartAsync(kind, o => o.MaxUploadBytes = 4 * 1024 * 1024);
        using var hospital = await ApiClient.LoginAsync(platform, "hospital");
        using var regulator = await ApiClient.LoginAsync(platform, "regulator");
        using var assessor = await ApiClient.LoginAsync(platform, "assessor");

        Guid institutionA, his;
        await using (var db = MedGuardContextFactory.Create(platform.Target))
        {
            institutionA = await db.Institutions.Where(i => i.Name == DemoProvince.DemoHospitalName).Select(i => i.Id).SingleAsync();
            his = await db.Systems.Where(s => s.InstitutionId == institutionA && s.Business == BusinessKind.His).Select(s => s.Id).SingleAsync();
        }

        // The hospital's database server serves its HIS; the authorization covers port scans only on another host.
        var dbServer = await FindingsData.RegisterAssetAsync(platform, institutionA, AssetKind.Ip, "10.77.0.5", his, "ports");
        await FindingsData.RegisterAssetAsync(platform, institutionA, AssetKind.Ip, "10.77.0.6", his, "web");
        var evidence = $"患者姓名：张三 身份证 {IdNumber} 电话 {Phone}";
        var first = FindingsData.PortRun("10.77.0.5", (3306, "ports.mysql-exposed", Severity.High, evidence), (6379, "ports.redis-exposed", Severity.Medium, null));

        // Bad input: each refused with the problem named, nothing written.
        var before = await DatabaseSnapshot.TakeAsync(platform);
        var malformed = await hospital.SendContentAsync(HttpMethod.Post, "/api/findings/import", new StringContent("{\"schemaVersion\": 1, \"detector\": ", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.Status);
        Assert.Matches("[\u4e00-\u9fa5]", malformed.Body);
        var foreign = await hospital.SendContentAsync(HttpMethod.Post, "/api/findings/import", new StringContent("{\"hello\": \"world\"}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, foreign.Status);
        Assert.Matches("[\u4e00-\u9fa5]", foreign.Body);
        var unregistered = await hospital.SendContentAsync(HttpMethod.Post, "/api/findings/import", FindingsData.JsonContent(FindingsData.PortRun("10.99.0.1", (22, "ports.ssh", Severity.Low, null))));
        Assert.Equal(HttpStatusCode.BadRequest, unregistered.Status);
        Assert.Contains("请先登记资产", unregistered.Body, StringComparison.Ordinal);
        var unauthorized = await hospital.SendContentAsync(HttpMethod.Post, "/api/findings/import", FindingsData.JsonContent(FindingsData.PortRun("10.77.0.6", (22, "ports.ssh", Severity.Low, null))));
        Assert.Equal(HttpStatusCode.BadRequest, unauthorized.Status);
        Assert.Contains("授权不含 ports 检测", unauthorized.Body, StringComparison.Ordinal);
        var huge = new byte[5 * 1024 * 1024];
        Array.Fill(huge, (byte)' ');
        var tooLarge = await hospital.SendContentAsync(HttpMethod.Post, "/api/findings/import", new ByteArrayContent(huge) { Headers = { ContentType = new("application/json") } });
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.Status);
        Assert.Contains("上限", tooLarge.Body, StringComparison.Ordinal);
        var assessorImport = await assessor.SendContentAsync(HttpMethod.Post, "/api/findings/import", FindingsData.JsonContent(first));
        Assert.Equal(HttpStatusCode.Forbidden, assessorImport.Status);
        Assert.Equal(before, await DatabaseSnapshot.TakeAsync(platform));

        // The port scan as a raw JSON body: two new findings, two rectification tasks on the HIS; the same run again is a conflict.
        var imported = await hospital.SendContentAsync(HttpMethod.Post, "/api/findings/import", FindingsData.JsonContent(first));
        Assert.True(imported.Status == HttpStatusCode.OK, imported.Body);
        var counts = JsonDocument.Parse(imported.Body).RootElement[0].GetProperty("institutions")[0];
        Assert.Equal((2, 2), (counts.GetProperty("new").GetInt32(), counts.GetProperty("rectificationsCreated").GetInt32()));
        Assert.Equal(DemoProvince.DemoHospitalName, counts.GetProperty("institution").GetString());
        var again = await hospital.SendContentAsync(HttpMethod.Post, "/api/findings/import", FindingsData.JsonContent(first));
        Assert.Equal(HttpStatusCode.Conflict, again.Status);
        Assert.Contains("已导入", again.Body, StringComparison.Ordinal);

        // A real detector's output: apk analyze of a test APK, uploaded as a file, for the hospital's app asset.
        var (apkRun, package) = FindingsData.ApkRun("diva-beta.apk");
        Assert.NotEmpty(apkRun.Findings);
        await FindingsData.RegisterAssetAsync(platform, institutionA, AssetKind.App, package, null, "apk");
        var apkImport = await hospital.SendContentAsync(HttpMethod.Post, $"/api/findings/import?institution={institutionA}",
            FindingsData.FileContent("file", "diva-beta.json", FindingsData.Json(apkRun)));
        Assert.True(apkImport.Status == HttpStatusCode.OK, apkImport.Body);
        var distinct = apkRun.Findings.Select(f => f.Fingerprint).Distinct().Count();
        Assert.Equal(distinct, JsonDocument.Parse(apkImport.Body).RootElement[0].GetProperty("institutions")[0].GetProperty("new").GetInt32());
        var apkList = await hospital.GetJsonAsync($"/api/findings?institution={institutionA}&detector=apk&pageSize=500");
        Assert.Equal(distinct, apkList.GetProperty("total").GetInt32());
        Assert.All(apkList.GetProperty("items").EnumerateArray(), f => Assert.Equal(package, f.GetProperty("asset").GetString()));
        var highList = await hospital.GetJsonAsync($"/api/findings?asset={dbServer}&detector=ports&severity=高");
        Assert.Equal(1, highList.GetProperty("total").GetInt32());
        var mysql = highList.GetProperty("items")[0].GetProperty("id").GetGuid();
        var redis = (await hospital.GetJsonAsync($"/api/findings?asset={dbServer}&severity=medium")).GetProperty("items")[0].GetProperty("id").GetGuid();

        // Evidence: masked in the API and on the page, never the plain number; the read is in the audit trail.
        var detail = await hospital.GetJsonAsync($"/api/findings/{mysql}");
        var shown = detail.GetProperty("evidence").GetProperty("banner").GetString()!;
        Assert.Contains("110101**********34", shown, StringComparison.Ordinal);
        Assert.Contains("138****5678", shown, StringComparison.Ordinal);
        Assert.DoesNotContain(IdNumber, detail.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain(Phone, detail.GetRawText(), StringComparison.Ordinal);
        Assert.Contains("L3-CES1-01", detail.GetProperty("standardRefs")[0].GetProperty("reference").GetString(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(detail.GetProperty("standardRefs")[0].GetProperty("itemName").GetString()));
        Assert.Equal("6.4.1.1", detail.GetProperty("highRiskCases")[0].GetProperty("id").GetString());
        Assert.Single(detail.GetProperty("sightings").EnumerateArray());
        Assert.DoesNotContain("accept-risk", detail.GetProperty("actions").EnumerateArray().Select(a => a.GetString()));
        var page = await hospital.SendAsync(HttpMethod.Get, $"/findings/{mysql}");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("110101**********34", page.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(IdNumber, page.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(Phone, page.Body, StringComparison.Ordinal);
        await using (var db = MedGuardContextFactory.Create(platform.Target))
        {
            Assert.True(await db.AuditEntries.AnyAsync(e => e.Action == "read-sensitive" && e.EntityType == nameof(FindingRecord) && e.EntityId == mysql.ToString()));
            var raw = await db.Findings.Where(f => f.Id == mysql).Select(f => f.EvidenceCiphertext).SingleAsync();
            Assert.DoesNotContain(IdNumber, raw!, StringComparison.Ordinal);
        }

        // The workflow: the hospital confirms but may not accept a risk; the regulator may, with a date and a reason.
        var refused = await hospital.SendAsync(HttpMethod.Post, $"/api/findings/{mysql}/status", new { action = "accept-risk", until = FindingsData.ChinaToday().AddDays(30).ToString("yyyy-MM-dd"), reason = "自行接受" });
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Ok(await hospital.SendAsync(HttpMethod.Post, $"/api/findings/{mysql}/status", new { action = "confirm" }));
        var noReason = await regulator.SendAsync(HttpMethod.Post, $"/api/findings/{mysql}/status", new { action = "accept-risk", until = FindingsData.ChinaToday().AddDays(30).ToString("yyyy-MM-dd") });
        Assert.Equal(HttpStatusCode.BadRequest, noReason.Status);
        Assert.Contains("理由", noReason.Body, StringComparison.Ordinal);
        var accepted = await regulator.SendAsync(HttpMethod.Post, $"/api/findings/{mysql}/status",
            new { action = "accept-risk", until = FindingsData.ChinaToday().AddDays(30).ToString("yyyy-MM-dd"), reason = "内网隔离，下季度迁移" });
        Ok(accepted);
        Assert.Equal(("已确认", "风险接受"), (JsonDocument.Parse(accepted.Body).RootElement.GetProperty("from").GetString(), JsonDocument.Parse(accepted.Body).RootElement.GetProperty("to").GetString()));
        var history = (await hospital.GetJsonAsync($"/api/findings/{mysql}")).GetProperty("history").EnumerateArray().Select(h => h.GetProperty("to").GetString()).ToList();
        Assert.Equal(["新发现", "已确认", "风险接受"], history);

        // A later scan of the same host without 6379: that finding is 已修复 and its rectification proposed for 复测通过.
        var second = FindingsData.PortRun("10.77.0.5", (3306, "ports.mysql-exposed", Severity.High, evidence));
        Ok(await hospital.SendContentAsync(HttpMethod.Post, "/api/findings/import", FindingsData.JsonContent(second)));
        var fixedRedis = await hospital.GetJsonAsync($"/api/findings/{redis}");
        Assert.Equal("已修复", fixedRedis.GetProperty("finding").GetProperty("status").GetString());
        var rectification = fixedRedis.GetProperty("rectificationId").GetGuid();
        var rectificationPage = await hospital.SendAsync(HttpMethod.Get, $"/rectifications/{rectification}");
        Assert.Contains("已提请复测通过", rectificationPage.Body, StringComparison.Ordinal);
        Assert.Contains($"/findings/{redis}", rectificationPage.Body, StringComparison.Ordinal);
        Assert.Equal("风险接受", (await hospital.GetJsonAsync($"/api/findings/{mysql}")).GetProperty("finding").GetProperty("status").GetString());

        // Other tenants: not in their lists, 404 by id, no import for A's institution; the assigned assessor sees the
        // HIS's findings but not the app's (not on a system assigned to it).
        foreach (var user in new[] { "hospital2", "haidian", "assessor2" })
        {
            using var other = await ApiClient.LoginAsync(platform, user);
            var list = await other.SendAsync(HttpMethod.Get, "/api/findings?pageSize=500");
            Assert.Equal(HttpStatusCode.OK, list.Status);
            Assert.DoesNotContain(mysql.ToString(), list.Body, StringComparison.Ordinal);
            Assert.DoesNotContain(package, list.Body, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.NotFound, (await other.SendAsync(HttpMethod.Get, $"/api/findings/{mysql}")).Status);
            var move = await other.SendAsync(HttpMethod.Post, $"/api/findings/{redis}/status", new { action = "reopen", reason = "越权" });
            Assert.True(move.Status is HttpStatusCode.NotFound or HttpStatusCode.Forbidden, $"{user}: {(int)move.Status}");
            var foreignImport = await other.SendContentAsync(HttpMethod.Post, $"/api/findings/import?institution={institutionA}", FindingsData.JsonContent(FindingsData.PortRun("10.77.0.5", (8080, "ports.http", Severity.Low, null))));
            Assert.True(foreignImport.Status is HttpStatusCode.NotFound or HttpStatusCode.Forbidden, $"{user} import: {(int)foreignImport.Status}");
            var plain = await other.SendContentAsync(HttpMethod.Post, "/api/findings/import", FindingsData.JsonContent(FindingsData.PortRun("10.77.0.5", (8081, "ports.http", Severity.Low, null))));
            Assert.True(plain.Status is HttpStatusCode.BadRequest or HttpStatusCode.Forbidden, $"{user} import: {(int)plain.Status}");
            var pageAnswer = await other.SendAsync(HttpMethod.Get, $"/findings/{mysql}");
            Assert.Equal(HttpStatusCode.NotFound, pageAnswer.Status);
            var listPage = await other.SendAsync(HttpMethod.Get, "/findings");
            Assert.DoesNotContain("10.77.0.5", listPage.Body, StringComparison.Ordinal);
        }

        var assessorList = await assessor.GetJsonAsync("/api/findings?pageSize=500");
        Assert.Contains(mysql.ToString(), assessorList.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain(package, assessorList.GetRawText(), StringComparison.Ordinal);
        var demo = (await regulator.GetJsonAsync($"/api/findings?institution={institutionA}&detector=ports")).GetProperty("total").GetInt32() - 2; // the demo scan's
        Assert.Equal(4, demo);
        Assert.Equal(2 + distinct + demo, (await regulator.GetJsonAsync($"/api/findings?institution={institutionA}")).GetProperty("total").GetInt32());
        output.WriteLine($"[{kind}] apk analyze diva-beta.apk → {apkRun.Findings.Count} findings ({distinct} fingerprints) imported for {package}; port scan imported, re-imported, 6379 fixed.");
    }

    private static void Ok((HttpStatusCode Status, string Body) response) =>
        Assert.True((int)response.Status is >= 200 and < 300, $"{(int)response.Status} {response.Body}");
}
