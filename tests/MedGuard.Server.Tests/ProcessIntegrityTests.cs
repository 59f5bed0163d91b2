using System.Net;
using System.Text.Json;
using MedGuard.Domain.Assessment;
using MedGuard.Domain.Systems;
using MedGuard.Server.Demo;
using MedGuard.Storage.Providers;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Server.Tests;

/// <summary>
/// The process through the API (issue 11, items 1–4): 核准 is the region's regulator's, a filing without a certificate
/// is only 已提交, an 等级测评 is the assigned agency's and read-only to the hospital, deadlines move by an approved
/// request (and the audit keeps old → new), and an ended assignment ends the agency's access.
/// </summary>
public sealed class ProcessIntegrityTests
{
    private static readonly string Today = DateTime.Today.ToString("yyyy-MM-dd");

    [Fact]
    public async Task ApprovalIsTheRegulatorsAndAFilingWithoutCertificateIsOnlySubmitted()
    {
        await using var platform = await PlatformFixture.StartAsync(DatabaseKind.Sqlite);
        using var hospital = await ApiClient.LoginAsync(platform, "hospital");
        using var regulator = await ApiClient.LoginAsync(platform, "regulator");
        using var haidian = await ApiClient.LoginAsync(platform, "haidian");
        var his = await DemoHisAsync(platform);
        await GradeLevel3Async(hospital, his);

        // Filing before the expert review, then before the approval: refused, each with its reason.
        var early = await hospital.SendAsync(HttpMethod.Post, $"/api/systems/{his}/filing", new { filedOn = Today });
        Assert.Equal(HttpStatusCode.BadRequest, early.Status);
        Assert.Contains("专家评审", early.Body, StringComparison.Ordinal);
        Ok(await hospital.SendAsync(HttpMethod.Post, $"/api/systems/{his}/expert-review", new { reviewedOn = Today, reviewers = "孙专家（京华大学）" }));
        early = await hospital.SendAsync(HttpMethod.Post, $"/api/systems/{his}/filing", new { filedOn = Today });
        Assert.Equal(HttpStatusCode.BadRequest, early.Status);
        Assert.Contains("主管部门核准", early.Body, StringComparison.Ordinal);

        // The hospital cannot approve itself; it asks. A regulator of another district does not even see the system.
        Assert.Equal(HttpStatusCode.Forbidden, (await hospital.SendAsync(HttpMethod.Post, $"/api/systems/{his}/approval", new { approve = true })).Status);
        Ok(await hospital.SendAsync(HttpMethod.Post, $"/api/systems/{his}/approval-request"));
        Assert.Equal(HttpStatusCode.NotFound, (await haidian.SendAsync(HttpMethod.Post, $"/api/systems/{his}/approval", new { approve = true })).Status);
        var refused = await regulator.SendAsync(HttpMethod.Post, $"/api/systems/{his}/approval", new { approve = false });
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status); // a refusal needs its reason
        Ok(await regulator.SendAsync(HttpMethod.Post, $"/api/systems/{his}/approval", new { approve = false, reason = "未说明业务信息受破坏后的侵害程度依据" }));
        var state = await hospital.GetJsonAsync($"/api/systems/{his}/approval");
        Assert.Equal(("Refused", "未说明业务信息受破坏后的侵害程度依据"), (state.GetProperty("state").GetString(), state.GetProperty("refusalReason").GetString()));
        Assert.Equal(HttpStatusCode.BadRequest, (await hospital.SendAsync(HttpMethod.Post, $"/api/systems/{his}/filing", new { filedOn = Today })).Status);
        Ok(await hospital.SendAsync(HttpMethod.Post, $"/api/systems/{his}/approval-request")); // asks again, with the reason addressed
        var approved = JsonDocument.Parse((await regulator.SendAsync(HttpMethod.Post, $"/api/systems/{his}/approval", new { approve = true })).Body).RootElement;
        Assert.Equal("Approved", approved.GetProperty("state").GetString());
        Assert.Equal("市卫健委 张监管", approved.GetProperty("decidedBy").GetString());
        Assert.Equal("孙专家（京华大学）", approved.GetProperty("expertReviewers").GetString());

        // Filed without a certificate: 已提交, not 已备案, and not in the 备案率.
        var rateBefore = await FilingRateAsync(regulator);
        var filed = await hospital.SendAsync(HttpMethod.Post, $"/api/systems/{his}/filing", new { filedOn = Today, certificateNumber = "" });
        Ok(filed);
        Assert.Contains("已提交", filed.Body, StringComparison.Ordinal);
        var summary = await hospital.GetJsonAsync($"/api/systems/{his}");
        Assert.False(summary.GetProperty("system").GetProperty("filed").GetBoolean());
        Assert.Equal("已提交", summary.GetProperty("system").GetProperty("filingStatus").GetString());
        var page = await hospital.SendAsync(HttpMethod.Get, $"/systems/{his}");
        Assert.Contains("已提交", page.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("备案证明 <strong></strong>", page.Body, StringComparison.Ordinal);
        Assert.Equal(rateBefore, await FilingRateAsync(regulator));

        // A number without its issue date is refused; with both it is 已备案 and counts.
        Assert.Equal(HttpStatusCode.BadRequest, (await hospital.SendAsync(HttpMethod.Post, $"/api/systems/{his}/filing", new { filedOn = Today, certificateNumber = "11010199-T-1" })).Status);
        Ok(await hospital.SendAsync(HttpMethod.Post, $"/api/systems/{his}/filing", new { filedOn = Today, certificateNumber = "11010199-T-1", certificateIssuedOn = Today }));
        Assert.True((await hospital.GetJsonAsync($"/api/systems/{his}")).GetProperty("system").GetProperty("filed").GetBoolean());
        Assert.True(await FilingRateAsync(regulator) > rateBefore);
    }

    [Fact]
    public async Task TheHospitalCannotWriteTheAgencysResultsAndRunsOnlyASelfInspection()
    {
        await using var platform = await PlatformFixture.StartAsync(DatabaseKind.Sqlite);
        using var hospital = await ApiClient.LoginAsync(platform, "hospital");
        using var assessor = await ApiClient.LoginAsync(platform, "assessor");
        using var assessor2 = await ApiClient.LoginAsync(platform, "assessor2");
        var his = await DemoHisAsync(platform);
        await GradeLevel3Async(hospital, his);

        // The agency's 等级测评, with a 不符合.
        var created = await assessor.SendAsync(HttpMethod.Post, $"/api/systems/{his}/assessments", new { assessedOn = Today });
        Assert.Equal(HttpStatusCode.Created, created.Status);
        var agencyAssessment = JsonDocument.Parse(created.Body).RootElement;
        Assert.Equal("LevelAssessment", agencyAssessment.GetProperty("kind").GetString());
        var agencyId = agencyAssessment.GetProperty("id").GetGuid();
        Ok(await assessor.SendAsync(HttpMethod.Put, $"/api/assessments/{agencyId}/items/L3-CES1-01", new { result = "不符合", risk = "高" }));

        // A second open one on the same day, and one dated tomorrow, are refused.
        Assert.Equal(HttpStatusCode.BadRequest, (await assessor.SendAsync(HttpMethod.Post, $"/api/systems/{his}/assessments", new { assessedOn = Today })).Status);
        var future = await assessor.SendAsync(HttpMethod.Post, $"/api/systems/{his}/assessments", new { assessedOn = DateTime.Today.AddDays(1).ToString("yyyy-MM-dd") });
        Assert.Equal(HttpStatusCode.BadRequest, future.Status);
        Assert.Contains("晚于今天", future.Body, StringComparison.Ordinal);

        // The hospital reads the 不符合 but cannot turn it into 符合, nor conclude the agency's assessment.
        var overwrite = await hospital.SendAsync(HttpMethod.Put, $"/api/assessments/{agencyId}/items/L3-CES1-01", new { result = "符合" });
        Assert.Equal(HttpStatusCode.BadRequest, overwrite.Status);
        Assert.Contains("测评机构", overwrite.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await hospital.SendAsync(HttpMethod.Post, $"/api/assessments/{agencyId}/conclusion")).Status);
        var items = (await hospital.GetJsonAsync($"/api/assessments/{agencyId}")).GetProperty("results");
        Assert.Equal("不符合", items.EnumerateArray().Single(i => i.GetProperty("code").GetString() == "L3-CES1-01").GetProperty("result").GetString());

        // What the hospital starts is a 自查 (on another day: the agency's is still open today); the agency cannot write into it.
        var yesterday = DateTime.Today.AddDays(-1).ToString("yyyy-MM-dd");
        var self = JsonDocument.Parse((await hospital.SendAsync(HttpMethod.Post, $"/api/systems/{his}/assessments", new { assessedOn = yesterday })).Body).RootElement;
        Assert.Equal("SelfInspection", self.GetProperty("kind").GetString());
        Assert.Null(self.GetProperty("agency").GetString());
        var selfId = self.GetProperty("id").GetGuid();
        Ok(await hospital.SendAsync(HttpMethod.Put, $"/api/assessments/{selfId}/items/L3-CES1-01", new { result = "符合" }));
        Assert.Equal(HttpStatusCode.BadRequest, (await assessor.SendAsync(HttpMethod.Put, $"/api/assessments/{selfId}/items/L3-CES1-01", new { result = "不符合" })).Status);

        // An agency not assigned to the system cannot start a 等级测评 there.
        Assert.Equal(HttpStatusCode.NotFound, (await assessor2.SendAsync(HttpMethod.Post, $"/api/systems/{his}/assessments", new { assessedOn = yesterday })).Status);

        await using var db = MedGuardContextFactory.Create(platform.Target);
        Assert.Equal(ItemResultValue.NonConforming, (await db.ItemResults.SingleAsync(r => r.AssessmentId == agencyId)).Result);
        Assert.Equal(ItemResultValue.Conforming, (await db.ItemResults.SingleAsync(r => r.AssessmentId == selfId)).Result);
    }

    [Fact]
    public async Task AnExtensionIsRequestedThenApprovedAndTheAuditKeepsOldAndNewDates()
    {
        await using var platform = await PlatformFixture.StartAsync(DatabaseKind.Sqlite);
        using var hospital = await ApiClient.LoginAsync(platform, "hospital");
        using var regulator = await ApiClient.LoginAsync(platform, "regulator");
        using var assessor2 = await ApiClient.LoginAsync(platform, "assessor2");
        var (task, due) = await OpenTaskOfDemoHospitalAsync(platform);
        var wanted = DateTime.Today.AddDays(120).ToString("yyyy-MM-dd");

        // The hospital can no longer move the deadline itself, nor declare 复测通过.
        var moved = await hospital.SendAsync(HttpMethod.Put, $"/api/rectifications/{task}", new { status = "InProgress", dueOn = wanted });
        Assert.Equal(HttpStatusCode.BadRequest, moved.Status);
        Assert.Contains("延期申请", moved.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await hospital.SendAsync(HttpMethod.Put, $"/api/rectifications/{task}", new { status = "Verified" })).Status);

        // It asks, with a reason; the deadline does not move until someone decides.
        Assert.Equal(HttpStatusCode.BadRequest, (await hospital.SendAsync(HttpMethod.Post, $"/api/rectifications/{task}/extension-requests", new { requestedDueOn = wanted, reason = "" })).Status);
        var asked = await hospital.SendAsync(HttpMethod.Post, $"/api/rectifications/{task}/extension-requests", new { requestedDueOn = wanted, reason = "防火墙采购需走招标流程" });
        Assert.Equal(HttpStatusCode.Created, asked.Status);
        var request = JsonDocument.Parse(asked.Body).RootElement.GetProperty("id").GetGuid();
        Assert.Equal(due, await DueOnAsync(platform, task));

        // The hospital cannot decide; an agency that did not find the shortfall cannot either; the regulator approves.
        Assert.Equal(HttpStatusCode.Forbidden, (await hospital.SendAsync(HttpMethod.Post, $"/api/extension-requests/{request}/decision", new { approve = true })).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await assessor2.SendAsync(HttpMethod.Post, $"/api/extension-requests/{request}/decision", new { approve = true })).Status);
        var decided = JsonDocument.Parse((await regulator.SendAsync(HttpMethod.Post, $"/api/extension-requests/{request}/decision", new { approve = true, note = "同意" })).Body).RootElement;
        Assert.Equal("Approved", decided.GetProperty("status").GetString());
        Assert.Equal("市卫健委 张监管", decided.GetProperty("decidedBy").GetString());
        Assert.Equal(DateOnly.Parse(wanted, System.Globalization.CultureInfo.InvariantCulture), await DueOnAsync(platform, task));

        // Decided once: a second decision is refused.
        Assert.Equal(HttpStatusCode.BadRequest, (await regulator.SendAsync(HttpMethod.Post, $"/api/extension-requests/{request}/decision", new { approve = false, note = "改主意" })).Status);

        // The audit trail has the old and new deadline, not only the field's name.
        await using var db = MedGuardContextFactory.Create(platform.Target);
        var entry = await db.AuditEntries.Where(e => e.EntityType == "RectificationItem" && e.EntityId == task.ToString() && e.Action == "update").SingleAsync();
        Assert.Contains($"整改期限(DueOn): {due:yyyy-MM-dd} → {wanted}", entry.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheAgencyDecidesExtensionsOfItsOwnFindingsAndARefusalLeavesTheDeadline()
    {
        await using var platform = await PlatformFixture.StartAsync(DatabaseKind.Sqlite);
        using var hospital = await ApiClient.LoginAsync(platform, "hospital");
        using var assessor = await ApiClient.LoginAsync(platform, "assessor");
        var his = await DemoHisAsync(platform);
        await GradeLevel3Async(hospital, his);
        var assessment = JsonDocument.Parse((await assessor.SendAsync(HttpMethod.Post, $"/api/systems/{his}/assessments", new { assessedOn = Today })).Body).RootElement.GetProperty("id").GetGuid();
        var due = DateOnly.FromDateTime(DateTime.Today).AddDays(30);
        Guid task;
        await using (var db = MedGuardContextFactory.Create(platform.Target))
        {
            var item = new RectificationItem { SystemId = his, AssessmentId = assessment, ItemCode = "L3-CES1-01", Title = "测评发现：口令复杂度不足", DueOn = due };
            db.Rectifications.Add(item);
            await db.SaveChangesAsync();
            task = item.Id;
        }

        var asked = await hospital.SendAsync(HttpMethod.Post, $"/api/rectifications/{task}/extension-requests", new { requestedDueOn = DateTime.Today.AddDays(200).ToString("yyyy-MM-dd"), reason = "需要更换认证系统" });
        var request = JsonDocument.Parse(asked.Body).RootElement.GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.BadRequest, (await assessor.SendAsync(HttpMethod.Post, $"/api/extension-requests/{request}/decision", new { approve = false })).Status); // reason required
        var decided = JsonDocument.Parse((await assessor.SendAsync(HttpMethod.Post, $"/api/extension-requests/{request}/decision", new { approve = false, note = "口令策略调整无需半年" })).Body).RootElement;
        Assert.Equal("Refused", decided.GetProperty("status").GetString());
        Assert.Equal(due, await DueOnAsync(platform, task));

        // 复测通过 is the assessor's for its own finding, not the hospital's.
        Assert.Equal(HttpStatusCode.BadRequest, (await hospital.SendAsync(HttpMethod.Put, $"/api/rectifications/{task}", new { status = "Verified" })).Status);
        Ok(await assessor.SendAsync(HttpMethod.Put, $"/api/rectifications/{task}", new { status = "Verified" }));
    }

    [Fact]
    public async Task AnEndedAssignmentEndsTheAgencysAccess()
    {
        await using var platform = await PlatformFixture.StartAsync(DatabaseKind.Sqlite);
        using var assessor = await ApiClient.LoginAsync(platform, "assessor");
        var his = await DemoHisAsync(platform);
        Guid institution;
        await using (var db = MedGuardContextFactory.Create(platform.Target))
        {
            institution = await db.Systems.Where(s => s.Id == his).Select(s => s.InstitutionId).SingleAsync();
        }

        Ok(await assessor.SendAsync(HttpMethod.Get, $"/api/systems/{his}"));
        Ok(await assessor.SendAsync(HttpMethod.Get, $"/api/institutions/{institution}/contacts"));

        // The engagement ended yesterday.
        await using (var db = MedGuardContextFactory.Create(platform.Target))
        {
            var assignments = await db.AgencyAssignments.Where(a => a.SystemId == his).ToListAsync();
            Assert.NotEmpty(assignments);
            assignments.ForEach(a => a.EndsOn = DateOnly.FromDateTime(DateTime.Today).AddDays(-1));
            await db.SaveChangesAsync();
        }

        Assert.Equal(HttpStatusCode.NotFound, (await assessor.SendAsync(HttpMethod.Get, $"/api/systems/{his}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await assessor.SendAsync(HttpMethod.Get, $"/api/institutions/{institution}/contacts")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await assessor.SendAsync(HttpMethod.Post, $"/api/systems/{his}/assessments", new { assessedOn = Today })).Status);
        Assert.DoesNotContain(his.ToString(), (await assessor.SendAsync(HttpMethod.Get, "/api/systems")).Body, StringComparison.Ordinal);

        // One that starts tomorrow gives nothing today either.
        await using (var db = MedGuardContextFactory.Create(platform.Target))
        {
            foreach (var a in await db.AgencyAssignments.Where(a => a.SystemId == his).ToListAsync())
            {
                a.EndsOn = null;
                a.AssignedOn = DateOnly.FromDateTime(DateTime.Today).AddDays(1);
            }

            await db.SaveChangesAsync();
        }

        Assert.Equal(HttpStatusCode.NotFound, (await assessor.SendAsync(HttpMethod.Get, $"/api/systems/{his}")).Status);
    }

    private static async Task<Guid> DemoHisAsync(PlatformFixture platform)
    {
        await using var db = MedGuardContextFactory.Create(platform.Target);
        return await db.Systems.Where(s => s.Institution!.Name == DemoProvince.DemoHospitalName && s.Business == BusinessKind.His).Select(s => s.Id).SingleAsync();
    }

    private static async Task GradeLevel3Async(ApiClient hospital, Guid system) =>
        Ok(await hospital.SendAsync(HttpMethod.Post, $"/api/systems/{system}/grading", new { informationObject = "public", informationDegree = "serious", serviceObject = "citizen", serviceDegree = "general" }));

    /// <summary>An open task of the demo hospital from no agency's assessment (so its regulator decides).</summary>
    private static async Task<(Guid Task, DateOnly DueOn)> OpenTaskOfDemoHospitalAsync(PlatformFixture platform)
    {
        await using var db = MedGuardContextFactory.Create(platform.Target);
        var his = await db.Systems.SingleAsync(s => s.Institution!.Name == DemoProvince.DemoHospitalName && s.Business == BusinessKind.His);
        var due = DateOnly.FromDateTime(DateTime.Today).AddDays(20);
        var task = new RectificationItem { SystemId = his.Id, Title = "延期测试：互联网边界未部署入侵防范", Risk = "中", DueOn = due, CreatedOn = DateOnly.FromDateTime(DateTime.Today) };
        db.Rectifications.Add(task);
        await db.SaveChangesAsync();
        return (task.Id, due);
    }

    private static async Task<DateOnly?> DueOnAsync(PlatformFixture platform, Guid task)
    {
        await using var db = MedGuardContextFactory.Create(platform.Target);
        return await db.Rectifications.Where(r => r.Id == task).Select(r => r.DueOn).SingleAsync();
    }

    /// <summary>The regulator's 备案率 over its whole region (the dashboard's total row).</summary>
    private static async Task<double> FilingRateAsync(ApiClient regulator) =>
        (await regulator.GetJsonAsync("/api/dashboard")).GetProperty("total").GetProperty("filedRate").GetDouble();

    private static void Ok((HttpStatusCode Status, string Body) response) =>
        Assert.True((int)response.Status is >= 200 and < 300, $"{(int)response.Status} {response.Body}");
}
