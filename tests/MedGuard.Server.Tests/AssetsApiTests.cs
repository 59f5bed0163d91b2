using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MedGuard.Domain.Detection;
using MedGuard.Domain.Findings;
using MedGuard.Server.Demo;
using MedGuard.Storage.Providers;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Server.Tests;

/// <summary>
/// Assets and their authorizations through /api/assets and the sheet page, on both databases: no authorization, no
/// import; the uploaded letter's SHA-256 kept; a revoked authorization refuses later runs; a sheet with a bad row writes
/// nothing and names the row, on the API and on the page.
/// </summary>
public sealed class AssetsApiTests
{
    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task AuthorizationGatesImportsAndSheetsAreAllOrNothing(DatabaseKind kind)
    {
        await using var platform = await PlatformFixture.StartAsync(kind);
        using var hospital = await ApiClient.LoginAsync(platform, "hospital");
        Guid institution, his;
        await using (var db = MedGuardContextFactory.Create(platform.Target))
        {
            institution = await db.Institutions.Where(i => i.Name == DemoProvince.DemoHospitalName).Select(i => i.Id).SingleAsync();
            his = await db.Systems.Where(s => s.InstitutionId == institution).OrderBy(s => s.Name).Select(s => s.Id).FirstAsync();
        }

        // Registered without an authorization: a web scan of it is refused, naming why.
        var created = await hospital.SendAsync(HttpMethod.Post, "/api/assets", new { institutionId = institution, kind = "origin", value = "https://Portal.Example-Hospital.cn/", name = "门户网站", systemId = his });
        Assert.True(created.Status == HttpStatusCode.Created, created.Body);
        var asset = JsonDocument.Parse(created.Body).RootElement;
        Assert.Equal("https://portal.example-hospital.cn", asset.GetProperty("value").GetString());
        var assetId = asset.GetProperty("id").GetGuid();
        var duplicate = await hospital.SendAsync(HttpMethod.Post, "/api/assets", new { institutionId = institution, kind = "origin", value = "https://portal.example-hospital.cn" });
        Assert.Equal(HttpStatusCode.BadRequest, duplicate.Status);
        Assert.Contains("不能重复登记", duplicate.Body, StringComparison.Ordinal);
        var refused = await hospital.SendContentAsync(HttpMethod.Post, "/api/findings/import", FindingsData.JsonContent(WebRun(DateTimeOffset.UtcNow.AddMinutes(-5))));
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Contains("没有授权记录", refused.Body, StringComparison.Ordinal);

        // The letter uploaded with the authorization: its SHA-256 is kept and shown.
        var letter = Encoding.UTF8.GetBytes("%PDF-1.4 网站检测授权书（测试）");
        var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(letter), "letter", "网站授权书.pdf" },
            { new StringContent("信息中心 王主任"), "authorizedBy" },
            { new StringContent(FindingsData.ChinaToday().AddDays(-1).ToString("yyyy-MM-dd")), "validFrom" },
            { new StringContent(FindingsData.ChinaToday().AddDays(180).ToString("yyyy-MM-dd")), "validUntil" },
            { new StringContent("web"), "detectors" },
        };
        var authorized = await hospital.SendContentAsync(HttpMethod.Post, $"/api/assets/{assetId}/authorizations", form);
        Assert.True(authorized.Status == HttpStatusCode.Created, authorized.Body);
        var authorization = JsonDocument.Parse(authorized.Body).RootElement;
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(letter)), authorization.GetProperty("letterSha256").GetString());
        Assert.Equal("有效", authorization.GetProperty("state").GetString());
        var imported = await hospital.SendContentAsync(HttpMethod.Post, "/api/findings/import", FindingsData.JsonContent(WebRun(DateTimeOffset.UtcNow.AddMinutes(-5))));
        Assert.True(imported.Status == HttpStatusCode.OK, imported.Body);
        var detail = await hospital.GetJsonAsync($"/api/assets/{assetId}");
        Assert.Equal(1, detail.GetProperty("openFindings").GetInt32());
        Assert.Equal("网站授权书.pdf", detail.GetProperty("authorizations")[0].GetProperty("letterFileName").GetString());

        // Revoked: a run started afterwards is refused.
        var authorizationId = authorization.GetProperty("id").GetGuid();
        var revoked = await hospital.SendAsync(HttpMethod.Post, $"/api/assets/{assetId}/authorizations/{authorizationId}/revoke");
        Assert.True(revoked.Status == HttpStatusCode.OK, revoked.Body);
        Assert.StartsWith("已撤销", JsonDocument.Parse(revoked.Body).RootElement.GetProperty("state").GetString(), StringComparison.Ordinal);
        var afterRevoke = await hospital.SendContentAsync(HttpMethod.Post, "/api/findings/import", FindingsData.JsonContent(WebRun(DateTimeOffset.UtcNow.AddSeconds(5))));
        Assert.Equal(HttpStatusCode.BadRequest, afterRevoke.Status);
        Assert.Contains("撤销", afterRevoke.Body, StringComparison.Ordinal);

        // A sheet with one bad row: nothing written, the row named; corrected, every row registered.
        var until = FindingsData.ChinaToday().AddDays(300).ToString("yyyy-MM-dd");
        var bad = $"机构,类型,值,名称,授权单位,授权止,检测类型\n{institution},ip,10.44.0.0/24,机房网段,信息中心,{until},ports\n{institution},打印机,10.44.1.9,,信息中心,{until},\n{institution},app,com.example.hospital,掌上医院,信息中心,{until},apk\n";
        var before = (await hospital.GetJsonAsync("/api/assets")).GetProperty("total").GetInt32();
        var sheetAnswer = await hospital.SendContentAsync(HttpMethod.Post, "/api/assets/import", Sheet(bad));
        Assert.Equal(HttpStatusCode.BadRequest, sheetAnswer.Status);
        var errors = JsonDocument.Parse(sheetAnswer.Body).RootElement.GetProperty("errors");
        Assert.Equal(3, errors[0].GetProperty("row").GetInt32());
        Assert.Contains("打印机", errors[0].GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, (await hospital.GetJsonAsync("/api/assets")).GetProperty("total").GetInt32());

        using var session = new PageSession(platform);
        var account = platform.Credentials["hospital"];
        using (await session.LoginAsync(account.UserName, account.Password, await TotpCodes.FreshAsync(account.TotpSecret!)))
        {
        }

        var pageForm = await session.Http.GetStringAsync("/assets/import");
        var upload = Sheet(bad);
        upload.Add(new StringContent(PageText.AntiForgeryToken(pageForm)), "__RequestVerificationToken");
        using (var answer = await session.Http.PostAsync("/assets/import", upload))
        {
            var text = PageText.Visible(await answer.Content.ReadAsStringAsync());
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.Contains("整个表格未导入", text, StringComparison.Ordinal);
            Assert.Contains("第 3 行", text, StringComparison.Ordinal);
        }

        Assert.Equal(before, (await hospital.GetJsonAsync("/api/assets")).GetProperty("total").GetInt32());
        var good = bad.Replace($"{institution},打印机,10.44.1.9,,信息中心,{until},\n", "", StringComparison.Ordinal);
        var goodAnswer = await hospital.SendContentAsync(HttpMethod.Post, "/api/assets/import", Sheet(good));
        Assert.True(goodAnswer.Status == HttpStatusCode.OK, goodAnswer.Body);
        Assert.Equal(2, JsonDocument.Parse(goodAnswer.Body).RootElement.GetProperty("added").GetInt32());
        var list = await hospital.GetJsonAsync("/api/assets?kind=app");
        Assert.Contains("com.example.hospital", list.GetRawText(), StringComparison.Ordinal);
        Assert.Contains("有效至", list.GetProperty("items")[0].GetProperty("authorization").GetString(), StringComparison.Ordinal);
    }

    private static MultipartFormDataContent Sheet(string csv) => new() { { new ByteArrayContent(Encoding.UTF8.GetBytes(csv)), "sheet", "assets.csv" } };

    private static DetectionRun WebRun(DateTimeOffset started) => new()
    {
        DetectorId = "web",
        DetectorVersion = "1.0.0",
        Scope = "https://portal.example-hospital.cn",
        StartedAt = started,
        EndedAt = started.AddMinutes(1),
        Covered = ["https://portal.example-hospital.cn"],
        Findings =
        [
            new Finding
            {
                RuleId = "web.sqli",
                Title = "登录表单存在 SQL 注入",
                Severity = Severity.High,
                Target = new WebTarget("https://portal.example-hospital.cn", "/login", "username"),
                Cwe = "CWE-89",
            },
        ],
    };
}
