using System.Net;
using System.Net.Http.Json;
using MedGuard.Domain.Systems;
using MedGuard.Security.Protection;
using MedGuard.Server.Demo;
using MedGuard.Server.Hosting;
using MedGuard.Storage.Providers;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MedGuard.Server.Tests;

/// <summary>
/// Running behind a TLS-terminating proxy, and what lies on the disk and comes over the wire: Secure cookies and HSTS
/// for https from a trusted proxy only, the session key ring encrypted at rest, an owner-only database file, length
/// limits, and refused requests answered with their 4xx, never a 500 or a server path.
/// </summary>
public sealed class DeploymentHygieneTests
{
    [Fact]
    public async Task BehindATrustedProxyCookiesAreSecureAndHstsIsSent()
    {
        await using var platform = await PlatformFixture.StartAsync(DatabaseKind.Sqlite);
        var admin = platform.Credentials["admin"];
        using var http = new HttpClient { BaseAddress = platform.BaseAddress };

        using var viaProxy = new HttpRequestMessage(HttpMethod.Post, "/api/session")
        {
            Content = JsonContent.Create(new { userName = "admin", password = admin.Password, code = await TotpCodes.FreshAsync(admin.TotpSecret!) }),
        };
        viaProxy.Headers.Add("X-Forwarded-Proto", "https");
        viaProxy.Headers.Add("X-Forwarded-For", "203.0.113.7");
        using var secure = await http.SendAsync(viaProxy);
        Assert.Equal(HttpStatusCode.OK, secure.StatusCode);
        var cookie = secure.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("medguard.session=", StringComparison.Ordinal));
        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith("max-age=", secure.Headers.GetValues("Strict-Transport-Security").Single(), StringComparison.Ordinal);
        await using (var db = MedGuardContextFactory.Create(platform.Target))
        {
            // The client's address is the one the proxy reports.
            Assert.True(await db.AuditEntries.AnyAsync(e => e.Action == "login" && e.UserName == "admin" && e.SourceAddress == "203.0.113.7"));
        }

        // Plain http without a proxy: no Secure flag (the browser would drop the cookie), no HSTS.
        using var direct = await http.GetAsync("/account/login");
        Assert.False(direct.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task ForwardedHeadersFromAnUntrustedAddressAreIgnored()
    {
        await using var platform = await PlatformFixture.StartAsync(DatabaseKind.Sqlite, o => o.TrustedProxies = ["10.20.30.40"]);
        using var http = new HttpClient { BaseAddress = platform.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/account/login");
        request.Headers.Add("X-Forwarded-Proto", "https");
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task TheSessionKeyRingIsEncryptedAtRestAndTheDatabaseFileIsOwnerOnly()
    {
        await using var platform = await PlatformFixture.StartAsync(DatabaseKind.Sqlite);
        using (await ApiClient.LoginAsync(platform, "hospital"))
        {
        }

        var ring = Path.Combine(platform.KeyDirectory, "session-keys");
        var files = Directory.GetFiles(ring, "*.xml");
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var xml = await File.ReadAllTextAsync(file);
            Assert.DoesNotContain("<masterKey", xml, StringComparison.Ordinal);
            Assert.Contains("sm4EncryptedKey", xml, StringComparison.Ordinal);
            Assert.Contains(Sm4FieldProtector.Prefix, xml, StringComparison.Ordinal);
        }

        // Another process with the same key files reads the ring back (and can open what the platform protected).
        var protectedText = platform.App.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Protect("医盾");
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddMedGuardDataProtection(platform.KeyDirectory, new Sm4FieldProtector(FieldKeyFile.LoadOrCreate(platform.KeyFile)));
        await using (var provider = services.BuildServiceProvider())
        {
            Assert.Equal("医盾", provider.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Unprotect(protectedText));
        }

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(platform.Database));
            foreach (var side in new[] { "-wal", "-shm" }.Select(s => platform.Database + s).Where(File.Exists))
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(side));
            }

            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(platform.AuditKeyFile));
        }
    }

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.Postgres)]
    public async Task OverLongTextIsRefusedWithItsFieldNamedNotStored(DatabaseKind kind)
    {
        await using var platform = await PlatformFixture.StartAsync(kind);
        using var hospital = await ApiClient.LoginAsync(platform, "admin");
        var task = (await hospital.GetJsonAsync("/api/rectifications"))[0];
        var id = task.GetProperty("id").GetGuid();
        var (status, body) = await hospital.SendAsync(HttpMethod.Put, $"/api/rectifications/{id}", new { status = task.GetProperty("status").GetString(), owner = new string('张', 101) });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("责任人", body, StringComparison.Ordinal);
        Assert.Contains("最多 100 个字符", body, StringComparison.Ordinal);
        (status, _) = await hospital.SendAsync(HttpMethod.Put, $"/api/rectifications/{id}", new { status = task.GetProperty("status").GetString(), owner = new string('张', 100) });
        Assert.Equal(HttpStatusCode.NoContent, status);
    }

    [Fact]
    public async Task RequestsThatFailedWith500AnswerTheir4xx()
    {
        await using var platform = await PlatformFixture.StartAsync(DatabaseKind.Sqlite);

        // A ReturnUrl with a tab ("/\t/evil" reads as "//evil" to a browser): a safe redirect home.
        var assessor = platform.Credentials["assessor"];
        using (var browser = new PageSession(platform))
        {
            using var login = await browser.LoginAsync(assessor.UserName, assessor.Password, await TotpCodes.FreshAsync(assessor.TotpSecret!), "/\t/evil.example");
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
            Assert.Equal("/", login.Headers.Location!.ToString());

            // A 50 MB workbook: 413 with a Chinese page, not a 500.
            var assessment = await AssessmentOfAsync(platform);
            using var form = await browser.Http.GetAsync($"/assessments/{assessment}");
            var token = PageText.AntiForgeryToken(await form.Content.ReadAsStringAsync());
            using var upload = new MultipartFormDataContent
            {
                { new StringContent(token), "__RequestVerificationToken" },
                { new ByteArrayContent(new byte[50 * 1024 * 1024]), "workbook", "big.xlsx" },
            };
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/assessments/{assessment}?handler=Import") { Content = upload };
            request.Headers.ExpectContinue = true;
            using var big = await browser.Http.SendAsync(request);
            var page = await big.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, big.StatusCode);
            Assert.Contains("上传内容过大", page, StringComparison.Ordinal);

            // A file that is not a workbook: the message names the upload, never the server's temporary path.
            using var junk = new MultipartFormDataContent
            {
                { new StringContent(token), "__RequestVerificationToken" },
                { new ByteArrayContent("这不是工作簿"u8.ToArray()), "workbook", "测评记录.xlsx" },
            };
            using var bad = await browser.Http.PostAsync($"/assessments/{assessment}?handler=Import", junk);
            // Post/Redirect/Get: the refusal travels to the assessment page, which shows it once.
            Assert.Equal(HttpStatusCode.Redirect, bad.StatusCode);
            using var shown = await browser.Http.GetAsync(bad.Headers.Location);
            var badPage = WebUtility.HtmlDecode(await shown.Content.ReadAsStringAsync());
            Assert.Equal(HttpStatusCode.OK, shown.StatusCode);
            Assert.Contains("工作簿无法导入", badPage, StringComparison.Ordinal);
            Assert.Contains("测评记录.xlsx", badPage, StringComparison.Ordinal);
            Assert.DoesNotContain(Path.GetTempPath(), badPage, StringComparison.Ordinal);
            Assert.DoesNotContain("medguard-import-", badPage, StringComparison.Ordinal);
        }

        // /account/enrol for an account that is already enrolled (enrolled in another tab meanwhile): a redirect.
        await using (var db = MedGuardContextFactory.Create(platform.Target))
        {
            await db.Users.Where(u => u.UserName == "haidian").ExecuteUpdateAsync(s => s.SetProperty(u => u.TotpEnabled, false));
        }

        var haidian = platform.Credentials["haidian"];
        using (var browser = new PageSession(platform))
        {
            using var login = await browser.LoginAsync(haidian.UserName, haidian.Password, null);
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
            Assert.StartsWith("/account/enrol", login.Headers.Location!.ToString(), StringComparison.Ordinal);
            await using (var db = MedGuardContextFactory.Create(platform.Target))
            {
                await db.Users.Where(u => u.UserName == "haidian").ExecuteUpdateAsync(s => s.SetProperty(u => u.TotpEnabled, true));
            }

            using var enrol = await browser.Http.GetAsync("/account/enrol");
            Assert.Equal(HttpStatusCode.Redirect, enrol.StatusCode);
            Assert.Equal("/account/login", enrol.Headers.Location!.ToString());
        }
    }

    private static async Task<Guid> AssessmentOfAsync(PlatformFixture platform)
    {
        Guid systemId;
        await using (var db = MedGuardContextFactory.Create(platform.Target))
        {
            var hospital = await db.Institutions.SingleAsync(i => i.Name == DemoProvince.DemoHospitalName);
            systemId = await db.Systems.Where(s => s.InstitutionId == hospital.Id && s.Business == BusinessKind.His).Select(s => s.Id).SingleAsync();
        }

        using (var owner = await ApiClient.LoginAsync(platform, "hospital"))
        {
            await owner.SendAsync(HttpMethod.Post, $"/api/systems/{systemId}/grading", new { informationObject = "public", informationDegree = "serious", serviceObject = "citizen", serviceDegree = "general" });
        }

        using var assessorApi = await ApiClient.LoginAsync(platform, "assessor");
        var (_, body) = await assessorApi.SendAsync(HttpMethod.Post, $"/api/systems/{systemId}/assessments", new { assessedOn = DateTime.Today.ToString("yyyy-MM-dd") });
        return System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("id").GetGuid();
    }
}
