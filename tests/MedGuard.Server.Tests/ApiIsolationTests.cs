using System.Net;
using System.Text;
using MedGuard.Domain.Assessment;
using MedGuard.Domain.Systems;
using MedGuard.Server.Demo;
using MedGuard.Storage.Providers;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace MedGuard.Server.Tests;

/// <summary>
/// Tries every API endpoint that touches tenant data as every role and tenant that must not reach it: nothing leaks
/// (403/404, no identifying data in the body, not in any list) and nothing changes (the database fingerprint is equal
/// before and after). Positive controls show the same calls do work for those who may make them.
/// </summary>
public sealed class ApiIsolationTests(ITestOutputHelper output)
{
    private static readonly string[] Users = ["admin", "regulator", "haidian", "hospital", "hospital2", "assessor", "assessor2"];

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task NoEndpointLeaksOrChangesAnotherTenantsData(DatabaseKind kind)
    {
        await using var platform = await PlatformFixture.StartAsync(kind);
        var clients = new Dictionary<string, ApiClient>();
        foreach (var user in Users)
        {
            clients[user] = await ApiClient.LoginAsync(platform, user);
        }

        // Tenant A: the demo hospital (region 110101), its HIS graded and filed by its own user, assessed by the
        // agency assigned to it, with evidence and a rectification task.
        Guid institutionA, systemA, agencyA, hospitalUser;
        string nameA;
        await using (var db = MedGuardContextFactory.Create(platform.Target))
        {
            var a = await db.Institutions.SingleAsync(i => i.Name == DemoProvince.DemoHospitalName);
            (institutionA, nameA) = (a.Id, a.Name);
            systemA = await db.Systems.Where(s => s.InstitutionId == a.Id && s.Business == BusinessKind.His).Select(s => s.Id).SingleAsync();
            agencyA = (await db.Users.SingleAsync(u => u.UserName == "assessor")).AgencyId!.Value;
            hospitalUser = (await db.Users.SingleAsync(u => u.UserName == "hospital")).Id;
        }

        var hospital = clients["hospital"];
        var today = PlatformFixture.DemoToday.ToString("yyyy-MM-dd");
        Ok(await hospital.SendAsync(HttpMethod.Post, $"/api/systems/{systemA}/grading", new { informationObject = "public", informationDegree = "serious", serviceObject = "citizen", serviceDegree = "general" }));
        var realToday = DateTime.Today.ToString("yyyy-MM-dd");
        Ok(await hospital.SendAsync(HttpMethod.Post, $"/api/systems/{systemA}/expert-review", new { reviewedOn = realToday, reviewers = "隔离测试专家组" }));
        Ok(await hospital.SendAsync(HttpMethod.Post, $"/api/systems/{systemA}/approval-request"));
        Ok(await clients["regulator"].SendAsync(HttpMethod.Post, $"/api/systems/{systemA}/approval", new { approve = true }));
        Ok(await hospital.SendAsync(HttpMethod.Post, $"/api/systems/{systemA}/filing", new { filedOn = realToday, certificateNumber = "ISO-TEST-1", certificateIssuedOn = realToday }));
        var created = await clients["assessor"].SendAsync(HttpMethod.Post, $"/api/systems/{systemA}/assessments", new { assessedOn = today });
        Assert.Equal(HttpStatusCode.Created, created.Status);
        var assessmentA = System.Text.Json.JsonDocument.Parse(created.Body).RootElement.GetProperty("id").GetGuid();
        const string Evidence = "患者张三 身份证 110101199001011234 明文存储";
        Ok(await clients["assessor"].SendAsync(HttpMethod.Put, $"/api/assessments/{assessmentA}/items/L3-CES1-01", new { result = "不符合", evidence = Evidence, risk = "高" }));
        Guid rectificationA;
        await using (var db = MedGuardContextFactory.Create(platform.Target))
        {
            var task = new RectificationItem { SystemId = systemA, AssessmentId = assessmentA, ItemCode = "L3-CES1-01", Title = "隔离测试整改任务", DueOn = PlatformFixture.DemoToday.AddDays(30) };
            db.Rectifications.Add(task);
            await db.SaveChangesAsync();
            rectificationA = task.Id;
        }

        var asked = await hospital.SendAsync(HttpMethod.Post, $"/api/rectifications/{rectificationA}/extension-requests", new { requestedDueOn = DateTime.Today.AddDays(90).ToString("yyyy-MM-dd"), reason = "隔离测试：设备采购" });
        Assert.Equal(HttpStatusCode.Created, asked.Status);
        var extensionA = System.Text.Json.JsonDocument.Parse(asked.Body).RootElement.GetProperty("id").GetGuid();

        // The findings spine: an address of A's HIS with its authorization, and a finding on it imported from a port scan.
        var assetA = await FindingsData.RegisterAssetAsync(platform, institutionA, MedGuard.Domain.Inventory.AssetKind.Ip, "10.88.0.5", systemA, "ports");
        Guid authorizationA, findingA;
        Ok(await hospital.SendContentAsync(HttpMethod.Post, "/api/findings/import", FindingsData.JsonContent(
            FindingsData.PortRun("10.88.0.5", (5432, "ports.postgres-exposed", MedGuard.Domain.Findings.Severity.High, $"患者身份证 110101199001011234")))));
        await using (var db = MedGuardContextFactory.Create(platform.Target))
        {
            authorizationA = await db.AssetAuthorizations.Where(z => z.AssetId == assetA).Select(z => z.Id).SingleAsync();
            findingA = await db.Findings.Where(f => f.AssetId == assetA).Select(f => f.Id).SingleAsync();
        }

        // A candidate asset of A (issue 18 §5): A's app imported with the server it talks to.
        const string CandidateHost = "isolation-app-server.cn";
        await FindingsData.RegisterAssetAsync(platform, institutionA, MedGuard.Domain.Inventory.AssetKind.App, "cn.isolation.booking", systemA, "apk");
        Ok(await hospital.SendContentAsync(HttpMethod.Post, "/api/findings/import", FindingsData.JsonContent(FindingsData.AppRun("cn.isolation.booking", $"https://{CandidateHost}/api"))));
        Guid candidateA;
        await using (var db = MedGuardContextFactory.Create(platform.Target))
        {
            candidateA = await db.AssetCandidates.Where(c => c.InstitutionId == institutionA && c.Host == CandidateHost).Select(c => c.Id).SingleAsync();
        }

        var runForA = System.Text.Json.JsonDocument.Parse(MedGuard.Domain.Detection.DetectionRunJson.Write(
            FindingsData.PortRun("10.88.0.5", (5433, "ports.postgres-exposed", MedGuard.Domain.Findings.Severity.High, null)))).RootElement;

        // Campaigns (issue 14): the regulator's over A with its round planned (the engine's call, as its pump makes it),
        // and A's stop switch set by A itself.
        var campaignCreated = await clients["regulator"].SendAsync(HttpMethod.Post, "/api/campaigns",
            new { name = "隔离测试检测任务", scope = new { institutionIds = new[] { institutionA } }, detectors = new[] { "ports" } });
        Assert.Equal(HttpStatusCode.Created, campaignCreated.Status);
        var campaignA = System.Text.Json.JsonDocument.Parse(campaignCreated.Body).RootElement.GetProperty("id").GetGuid();
        Guid stopA;
        Ok(await hospital.SendAsync(HttpMethod.Post, "/api/detection-stops", new { institutionId = institutionA, reason = "隔离测试停止" }));
        await using (var db = MedGuardContextFactory.Create(platform.Target))
        {
            Assert.NotNull(await new MedGuard.Storage.Campaigns.CampaignService().StartRoundAsync(db, campaignA));
            stopA = await db.DetectionStops.Where(s => s.InstitutionId == institutionA).Select(s => s.Id).SingleAsync();
        }

        // A document about tenant A's system (issue 17), recorded for re-download.
        var (reportStatus, _, reportHeaders) = await hospital.GetBytesAsync($"/api/reports/grading/{systemA}?format=xlsx");
        Assert.Equal(HttpStatusCode.OK, reportStatus);
        var reportA = reportHeaders["X-Report-Id"];

        // Who may see tenant A at all, and who may change what.
        string[] readers = ["admin", "regulator", "hospital", "assessor"];
        string[] inventory = ["admin", "hospital"];
        string[] assessors = ["admin", "hospital", "assessor"];
        string[] rectifiers = ["admin", "regulator", "hospital", "assessor"];
        string[] registrars = ["admin", "regulator", "hospital"];
        string[] campaigners = ["admin", "regulator"];
        var secrets = new[] { nameA, campaignA.ToString(), "隔离测试检测任务", stopA.ToString(), "隔离测试停止", institutionA.ToString(), systemA.ToString(), assessmentA.ToString(), rectificationA.ToString(), extensionA.ToString(), "110101199001011234", "ISO-TEST-1", "设备采购",
            assetA.ToString(), findingA.ToString(), authorizationA.ToString(), "10.88.0.5", candidateA.ToString(), CandidateHost };

        var newUser = new { userName = "intruder", displayName = "越权", password = "Intruder-2026x", role = "Admin" };
        var cases = new List<(HttpMethod Method, string Route, string Path, object? Body, string[] Allowed)>
        {
            (HttpMethod.Get, "/api/institutions/{id:guid}", $"/api/institutions/{institutionA}", null, readers),
            (HttpMethod.Get, "/api/institutions/{id:guid}/contacts", $"/api/institutions/{institutionA}/contacts", null, readers),
            (HttpMethod.Put, "/api/institutions/{id:guid}/survey", $"/api/institutions/{institutionA}/survey", new { securityStaffCount = 99 }, inventory),
            (HttpMethod.Post, "/api/institutions/{id:guid}/systems", $"/api/institutions/{institutionA}/systems", new { name = "越权新增", type = "InformationSystem", business = "Other" }, inventory),
            (HttpMethod.Get, "/api/systems/{id:guid}", $"/api/systems/{systemA}", null, readers),
            (HttpMethod.Post, "/api/systems/{id:guid}/grading", $"/api/systems/{systemA}/grading", new { informationObject = "national", informationDegree = "critical", serviceObject = "national", serviceDegree = "critical" }, inventory),
            (HttpMethod.Post, "/api/systems/{id:guid}/filing", $"/api/systems/{systemA}/filing", new { filedOn = DateTime.Today.ToString("yyyy-MM-dd"), certificateNumber = "HACKED" }, inventory),
            (HttpMethod.Get, "/api/systems/{id:guid}/deadlines", $"/api/systems/{systemA}/deadlines", null, readers),
            (HttpMethod.Get, "/api/systems/{id:guid}/assessments", $"/api/systems/{systemA}/assessments", null, readers),
            (HttpMethod.Post, "/api/systems/{id:guid}/assessments", $"/api/systems/{systemA}/assessments", new { assessedOn = today }, assessors),
            (HttpMethod.Get, "/api/assessments/{id:guid}", $"/api/assessments/{assessmentA}", null, readers),
            (HttpMethod.Put, "/api/assessments/{id:guid}/items/{code}", $"/api/assessments/{assessmentA}/items/L3-CES1-02", new { result = "符合", evidence = "越权" }, assessors),
            (HttpMethod.Post, "/api/assessments/{id:guid}/conclusion", $"/api/assessments/{assessmentA}/conclusion", null, assessors),
            (HttpMethod.Put, "/api/rectifications/{id:guid}", $"/api/rectifications/{rectificationA}", new { status = "Accepted" }, rectifiers),
            (HttpMethod.Post, "/api/systems/{id:guid}/expert-review", $"/api/systems/{systemA}/expert-review", new { reviewedOn = realToday, reviewers = "越权" }, inventory),
            (HttpMethod.Post, "/api/systems/{id:guid}/approval-request", $"/api/systems/{systemA}/approval-request", null, inventory),
            (HttpMethod.Post, "/api/systems/{id:guid}/approval", $"/api/systems/{systemA}/approval", new { approve = false, reason = "越权" }, ["regulator"]),
            (HttpMethod.Get, "/api/systems/{id:guid}/approval", $"/api/systems/{systemA}/approval", null, readers),
            (HttpMethod.Get, "/api/rectifications/{id:guid}/extension-requests", $"/api/rectifications/{rectificationA}/extension-requests", null, readers),
            (HttpMethod.Post, "/api/rectifications/{id:guid}/extension-requests", $"/api/rectifications/{rectificationA}/extension-requests", new { requestedDueOn = "2099-01-01", reason = "越权" }, ["hospital"]),
            (HttpMethod.Post, "/api/extension-requests/{id:guid}/decision", $"/api/extension-requests/{extensionA}/decision", new { approve = true }, ["regulator", "assessor"]),
            (HttpMethod.Get, "/api/dashboard", "/api/dashboard", null, ["admin", "regulator", "haidian"]),
            // The sector figures: a hospital gets its own (the tenant filter); an agency none.
            (HttpMethod.Get, "/api/dashboard/figures", "/api/dashboard/figures", null, ["admin", "regulator", "haidian", "hospital", "hospital2"]),
            (HttpMethod.Get, "/api/users", "/api/users", null, ["admin"]),
            (HttpMethod.Post, "/api/users", "/api/users", newUser, ["admin"]),
            (HttpMethod.Get, "/api/audit/verify", "/api/audit/verify", null, ["admin"]),
            (HttpMethod.Post, "/api/users/{id:guid}/password-reset", $"/api/users/{hospitalUser}/password-reset", null, ["admin"]),
            (HttpMethod.Get, "/api/findings/{id:guid}", $"/api/findings/{findingA}", null, readers),
            (HttpMethod.Post, "/api/findings/{id:guid}/status", $"/api/findings/{findingA}/status", new { action = "confirm" }, readers),
            (HttpMethod.Post, "/api/findings/import", $"/api/findings/import?institution={institutionA}", runForA, registrars),
            (HttpMethod.Get, "/api/assets/{id:guid}", $"/api/assets/{assetA}", null, readers),
            (HttpMethod.Post, "/api/assets", "/api/assets", new { institutionId = institutionA, kind = "ip", value = "10.88.0.6", authorization = new { authorizedBy = "越权", validUntil = "2099-01-01" } }, registrars),
            (HttpMethod.Post, "/api/assets/{id:guid}/authorizations", $"/api/assets/{assetA}/authorizations", new { authorizedBy = "越权" }, registrars),
            (HttpMethod.Post, "/api/assets/{id:guid}/authorizations/{authorizationId:guid}/revoke", $"/api/assets/{assetA}/authorizations/{authorizationA}/revoke", null, registrars),
            (HttpMethod.Post, "/api/asset-candidates/{id:guid}/accept", $"/api/asset-candidates/{candidateA}/accept", new { name = "越权" }, registrars),
            (HttpMethod.Post, "/api/asset-candidates/{id:guid}/dismiss", $"/api/asset-candidates/{candidateA}/dismiss", new { reason = "越权" }, registrars),
            (HttpMethod.Get, "/api/campaigns/{id:guid}", $"/api/campaigns/{campaignA}", null, campaigners),
            (HttpMethod.Post, "/api/campaigns/{id:guid}/cancel", $"/api/campaigns/{campaignA}/cancel", null, campaigners),
            (HttpMethod.Post, "/api/campaigns/{id:guid}/retry-failed", $"/api/campaigns/{campaignA}/retry-failed", null, campaigners),
            (HttpMethod.Post, "/api/campaigns", "/api/campaigns", new { name = "越权检测", scope = new { institutionIds = new[] { institutionA } }, detectors = new[] { "ports" } }, registrars),
            (HttpMethod.Post, "/api/detection-stops", "/api/detection-stops", new { institutionId = institutionA, reason = "越权停止" }, registrars),
            (HttpMethod.Delete, "/api/detection-stops", $"/api/detection-stops?institution={institutionA}", null, registrars),
            (HttpMethod.Get, "/api/reports/grading/{systemId:guid}", $"/api/reports/grading/{systemA}?format=xlsx", null, readers),
            (HttpMethod.Get, "/api/reports/filing/{systemId:guid}", $"/api/reports/filing/{systemA}?format=xlsx", null, readers),
            (HttpMethod.Get, "/api/reports/assessment/{assessmentId:guid}", $"/api/reports/assessment/{assessmentA}?format=xlsx", null, readers),
            (HttpMethod.Get, "/api/reports/notice/{institutionId:guid}", $"/api/reports/notice/{institutionA}?format=xlsx", null, registrars),
            (HttpMethod.Get, "/api/reports/situation", "/api/reports/situation?region=110101&format=xlsx", null, ["admin", "regulator"]),
            (HttpMethod.Get, "/api/reports/{id:guid}/file", $"/api/reports/{reportA}/file", null, readers),
            (HttpMethod.Post, "/api/reports/verify", "/api/reports/verify", new { not = "a document" }, Users),
        };
        // Lists: everyone may call them, but tenant A's rows appear only for its readers.
        var lists = new List<(string Route, string[] Allowed, string Secret)>
        {
            ("/api/institutions", readers, institutionA.ToString()),
            ("/api/systems", readers, systemA.ToString()),
            ("/api/rectifications", readers, rectificationA.ToString()),
            ("/api/agencies", ["admin", "regulator", "haidian", "hospital", "hospital2", "assessor"], agencyA.ToString()),
            ("/api/findings", readers, findingA.ToString()),
            ("/api/assets", readers, assetA.ToString()),
            // Candidates are the institution's and its regulator's to judge: no agency sees them.
            ("/api/asset-candidates", registrars, candidateA.ToString()),
            ($"/api/asset-candidates?institution={institutionA}&all=true", registrars, CandidateHost),
            ("/api/reports", readers, reportA),
        };
        // Campaign lists: assessment agencies run no campaigns (403); everyone else 200, A's rows only for its readers.
        var campaignLists = new List<(string Route, string[] Allowed, string Secret)>
        {
            ("/api/campaigns", campaigners, campaignA.ToString()),
            ("/api/detection-stops", registrars, stopA.ToString()),
        };
        string[] selfRoutes = ["/api/session", "/api/csrf", "/api/me", "/api/me/password"];

        // Every /api route of the running application is covered by one of the tables above.
        var routes = platform.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => e.RoutePattern.RawText!).Where(r => r.StartsWith("/api", StringComparison.Ordinal)).Distinct().ToList();
        // The asset sheet names its institution in its rows (no id in the route): tried separately below.
        var covered = cases.Select(c => c.Route).Concat(lists.Select(l => l.Route)).Concat(campaignLists.Select(l => l.Route)).Concat(selfRoutes).Append("/api/assets/import").ToHashSet();
        Assert.DoesNotContain(routes, r => !covered.Contains(r));

        var before = await DatabaseSnapshot.TakeAsync(platform);
        var pairs = 0;
        foreach (var (method, route, path, body, allowed) in cases)
        {
            foreach (var user in Users.Where(u => !allowed.Contains(u)))
            {
                var (status, text) = await clients[user].SendAsync(method, path, body);
                pairs++;
                Assert.True(status is HttpStatusCode.NotFound or HttpStatusCode.Forbidden, $"{user} {method} {path} → {(int)status} {text}");
                foreach (var secret in secrets)
                {
                    Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
                }
            }
        }

        foreach (var (route, allowed, secret) in lists)
        {
            foreach (var user in Users)
            {
                var (status, text) = await clients[user].SendAsync(HttpMethod.Get, route);
                pairs++;
                Assert.Equal(HttpStatusCode.OK, status);
                Assert.True(allowed.Contains(user) == text.Contains(secret, StringComparison.Ordinal), $"{user} GET {route}: 可见性错误");
            }
        }

        foreach (var (route, allowed, secret) in campaignLists)
        {
            foreach (var user in Users)
            {
                var (status, text) = await clients[user].SendAsync(HttpMethod.Get, route);
                pairs++;
                Assert.Equal(user.StartsWith("assessor", StringComparison.Ordinal) ? HttpStatusCode.Forbidden : HttpStatusCode.OK, status);
                Assert.True(allowed.Contains(user) == text.Contains(secret, StringComparison.Ordinal), $"{user} GET {route}: 可见性错误");
            }
        }

        // A sheet registering an asset for A: refused for every user who may not register A's assets, nothing written.
        var sheet = Encoding.UTF8.GetBytes($"机构,类型,值,授权单位,授权止\n{institutionA},ip,10.88.0.7,越权,2099-01-01\n");
        foreach (var user in Users.Where(u => !registrars.Contains(u)))
        {
            var form = new MultipartFormDataContent { { new ByteArrayContent(sheet), "sheet", "assets.csv" } };
            var (status, text) = await clients[user].SendContentAsync(HttpMethod.Post, "/api/assets/import", form);
            pairs++;
            Assert.True(status is HttpStatusCode.BadRequest or HttpStatusCode.NotFound or HttpStatusCode.Forbidden, $"{user} POST /api/assets/import → {(int)status}");
            Assert.DoesNotContain(nameA, text, StringComparison.Ordinal);
        }

        // Anonymous callers get nothing from any tenant endpoint.
        using var anonymous = ApiClient.Anonymous(platform);
        foreach (var (method, _, path, body, _) in cases)
        {
            var (status, text) = await anonymous.SendAsync(method, path, body);
            pairs++;
            Assert.True(status is HttpStatusCode.Unauthorized or HttpStatusCode.BadRequest, $"anonymous {method} {path} → {(int)status}");
            Assert.DoesNotContain(nameA, text, StringComparison.Ordinal);
        }

        // The pages go through the same tenant-scoped database: another tenant's pages are 404 (or a redirect to the
        // 403 page for a role that may not act there), never their content.
        string[] pages = [$"/institutions/{institutionA}", $"/systems/{systemA}", $"/systems/{systemA}/grade", $"/assessments/{assessmentA}", $"/rectifications/{rectificationA}",
            $"/findings/{findingA}", $"/assets/{assetA}", $"/campaigns/{campaignA}", $"/assets/new?candidate={candidateA}"];
        var pagePairs = 0;
        foreach (var pagePath in pages)
        {
            foreach (var user in new[] { "haidian", "hospital2", "assessor2" })
            {
                var (status, text) = await clients[user].SendAsync(HttpMethod.Get, pagePath);
                pagePairs++;
                Assert.True(status is HttpStatusCode.NotFound || (status == HttpStatusCode.Redirect && text.Length == 0), $"{user} GET {pagePath} → {(int)status}");
                Assert.DoesNotContain(nameA, text, StringComparison.Ordinal);
                Assert.DoesNotContain("110101199001011234", text, StringComparison.Ordinal);
            }
        }

        // The list pages show another tenant's assets and findings to no one outside it.
        foreach (var listPage in new[] { "/findings", "/assets", $"/findings?institution={institutionA}", $"/assets?institution={institutionA}" })
        {
            foreach (var user in new[] { "haidian", "hospital2", "assessor2" })
            {
                var (status, text) = await clients[user].SendAsync(HttpMethod.Get, listPage);
                pagePairs++;
                Assert.Equal(HttpStatusCode.OK, status);
                Assert.DoesNotContain("10.88.0.5", text, StringComparison.Ordinal);
                Assert.DoesNotContain(findingA.ToString(), text, StringComparison.Ordinal);
                Assert.DoesNotContain(CandidateHost, text, StringComparison.Ordinal);
            }
        }

        // Dismissing A's candidate from the assets page: 404 (or the 403 page for an agency), nothing changes.
        foreach (var user in new[] { "haidian", "hospital2", "assessor2" })
        {
            var (status, text) = await clients[user].SendAsync(HttpMethod.Post, $"/assets?handler=Dismiss&candidate={candidateA}&reason=越权");
            pagePairs++;
            Assert.True(status is HttpStatusCode.NotFound || (status == HttpStatusCode.Redirect && text.Length == 0), $"{user} POST /assets?handler=Dismiss → {(int)status}");
        }

        // The campaign pages: another tenant's list shows nothing of A's campaign, its findings links nothing, an agency
        // has no campaign pages at all; the detail page's actions are 404 (or 403) and change nothing.
        foreach (var user in new[] { "haidian", "hospital2", "assessor2" })
        {
            foreach (var listPage in new[] { "/campaigns", "/campaigns/new", $"/findings?campaign={campaignA}&found=new" })
            {
                var (status, text) = await clients[user].SendAsync(HttpMethod.Get, listPage);
                pagePairs++;
                var agencyBlocked = user == "assessor2" && listPage.StartsWith("/campaigns", StringComparison.Ordinal);
                Assert.True(agencyBlocked ? status == HttpStatusCode.Redirect && text.Length == 0 : status == HttpStatusCode.OK, $"{user} GET {listPage} → {(int)status}");
                if (!listPage.StartsWith("/findings", StringComparison.Ordinal))
                {
                    // (the findings page echoes the id the caller itself asked for; the campaign's name and rows stay hidden)
                    Assert.DoesNotContain(campaignA.ToString(), text, StringComparison.Ordinal);
                }

                Assert.DoesNotContain("隔离测试检测任务", text, StringComparison.Ordinal);
                Assert.DoesNotContain(nameA, text, StringComparison.Ordinal);
            }

            foreach (var action in new[] { "Cancel", "Retry", $"Stop&institution={institutionA}&reason=越权", $"Resume&institution={institutionA}" })
            {
                var (status, text) = await clients[user].SendAsync(HttpMethod.Post, $"/campaigns/{campaignA}?handler={action}");
                pagePairs++;
                Assert.True(status is HttpStatusCode.NotFound || (status == HttpStatusCode.Redirect && text.Length == 0), $"{user} POST /campaigns/…?handler={action} → {(int)status}");
            }
        }

        var after = await DatabaseSnapshot.TakeAsync(platform);
        Assert.Equal(before, after);
        output.WriteLine($"[{kind}] API isolation: {pairs} endpoint × role pairs tried ({cases.Count} endpoints on tenant data, {lists.Count} list endpoints, {Users.Length} users + anonymous), plus {pagePairs} page × role pairs; nothing leaked, database unchanged.");
        Console.WriteLine($"[{kind}] API isolation: {pairs} endpoint × role pairs tried, plus {pagePairs} page × role pairs; nothing leaked, database unchanged.");

        // Positive controls: the owner and its regulator read A, the assigned assessor sees its evidence decrypted,
        // and a changing call without the anti-forgery token is refused even for the owner.
        foreach (var user in readers)
        {
            Assert.Contains(nameA, (await clients[user].GetJsonAsync($"/api/institutions/{institutionA}")).GetRawText(), StringComparison.Ordinal);
        }

        Assert.Contains("110101199001011234", (await clients["assessor"].GetJsonAsync($"/api/assessments/{assessmentA}")).GetRawText(), StringComparison.Ordinal);
        Ok(await hospital.SendAsync(HttpMethod.Put, $"/api/institutions/{institutionA}/survey", new { securityStaffCount = 7 }));
        Assert.NotEqual(after, await DatabaseSnapshot.TakeAsync(platform));

        foreach (var client in clients.Values)
        {
            client.Dispose();
        }
    }

    private static void Ok((HttpStatusCode Status, string Body) response) =>
        Assert.True((int)response.Status is >= 200 and < 300, $"{(int)response.Status} {response.Body}");
}
