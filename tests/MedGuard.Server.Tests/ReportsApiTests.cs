using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using DocumentFormat.OpenXml.Packaging;
using MedGuard.Domain.Findings;
using MedGuard.Domain.Inventory;
using MedGuard.Domain.Systems;
using MedGuard.Server.Demo;
using MedGuard.Storage.Providers;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Server.Tests;

/// <summary>
/// /api/reports on the demo province, on SQLite and PostgreSQL: each document is produced from its records and reads
/// back with them; every endpoint obeys the tenant rules (a hospital only its own, a district regulator its district, an
/// agency its assigned systems); each produced file is recorded and downloads again identical; verify tells valid from
/// altered.
/// </summary>
public sealed class ReportsApiTests
{
    private sealed record Download(HttpStatusCode Status, byte[] Body, string? Id, string? Hash, string Text);

    private static async Task<Download> GetAsync(ApiClient client, string path)
    {
        var (status, body, headers) = await client.GetBytesAsync(path);
        return new Download(status, body, headers.TryGetValue("X-Report-Id", out var id) ? id : null, headers.TryGetValue("X-Report-Hash", out var h) ? h : null,
            status == HttpStatusCode.OK ? "" : Encoding.UTF8.GetString(body));
    }

    internal static string DocxText(byte[] docx)
    {
        using var doc = WordprocessingDocument.Open(new MemoryStream(docx), false);
        return string.Join('\n', doc.MainDocumentPart!.Document!.Body!.Descendants<DocumentFormat.OpenXml.Wordprocessing.Paragraph>().Select(p => p.InnerText));
    }

    internal static string PdfText(byte[] pdf)
    {
        var path = Path.Combine(Path.GetTempPath(), $"mg-api-{Guid.NewGuid():N}.pdf");
        File.WriteAllBytes(path, pdf);
        try
        {
            var start = new ProcessStartInfo("pdftotext") { RedirectStandardOutput = true, StandardOutputEncoding = Encoding.UTF8 };
            foreach (var a in new[] { "-enc", "UTF-8", path, "-" })
            {
                start.ArgumentList.Add(a);
            }

            using var p = Process.Start(start)!;
            var text = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            Assert.Equal(0, p.ExitCode);
            return new string([.. text.Where(c => !char.IsWhiteSpace(c))]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task EveryReportEndpointObeysTheTenantRules(DatabaseKind kind)
    {
        await using var platform = await PlatformFixture.StartAsync(kind);
        var c = new Dictionary<string, ApiClient>();
        foreach (var user in new[] { "admin", "regulator", "haidian", "hospital", "hospital2", "assessor", "assessor2" })
        {
            c[user] = await ApiClient.LoginAsync(platform, user);
        }

        Guid institution, his, other;
        string region;
        await using (var db = MedGuardContextFactory.Create(platform.Target))
        {
            var a = await db.Institutions.SingleAsync(i => i.Name == DemoProvince.DemoHospitalName);
            (institution, region) = (a.Id, a.Region);
            his = await db.Systems.Where(s => s.InstitutionId == a.Id && s.Business == BusinessKind.His).Select(s => s.Id).SingleAsync();
            other = await db.Systems.Where(s => s.InstitutionId == a.Id && s.Grading != null).Select(s => s.Id).FirstAsync();
        }

        Assert.False(region.StartsWith("110108", StringComparison.Ordinal)); // haidian's district is not the demo hospital's

        // Bad input: the HIS is not graded yet — a clear Chinese message of what is missing.
        var ungraded = await GetAsync(c["hospital"], $"/api/reports/grading/{his}?format=docx");
        Assert.Equal(HttpStatusCode.BadRequest, ungraded.Status);
        Assert.Contains("尚未定级", ungraded.Text);
        Assert.Contains("业务信息安全保护等级（S）", ungraded.Text);

        var realToday = DateTime.Today.ToString("yyyy-MM-dd");
        Ok(await c["hospital"].SendAsync(HttpMethod.Post, $"/api/systems/{his}/grading", new { informationObject = "public", informationDegree = "serious", serviceObject = "citizen", serviceDegree = "serious" }));
        Ok(await c["hospital"].SendAsync(HttpMethod.Post, $"/api/systems/{his}/expert-review", new { reviewedOn = realToday, reviewers = "报告测试专家组" }));
        Ok(await c["hospital"].SendAsync(HttpMethod.Post, $"/api/systems/{his}/approval-request"));
        Ok(await c["regulator"].SendAsync(HttpMethod.Post, $"/api/systems/{his}/approval", new { approve = true }));
        Ok(await c["hospital"].SendAsync(HttpMethod.Post, $"/api/systems/{his}/filing", new { filedOn = realToday, certificateNumber = "RPT-TEST-17", certificateIssuedOn = realToday }));

        // 定级报告: the hospital, its regulator and the assigned agency; not another hospital, district or agency.
        var grading = await GetAsync(c["hospital"], $"/api/reports/grading/{his}?format=docx");
        Assert.Equal(HttpStatusCode.OK, grading.Status);
        var gradingText = DocxText(grading.Body);
        Assert.Contains("第三级", gradingText);
        Assert.Contains("S3A2", gradingText);
        Assert.Contains("社会秩序、公共利益 × 严重损害 → 第三级", gradingText);
        Assert.Contains("报告测试专家组", gradingText);
        foreach (var (user, expected) in new[] { ("regulator", HttpStatusCode.OK), ("assessor", HttpStatusCode.OK), ("hospital2", HttpStatusCode.NotFound), ("haidian", HttpStatusCode.NotFound), ("assessor2", HttpStatusCode.NotFound) })
        {
            Assert.True(expected == (await GetAsync(c[user], $"/api/reports/grading/{his}?format=xlsx")).Status, $"{user} 定级报告");
            Assert.True(expected == (await GetAsync(c[user], $"/api/reports/filing/{his}?format=xlsx")).Status, $"{user} 备案表");
        }

        var filing = await GetAsync(c["hospital"], $"/api/reports/filing/{his}?format=pdf");
        Assert.Equal(HttpStatusCode.OK, filing.Status);
        var filingText = PdfText(filing.Body);
        Assert.Contains("RPT-TEST-17", filingText);
        Assert.Contains("表六数据摸底调查表", filingText);

        // 测评报告: the assigned agency's assessment with two results entered.
        var created = await c["assessor"].SendAsync(HttpMethod.Post, $"/api/systems/{his}/assessments", new { assessedOn = PlatformFixture.DemoToday.ToString("yyyy-MM-dd") });
        Assert.Equal(HttpStatusCode.Created, created.Status);
        var assessment = JsonDocument.Parse(created.Body).RootElement.GetProperty("id").GetGuid();
        Ok(await c["assessor"].SendAsync(HttpMethod.Put, $"/api/assessments/{assessment}/items/L3-CES1-01", new { result = "不符合", evidence = "弱口令", risk = "高", majorHazard = true }));
        Ok(await c["assessor"].SendAsync(HttpMethod.Put, $"/api/assessments/{assessment}/items/L3-CES1-02", new { result = "符合" }));
        var summary = await GetAsync(c["assessor"], $"/api/reports/assessment/{assessment}?format=docx");
        Assert.Equal(HttpStatusCode.OK, summary.Status);
        var summaryText = DocxText(summary.Body);
        Assert.Contains("符合率 50%，重大风险隐患 1 项，测评结论：不符合", summaryText); // (0 + 1) / 2 items, one hazard
        Assert.Contains("L3-CES1-01", summaryText);
        foreach (var (user, expected) in new[] { ("hospital", HttpStatusCode.OK), ("regulator", HttpStatusCode.OK), ("hospital2", HttpStatusCode.NotFound), ("haidian", HttpStatusCode.NotFound), ("assessor2", HttpStatusCode.NotFound) })
        {
            Assert.True(expected == (await GetAsync(c[user], $"/api/reports/assessment/{assessment}?format=xlsx")).Status, $"{user} 测评报告");
        }

        // 整改通知: a finding with personal data in its evidence; masked in the notice.
        await FindingsData.RegisterAssetAsync(platform, institution, AssetKind.Ip, "10.88.0.17", his, "ports");
        Ok(await c["hospital"].SendContentAsync(HttpMethod.Post, "/api/findings/import", FindingsData.JsonContent(
            FindingsData.PortRun("10.88.0.17", (3389, "ports.rdp-exposed", Severity.High, "患者身份证 110101199001011234")))));
        var notice = await GetAsync(c["regulator"], $"/api/reports/notice/{institution}?format=docx");
        Assert.Equal(HttpStatusCode.OK, notice.Status);
        var noticeText = DocxText(notice.Body);
        Assert.Contains("10.88.0.17", noticeText);
        Assert.Contains("ports.rdp-exposed", noticeText);
        Assert.DoesNotContain("110101199001011234", noticeText);
        foreach (var (user, expected) in new[] { ("hospital", HttpStatusCode.OK), ("hospital2", HttpStatusCode.NotFound), ("haidian", HttpStatusCode.NotFound), ("assessor", HttpStatusCode.Forbidden), ("assessor2", HttpStatusCode.Forbidden) })
        {
            Assert.True(expected == (await GetAsync(c[user], $"/api/reports/notice/{institution}?format=xlsx")).Status, $"{user} 整改通知");
        }

        // 态势报告: regulators of the region; a district regulator only its district; never a hospital or an agency.
        var situation = await GetAsync(c["regulator"], $"/api/reports/situation?region={DemoProvince.RegionCode}&from=2026-01-01&to=2026-06-30&format=pdf");
        Assert.Equal(HttpStatusCode.OK, situation.Status);
        var situationText = PdfText(situation.Body);
        Assert.Contains("二、等级保护工作推进情况", situationText);
        Assert.Contains("附录医疗卫生机构排名", situationText);
        Assert.Contains(DemoProvince.DemoHospitalName, situationText);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(c["haidian"], $"/api/reports/situation?region={DemoProvince.RegionCode}&format=xlsx")).Status);
        var district = await GetAsync(c["haidian"], "/api/reports/situation?format=docx");
        Assert.Equal(HttpStatusCode.OK, district.Status);
        Assert.DoesNotContain(DemoProvince.DemoHospitalName, DocxText(district.Body));
        Assert.Equal(HttpStatusCode.Forbidden, (await GetAsync(c["hospital"], "/api/reports/situation?format=xlsx")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await GetAsync(c["assessor"], "/api/reports/situation?format=xlsx")).Status);
        var empty = await GetAsync(c["regulator"], "/api/reports/situation?region=119999&format=docx");
        Assert.Equal(HttpStatusCode.OK, empty.Status);
        Assert.Contains("没有医疗卫生机构和信息系统的数据", DocxText(empty.Body));

        // Recorded and downloadable again under the same rules.
        await using (var db = MedGuardContextFactory.Create(platform.Target))
        {
            var record = await db.GeneratedReports.SingleAsync(r => r.Id == Guid.Parse(grading.Id!));
            Assert.Equal(("grading", "docx", grading.Hash, his, institution), (record.Kind, record.Format, record.ContentHash, record.SystemId!.Value, record.InstitutionId!.Value));
            Assert.Contains("hospital", record.GeneratedBy);
            Assert.True(record.Signed);
        }

        var again = await GetAsync(c["hospital"], $"/api/reports/{grading.Id}/file");
        Assert.Equal(grading.Body, again.Body);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(c["assessor"], $"/api/reports/{grading.Id}/file")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(c["assessor"], $"/api/reports/{notice.Id}/file")).Status);
        foreach (var user in new[] { "hospital2", "haidian", "assessor2" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(c[user], $"/api/reports/{grading.Id}/file")).Status);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(c["haidian"], $"/api/reports/{situation.Id}/file")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(c["hospital"], $"/api/reports/{situation.Id}/file")).Status);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(c["regulator"], $"/api/reports/{situation.Id}/file")).Status);

        var ids = (await c["hospital2"].GetJsonAsync("/api/reports")).EnumerateArray().Select(r => r.GetProperty("id").GetGuid()).ToList();
        Assert.DoesNotContain(Guid.Parse(grading.Id!), ids);
        var mine = (await c["hospital"].GetJsonAsync("/api/reports")).EnumerateArray().Select(r => r.GetProperty("id").GetGuid()).ToList();
        Assert.Contains(Guid.Parse(grading.Id!), mine);
        Assert.Contains(Guid.Parse(notice.Id!), mine);
        Assert.DoesNotContain(Guid.Parse(situation.Id!), mine);
        var agencyList = (await c["assessor"].GetJsonAsync("/api/reports")).EnumerateArray().Select(r => r.GetProperty("id").GetGuid()).ToList();
        Assert.Contains(Guid.Parse(grading.Id!), agencyList);
        Assert.DoesNotContain(Guid.Parse(notice.Id!), agencyList);

        // The documents page lists the same records under the same rules, each downloadable again.
        var listed = await c["hospital"].GetTextAsync("/reports");
        Assert.Contains($"data-report=\"{grading.Id}\"", listed);
        Assert.Contains($"/api/reports/{notice.Id}/file", listed);
        Assert.DoesNotContain($"data-report=\"{situation.Id}\"", listed);
        Assert.DoesNotContain($"data-report=\"{grading.Id}\"", await c["hospital2"].GetTextAsync("/reports"));

        // Verify: the platform's own signature is valid; one changed byte is caught.
        var verified = await c["hospital"].SendContentAsync(HttpMethod.Post, "/api/reports/verify", new ByteArrayContent(filing.Body));
        var v = JsonDocument.Parse(verified.Body).RootElement;
        Assert.Equal(("valid", true), (v.GetProperty("status").GetString(), v.GetProperty("trustedKey").GetBoolean()));
        var tampered = (byte[])filing.Body.Clone();
        tampered[tampered.Length / 2] ^= 0x01;
        var altered = JsonDocument.Parse((await c["hospital"].SendContentAsync(HttpMethod.Post, "/api/reports/verify", new ByteArrayContent(tampered))).Body).RootElement;
        Assert.Equal("altered", altered.GetProperty("status").GetString());
        Assert.NotEmpty(altered.GetProperty("changes").EnumerateArray());

        // The pages carry the buttons, and a button's link produces the document.
        var page = await c["hospital"].GetTextAsync($"/systems/{other}");
        Assert.Contains("id=\"report-grading-docx\"", page);
        Assert.Contains($"/api/reports/filing/{other}?format=xlsx", page);
        Assert.Contains("id=\"report-notice-pdf\"", await c["hospital"].GetTextAsync($"/institutions/{institution}"));
        Assert.Contains("id=\"report-assessment-docx\"", await c["assessor"].GetTextAsync($"/assessments/{assessment}"));
        Assert.Contains("id=\"report-situation-pdf\"", await c["regulator"].GetTextAsync("/dashboard"));
    }

    private static void Ok((HttpStatusCode Status, string Body) response) =>
        Assert.True(response.Status is HttpStatusCode.OK or HttpStatusCode.NoContent or HttpStatusCode.Created, $"{(int)response.Status} {response.Body}");
}
