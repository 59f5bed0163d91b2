using System.Net;
using MedGuard.Storage.Providers;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Server.Tests;

/// <summary>
/// Saving as a person does it: a 新增定级对象 button on the list, a create page, and after every save a redirect
/// (Post/Redirect/Get: a reload never posts again) to a page that confirms once what was saved.
/// </summary>
public sealed class SaveFlowTests
{
    [Fact]
    public async Task HospitalCreatesASystemAndSavesItsSurveyWithAConfirmationAfterARedirect()
    {
        await using var platform = await PlatformFixture.StartAsync(DatabaseKind.Sqlite);
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.Context.NewPageAsync();
        var hospital = platform.Credentials["hospital"];
        await page.GotoAsync(new Uri(platform.BaseAddress, "/account/login").ToString());
        await page.FillAsync("#UserName", hospital.UserName);
        await page.FillAsync("#Password", hospital.Password);
        await page.FillAsync("#Code", await TotpCodes.FreshAsync(hospital.TotpSecret!));
        await page.ClickAsync("#login-submit");
        await page.WaitForSelectorAsync("#current-user");

        // The list has a create button; the hospital's own institution is fixed, not chosen.
        await page.GotoAsync(new Uri(platform.BaseAddress, "/systems").ToString());
        await page.ClickAsync("#create-system");
        await Navigation.ArriveAsync(page, "/systems/new", "#Form_Name");
        Assert.Equal("首都医学中心", await page.InputValueAsync("#own-institution"));
        Assert.Null(await page.QuerySelectorAsync("select[name='Form.InstitutionId']"));
        await page.FillAsync("#Form_Name", "互联网诊疗平台");
        await page.SelectOptionAsync("#Form_Type", "MobileInternet");
        await page.SelectOptionAsync("#Form_Business", "Platform");
        await page.CheckAsync("#Form_InternetFacing");
        await page.ClickAsync("#new-system-submit");
        await Navigation.ArriveAsync(page, "/systems/", "#flash");
        Assert.Matches(@"/systems/[0-9a-f-]{36}$", page.Url);
        Assert.Contains("已新增定级对象“互联网诊疗平台”", await page.TextContentAsync("#flash[role='status']"), StringComparison.Ordinal);
        Assert.Contains("移动互联系统", await page.TextContentAsync("main"), StringComparison.Ordinal);
        Assert.Contains("互联网可访问", await page.TextContentAsync("main"), StringComparison.Ordinal);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Artifacts.Screenshots, "sqlite-11-system-created.png") });

        // A reload is a GET of the same page: the confirmation is gone and nothing is created twice.
        await page.ReloadAsync();
        await page.WaitForSelectorAsync("#grading-state");
        Assert.Null(await page.QuerySelectorAsync("#flash"));
        await using (var db = MedGuardContextFactory.Create(platform.Target))
        {
            var created = await db.Systems.Include(s => s.Institution).Where(s => s.Name == "互联网诊疗平台").ToListAsync();
            var system = Assert.Single(created);
            Assert.Equal("首都医学中心", system.Institution!.Name);
            Assert.True(system.InternetFacing);
            Assert.False(system.IsCore);
        }

        // The survey on the institution page: saved, redirected to the plain page, confirmed.
        await page.GotoAsync(new Uri(platform.BaseAddress, "/institutions").ToString());
        await page.ClickAsync("main table a[href^='/institutions/']");
        await page.WaitForSelectorAsync("input[name='Survey.SecurityStaffCount']");
        var institutionUrl = page.Url;
        await page.FillAsync("input[name='Survey.SecurityStaffCount']", "7");
        await page.ClickAsync("button:has-text('保存调查')");
        await Navigation.ArriveAsync(page, new Uri(institutionUrl).AbsolutePath, "#flash");
        Assert.Equal(institutionUrl, page.Url);
        Assert.Equal("调查信息已保存", (await page.TextContentAsync("#flash"))?.Trim());
        Assert.Equal("7", await page.InputValueAsync("input[name='Survey.SecurityStaffCount']"));
    }

    [Fact]
    public async Task EveryPostAnswersWithARedirectAndTheCreatePageKeepsHospitalsInTheirInstitution()
    {
        await using var platform = await PlatformFixture.StartAsync(DatabaseKind.Sqlite);
        Guid own, other;
        await using (var db = MedGuardContextFactory.Create(platform.Target))
        {
            own = (await db.Users.SingleAsync(u => u.UserName == "hospital")).InstitutionId!.Value;
            other = await db.Institutions.Where(i => i.Id != own).Select(i => i.Id).FirstAsync();
        }

        // An administrator chooses the institution from a list; without one the page says so and saves nothing.
        using var admin = await ApiClient.LoginAsync(platform, "admin");
        var (_, form) = await admin.SendAsync(HttpMethod.Get, "/systems/new");
        Assert.Contains($"<option value=\"{other}\">", form, StringComparison.Ordinal);
        var missing = await PostFormAsync(admin, "/systems/new", form, new() { ["Form.Name"] = "无机构", ["Form.Type"] = "InformationSystem", ["Form.Business"] = "Other" });
        Assert.Equal(HttpStatusCode.OK, missing.Status);
        Assert.Contains("请选择所属医疗机构", missing.Body, StringComparison.Ordinal);
        var created = await PostFormAsync(admin, "/systems/new", form, new() { ["Form.Name"] = "管理员新增", ["Form.Type"] = "InformationSystem", ["Form.Business"] = "His", ["Form.IsCore"] = "true", ["Form.InstitutionId"] = other.ToString() });
        Assert.Equal(HttpStatusCode.Redirect, created.Status);
        Assert.Matches(@"^/systems/[0-9a-f-]{36}$", created.Location);

        // A hospital that posts another institution's id still creates in its own.
        using var hospital = await ApiClient.LoginAsync(platform, "hospital");
        var (_, ownForm) = await hospital.SendAsync(HttpMethod.Get, "/systems/new");
        var tampered = await PostFormAsync(hospital, "/systems/new", ownForm, new() { ["Form.Name"] = "越权新增", ["Form.Type"] = "InformationSystem", ["Form.Business"] = "Other", ["Form.InstitutionId"] = other.ToString() });
        Assert.Equal(HttpStatusCode.Redirect, tampered.Status);
        await using (var db = MedGuardContextFactory.Create(platform.Target))
        {
            Assert.Equal(other, (await db.Systems.SingleAsync(s => s.Name == "管理员新增")).InstitutionId);
            Assert.Equal(own, (await db.Systems.SingleAsync(s => s.Name == "越权新增")).InstitutionId);
        }

        // The regulator changes nothing: no create page.
        using var regulator = await ApiClient.LoginAsync(platform, "regulator");
        var (forbidden, _) = await regulator.SendAsync(HttpMethod.Get, "/systems/new");
        Assert.NotEqual(HttpStatusCode.OK, forbidden);

        // Revealing the contacts' phones: the POST is audited and redirects; the page after it shows them once.
        var (_, institution) = await hospital.SendAsync(HttpMethod.Get, $"/institutions/{own}");
        Assert.Contains("******（加密保存）", institution, StringComparison.Ordinal);
        var reveal = await PostFormAsync(hospital, $"/institutions/{own}?handler=Reveal", institution, []);
        Assert.Equal(HttpStatusCode.Redirect, reveal.Status);
        Assert.Equal($"/institutions/{own}", reveal.Location);
        var (_, shown) = await hospital.SendAsync(HttpMethod.Get, $"/institutions/{own}");
        Assert.DoesNotContain("******（加密保存）", shown, StringComparison.Ordinal);
        Assert.Matches("<td>1390000\\d{4}</td>", shown);
        var (_, again) = await hospital.SendAsync(HttpMethod.Get, $"/institutions/{own}");
        Assert.Contains("******（加密保存）", again, StringComparison.Ordinal);

        var survey = await PostFormAsync(hospital, $"/institutions/{own}?handler=Survey", institution, new() { ["Survey.SecurityStaffCount"] = "3" });
        Assert.Equal(HttpStatusCode.Redirect, survey.Status);
        var (_, confirmed) = await hospital.SendAsync(HttpMethod.Get, $"/institutions/{own}");
        Assert.Matches("<div class=\"alert alert-success[^\"]*\" role=\"status\" id=\"flash\">调查信息已保存", confirmed);
    }

    private static async Task<(HttpStatusCode Status, string Body, string? Location)> PostFormAsync(ApiClient client, string path, string pageWithForm, Dictionary<string, string> fields)
    {
        fields["__RequestVerificationToken"] = PageText.AntiForgeryToken(pageWithForm);
        return await client.PostFormAsync(path, fields);
    }
}
