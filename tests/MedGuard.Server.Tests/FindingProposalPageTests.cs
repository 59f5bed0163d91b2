using System.Net;
using MedGuard.Domain.Assessment;
using MedGuard.Domain.Findings;
using MedGuard.Domain.Inventory;
using MedGuard.Storage.Providers;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Server.Tests;

/// <summary>
/// Issue 12 §5 on the assessment page: open findings on the assessed system's assets are proposed for the GB/T 22239
/// items they cite, grouped by item with their high-risk cases flagged; the assessor accepts or rejects each one, and
/// the decision (who) is shown; nobody else may decide.
/// </summary>
public sealed class FindingProposalPageTests
{
    [Fact]
    public async Task TheAssessorDecidesEachProposalOnTheAssessmentPage()
    {
        await using var platform = await PlatformFixture.StartAsync(DatabaseKind.Sqlite);
        Guid assessmentId, systemId, institutionId;
        await using (var db = MedGuardContextFactory.Create(platform.Target))
        {
            var agency = (await db.Users.SingleAsync(u => u.UserName == "assessor")).AgencyId!.Value;
            var assessment = await db.Assessments
                .Where(a => a.AgencyId == agency && a.Kind == AssessmentKind.LevelAssessment && db.AgencyAssignments.Any(x => x.AgencyId == agency && x.SystemId == a.SystemId && x.EndsOn == null))
                .OrderBy(a => a.Conclusion == null ? 0 : 1).FirstAsync();
            (assessmentId, systemId) = (assessment.Id, assessment.SystemId);
            institutionId = await db.Systems.Where(s => s.Id == systemId).Select(s => s.InstitutionId).SingleAsync();
        }

        await FindingsData.RegisterAssetAsync(platform, institutionId, AssetKind.Ip, "10.66.0.5", systemId, "ports");
        using var admin = await ApiClient.LoginAsync(platform, "admin");
        var imported = await admin.SendContentAsync(HttpMethod.Post, $"/api/findings/import?institution={institutionId}",
            FindingsData.JsonContent(FindingsData.PortRun("10.66.0.5", (3389, "ports.rdp-exposed", Severity.High, null), (23, "ports.telnet", Severity.Medium, null))));
        Assert.True(imported.Status == HttpStatusCode.OK, imported.Body);

        // The assessor sees both findings under L3-CES1-01, the high-risk case flagged, each waiting for a decision.
        using var assessor = await ApiClient.LoginAsync(platform, "assessor");
        var (status, html) = await assessor.SendAsync(HttpMethod.Get, $"/assessments/{assessmentId}");
        Assert.Equal(HttpStatusCode.OK, status);
        var proposals = PageText.Visible(System.Text.RegularExpressions.Regex.Match(html, "<div class=\"card mb-3\" id=\"finding-proposals\">.*?</table>", System.Text.RegularExpressions.RegexOptions.Singleline).Value);
        Assert.Contains("L3-CES1-01", proposals, StringComparison.Ordinal);
        Assert.Contains("高风险 6.4.1.1", proposals, StringComparison.Ordinal);
        Assert.Contains("3389", proposals, StringComparison.Ordinal);
        Assert.Contains("23 端口", proposals, StringComparison.Ordinal);
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Matches(html, "name=\"proposalId\"").Count);

        Guid rdp, telnet;
        int results;
        await using (var db = MedGuardContextFactory.Create(platform.Target))
        {
            results = await db.ItemResults.CountAsync(r => r.AssessmentId == assessmentId);
            var all = await db.FindingProposals.Where(p => p.AssessmentId == assessmentId)
                .Join(db.Findings, p => p.FindingId, f => f.Id, (p, f) => new { p.Id, f.RuleId, p.Decision }).ToListAsync();
            Assert.All(all, p => Assert.Equal(ProposalDecision.Pending, p.Decision));
            rdp = all.Single(p => p.RuleId == "ports.rdp-exposed").Id;
            telnet = all.Single(p => p.RuleId == "ports.telnet").Id;
        }

        // The hospital reads the agency's assessment but may not decide.
        using var hospitalOfSystem = await LoginOwnerAsync(platform, institutionId);
        if (hospitalOfSystem is not null)
        {
            var page = await hospitalOfSystem.SendAsync(HttpMethod.Get, $"/assessments/{assessmentId}");
            Assert.DoesNotContain("name=\"proposalId\"", page.Body, StringComparison.Ordinal);
        }

        // One accepted, one rejected with a note: each recorded with who decided, nothing else written.
        var token = PageText.AntiForgeryToken(html);
        var accept = await assessor.PostFormAsync($"/assessments/{assessmentId}?handler=Proposal", new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["proposalId"] = rdp.ToString(),
            ["accept"] = "true",
            ["note"] = "远程桌面暴露，纳入 8.1.4.1 判定",
        });
        Assert.Equal(HttpStatusCode.Redirect, accept.Status);
        var reject = await assessor.PostFormAsync($"/assessments/{assessmentId}?handler=Proposal", new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["proposalId"] = telnet.ToString(),
            ["accept"] = "false",
            ["note"] = "现场核实 Telnet 已关闭",
        });
        Assert.Equal(HttpStatusCode.Redirect, reject.Status);
        var after = PageText.Visible((await assessor.SendAsync(HttpMethod.Get, $"/assessments/{assessmentId}")).Body);
        Assert.Contains("已采纳", after, StringComparison.Ordinal);
        Assert.Contains("不采纳", after, StringComparison.Ordinal);
        Assert.Contains("现场核实 Telnet 已关闭", after, StringComparison.Ordinal);
        await using (var db = MedGuardContextFactory.Create(platform.Target))
        {
            var decided = await db.FindingProposals.Where(p => p.AssessmentId == assessmentId).ToListAsync();
            Assert.Equal([ProposalDecision.Accepted, ProposalDecision.Rejected], decided.OrderBy(p => p.Id == rdp ? 0 : 1).Select(p => p.Decision));
            Assert.All(decided, p => Assert.Contains("陈测评", p.DecidedBy, StringComparison.Ordinal));
            // Accepting writes no item result by itself: the assessor still enters it explicitly (never silently).
            Assert.Equal(results, await db.ItemResults.CountAsync(r => r.AssessmentId == assessmentId));
        }
    }

    /// <summary>The demo's hospital user when the assessed system is its own (the demo hospital); null otherwise.</summary>
    private static async Task<ApiClient?> LoginOwnerAsync(PlatformFixture platform, Guid institutionId)
    {
        await using var db = MedGuardContextFactory.Create(platform.Target);
        var owner = await db.Users.Where(u => u.InstitutionId == institutionId).Select(u => u.UserName).FirstOrDefaultAsync();
        return owner is null ? null : await ApiClient.LoginAsync(platform, owner);
    }
}
