using MedGuard.Detection.Apk;
using MedGuard.Detection.Apk.Reporting;
using MedGuard.Domain.Detection;
using MedGuard.Domain.Inventory;
using MedGuard.Storage.Campaigns;
using MedGuard.Storage.Findings;
using MedGuard.Storage.Inventory;
using MedGuard.Storage.Providers;
using MedGuard.Storage.Tenancy;
using MedGuard.Storage.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static MedGuard.Storage.Tests.Findings.FindingsFixture;

namespace MedGuard.Storage.Tests.Findings;

/// <summary>
/// Issue 18 §5: the servers an imported app run talks to become candidate websites of the institution — idempotently,
/// never for a registered host or a local address — and stay out of every scan's scope until a person accepts one and
/// authorizes it; a dismissed one is gone; another tenant neither sees nor decides them.
/// </summary>
public abstract class AppEndpointCandidateTests : StorageTestBase
{
    private const string CleartextServer = "http://demo.testfire.net";

    /// <summary>AndroGoat analysed once by the real analyzer, as the JSON the CLI writes and the platform reads back.</summary>
    private static readonly Lazy<(string Json, string Package)> AnalyzedApp = new(() =>
    {
        var report = new ApkAnalyzer().Analyze(TestApkFiles.PathOf("AndroGoat.apk"));
        var at = new DateTimeOffset(2026, 12, 1, 2, 0, 0, TimeSpan.Zero);
        var run = new ApkBatchResult([report], []) { StartedAt = at, EndedAt = at.AddMinutes(1) }.ToDetectionRun("AndroGoat.apk");
        return (DetectionRunJson.Write(run), report.Package);
    });

    private static DetectionRun AppRun(TimeSpan later = default)
    {
        var run = DetectionRunJson.Read(AnalyzedApp.Value.Json);
        return later == TimeSpan.Zero ? run : run with { StartedAt = run.StartedAt + later, EndedAt = run.EndedAt + later };
    }

    private static string Package => AnalyzedApp.Value.Package;

    /// <summary>The sample province, 甲医院's address range (ports, web, apk) and AndroGoat registered as 甲医院's app (apk).</summary>
    private async Task<Registered> RegisterAsync(params string[] alsoOrigins)
    {
        await using var db = Open();
        var r = Register(db);
        var app = NewAsset(r.Province.A.Id, r.Province.His.Id, AssetKind.App, Package);
        db.Assets.Add(app);
        db.AssetAuthorizations.Add(Authorize(app, "apk"));
        foreach (var origin in alsoOrigins)
        {
            db.Assets.Add(NewAsset(r.Province.A.Id, null, AssetKind.Origin, origin));
        }

        await db.SaveChangesAsync();
        return r;
    }

    private async Task<ImportResult> ImportAsync(DetectionRun run, Guid institution)
    {
        await using var db = Open();
        return await Importer.ImportAsync(db, run, Options(run.StartedAt.AddHours(1), institution));
    }

    [Fact]
    public async Task AnImportedAppRunOffersTheServersItTalksToAsCandidatesOfTheInstitution()
    {
        var r = await RegisterAsync();
        var run = AppRun();
        var endpoints = run.Apps.Single().Endpoints;
        Assert.Contains(CleartextServer, endpoints);

        var result = await ImportAsync(run, r.Province.A.Id);

        await using var db = Open();
        var candidates = await db.AssetCandidates.AsNoTracking().ToListAsync();
        Assert.Equal(candidates.Count, result.CandidatesOffered);
        var expected = endpoints.Select(AppEndpointCandidates.OriginOf).OfType<string>().Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, candidates.Select(c => c.Origin).Order(StringComparer.Ordinal).ToList());
        var testfire = Assert.Single(candidates, c => c.Origin == CleartextServer);
        Assert.Equal("demo.testfire.net", testfire.Host);
        Assert.True(testfire.Cleartext);
        Assert.Equal(new[] { Package }, testfire.Packages);
        Assert.Equal(AssetCandidateStatus.Candidate, testfire.Status);
        Assert.Equal(result.Institutions.Single().ImportId, testfire.FirstImportId);
        Assert.Equal(run.StartedAt.AddHours(1), testfire.FirstSeenAt);
        Assert.All(candidates, c => Assert.Equal(r.Province.A.Id, c.InstitutionId));
        Assert.All(candidates, c => Assert.False(AppEndpointCandidates.IsLocal(c.Host)));
        // The candidate is no asset: the institution's assets are what was registered, nothing more.
        Assert.Equal(3, await db.Assets.CountAsync(a => a.InstitutionId == r.Province.A.Id));
    }

    [Fact]
    public async Task ReimportingAddsNothingAndMovesLastSeen()
    {
        var r = await RegisterAsync();
        var first = await ImportAsync(AppRun(), r.Province.A.Id);
        Assert.True(first.CandidatesOffered > 0);

        // The same run again is refused as already imported, and writes nothing.
        var again = await Assert.ThrowsAsync<FindingImportException>(() => ImportAsync(AppRun(), r.Province.A.Id));
        Assert.True(again.AlreadyImported);

        // A later run of the same app: the same servers, no new candidate, last-seen moves to it.
        var later = await ImportAsync(AppRun(TimeSpan.FromDays(7)), r.Province.A.Id);
        Assert.Equal(0, later.CandidatesOffered);

        await using var db = Open();
        var candidates = await db.AssetCandidates.AsNoTracking().ToListAsync();
        Assert.Equal(first.CandidatesOffered, candidates.Count);
        var testfire = candidates.Single(c => c.Origin == CleartextServer);
        Assert.Equal(first.Institutions.Single().ImportId, testfire.FirstImportId);
        Assert.Equal(later.Institutions.Single().ImportId, testfire.LastImportId);
        Assert.True(testfire.LastSeenAt > testfire.FirstSeenAt);
    }

    [Fact]
    public async Task AHostAlreadyRegisteredIsNotOfferedAgain()
    {
        // Registered as a bare host: every origin on it is the institution's already.
        var r = await RegisterAsync("demo.testfire.net");
        await ImportAsync(AppRun(), r.Province.A.Id);

        await using var db = Open();
        Assert.DoesNotContain(await db.AssetCandidates.AsNoTracking().ToListAsync(), c => c.Host == "demo.testfire.net");
        Assert.NotEmpty(await db.AssetCandidates.AsNoTracking().ToListAsync());
    }

    [Fact]
    public async Task CandidatesAreOutOfEveryScopeUntilAcceptedAndAuthorized()
    {
        var r = await RegisterAsync();
        await ImportAsync(AppRun(), r.Province.A.Id);
        var at = new DateTimeOffset(2026, 12, 2, 2, 0, 0, TimeSpan.Zero);
        var server = new Uri(CleartextServer + "/");

        Guid candidateId;
        await using (var db = Open())
        {
            candidateId = await db.AssetCandidates.Where(c => c.Origin == CleartextServer).Select(c => c.Id).SingleAsync();

            // A scan's scope and a campaign's plan come from assets: the candidate is in neither.
            var web = await AuthorizedScopes.ForInstitutionAsync(db, r.Province.A.Id, "web", at);
            Assert.False(web.Permits(server));
            Assert.DoesNotContain(await PlanAsync(db, r.Province.A.Id), p => p.Asset.Value.Contains("testfire", StringComparison.Ordinal));
        }

        // Accepted without an authorization: an asset now, still no packet.
        Guid assetId;
        await using (var db = Open())
        {
            var (candidate, asset, authorization) = await new AppEndpointCandidates().AcceptAsync(db, candidateId, new CandidateAcceptance { DecidedBy = "测试 王五", Name = "App 后台" });
            Assert.Null(authorization);
            Assert.Equal(AssetCandidateStatus.Accepted, candidate.Status);
            Assert.Equal(CleartextServer, asset.Value);
            Assert.Equal(AssetKind.Origin, asset.Kind);
            Assert.Contains(Package, asset.Note, StringComparison.Ordinal);
            assetId = asset.Id;
        }

        await using (var db = Open())
        {
            var stored = await db.AssetCandidates.AsNoTracking().SingleAsync(c => c.Id == candidateId);
            Assert.Equal(assetId, stored.AcceptedAssetId);
            Assert.Equal("测试 王五", stored.DecidedBy);
            Assert.NotNull(stored.DecidedAt);
            Assert.DoesNotContain(await AppEndpointCandidates.ListAsync(db, r.Province.A.Id), row => row.Candidate.Id == candidateId);
            Assert.False((await AuthorizedScopes.ForInstitutionAsync(db, r.Province.A.Id, "web", at)).Permits(server));

            // Authorized for web scans: now it is in the scope, and a web campaign plans it.
            await new AssetRegistry().AuthorizeAsync(db, new NewAuthorization
            {
                AssetId = assetId,
                AuthorizedBy = "甲医院 信息科",
                ValidFrom = new DateOnly(2026, 12, 1),
                ValidUntil = new DateOnly(2027, 6, 30),
                Detectors = ["web"],
            });
        }

        await using (var db = Open())
        {
            Assert.True((await AuthorizedScopes.ForInstitutionAsync(db, r.Province.A.Id, "web", at)).Permits(server));
            Assert.Contains(await PlanAsync(db, r.Province.A.Id), p => p.Asset.Id == assetId && p.Detector == "web");

            // Accepting twice is refused.
            var twice = await Assert.ThrowsAsync<AssetRegistrationException>(() => new AppEndpointCandidates().AcceptAsync(db, candidateId, new CandidateAcceptance { DecidedBy = "测试" }));
            Assert.Contains("已登记", twice.Message, StringComparison.Ordinal);
        }

        // A later run offers nothing new for the host now registered.
        var later = await ImportAsync(AppRun(TimeSpan.FromDays(1)), r.Province.A.Id);
        Assert.Equal(0, later.CandidatesOffered);
    }

    [Fact]
    public async Task AcceptingWithItsAuthorizationWritesBothOrNeither()
    {
        var r = await RegisterAsync();
        await ImportAsync(AppRun(), r.Province.A.Id);
        await using var db = Open();
        var id = await db.AssetCandidates.Where(c => c.Origin == CleartextServer).Select(c => c.Id).SingleAsync();

        // Another host is refused, a bad authorization too: the candidate stays a candidate and no asset is written.
        await Assert.ThrowsAsync<AssetRegistrationException>(() => new AppEndpointCandidates().AcceptAsync(db, id, new CandidateAcceptance { DecidedBy = "测试", Value = "https://his.example.cn" }));
        await Assert.ThrowsAsync<AssetRegistrationException>(() => new AppEndpointCandidates().AcceptAsync(db, id, new CandidateAcceptance
        {
            DecidedBy = "测试",
            Authorization = new NewAuthorization { AssetId = Guid.Empty, AuthorizedBy = "院长", ValidFrom = new DateOnly(2027, 1, 1), ValidUntil = new DateOnly(2026, 1, 1) },
        }));
        await using (var check = Open())
        {
            Assert.Equal(AssetCandidateStatus.Candidate, (await check.AssetCandidates.AsNoTracking().SingleAsync(c => c.Id == id)).Status);
            Assert.False(await check.Assets.AnyAsync(a => a.Value.Contains("testfire")));
        }

        // Widened to its bare host, with the authorization: both written.
        var (_, asset, authorization) = await new AppEndpointCandidates().AcceptAsync(db, id, new CandidateAcceptance
        {
            DecidedBy = "测试",
            Value = "demo.testfire.net",
            Authorization = new NewAuthorization { AssetId = Guid.Empty, AuthorizedBy = "院长", ValidFrom = new DateOnly(2026, 12, 1), ValidUntil = new DateOnly(2027, 12, 1) },
        });
        Assert.Equal("demo.testfire.net", asset.Value);
        Assert.Equal(new[] { "ports", "web" }, authorization!.Detectors);
    }

    [Fact]
    public async Task ADismissedCandidateLeavesTheListAndStaysDismissed()
    {
        var r = await RegisterAsync();
        await ImportAsync(AppRun(), r.Province.A.Id);
        Guid id;
        await using (var db = Open())
        {
            id = await db.AssetCandidates.Where(c => c.Origin == CleartextServer).Select(c => c.Id).SingleAsync();
            var noReason = await Assert.ThrowsAsync<AssetRegistrationException>(() => new AppEndpointCandidates().DismissAsync(db, id, "  ", "测试"));
            Assert.Contains("理由", noReason.Message, StringComparison.Ordinal);
            var dismissed = await new AppEndpointCandidates().DismissAsync(db, id, "公开的演示站点，不属于本院", "测试 李四");
            Assert.Equal(AssetCandidateStatus.Dismissed, dismissed.Status);
            await Assert.ThrowsAsync<AssetRegistrationException>(() => new AppEndpointCandidates().AcceptAsync(db, id, new CandidateAcceptance { DecidedBy = "测试" }));
        }

        await ImportAsync(AppRun(TimeSpan.FromDays(3)), r.Province.A.Id);
        await using (var db = Open())
        {
            Assert.DoesNotContain(await AppEndpointCandidates.ListAsync(db, r.Province.A.Id), row => row.Candidate.Id == id);
            var all = await AppEndpointCandidates.ListAsync(db, r.Province.A.Id, includeDecided: true);
            var stored = Assert.Single(all, row => row.Candidate.Id == id).Candidate;
            Assert.Equal(AssetCandidateStatus.Dismissed, stored.Status);
            Assert.Equal("公开的演示站点，不属于本院", stored.DismissReason);
            Assert.Equal("甲医院", Assert.Single(all, row => row.Candidate.Id == id).Institution);
        }
    }

    [Fact]
    public async Task AnotherTenantNeitherSeesNorDecidesTheCandidates()
    {
        var r = await RegisterAsync();
        await ImportAsync(AppRun(), r.Province.A.Id);
        Guid id;
        int count;
        await using (var db = Open())
        {
            id = await db.AssetCandidates.Where(c => c.Origin == CleartextServer).Select(c => c.Id).SingleAsync();
            count = await db.AssetCandidates.CountAsync();
        }

        var p = r.Province;
        foreach (var outsider in new[] { TenantScope.ForInstitution(p.C.Id), TenantScope.ForInstitution(p.B.Id), TenantScope.ForRegulator("3302"), TenantScope.ForAgency(p.AgencyX.Id) })
        {
            await using var db = Open(outsider);
            Assert.Empty(await db.AssetCandidates.ToListAsync());
            Assert.Empty(await AppEndpointCandidates.ListAsync(db));
            await Assert.ThrowsAsync<AssetRegistrationException>(() => new AppEndpointCandidates().AcceptAsync(db, id, new CandidateAcceptance { DecidedBy = "越权" }));
            await Assert.ThrowsAsync<AssetRegistrationException>(() => new AppEndpointCandidates().DismissAsync(db, id, "越权", "越权"));
        }

        foreach (var insider in new[] { TenantScope.ForInstitution(p.A.Id), TenantScope.ForRegulator("3301"), TenantScope.ForRegulator("33") })
        {
            await using var db = Open(insider);
            Assert.Equal(count, (await AppEndpointCandidates.ListAsync(db)).Count);
        }

        // A write slipped past the lists (the id known) is refused by the save guard.
        await using (var db = Open(TenantScope.ForInstitution(p.C.Id)))
        {
            db.AssetCandidates.Add(new AssetCandidate { InstitutionId = p.A.Id, Origin = "https://x.cn", Host = "x.cn", FirstImportId = Guid.NewGuid(), LastImportId = Guid.NewGuid() });
            await Assert.ThrowsAsync<TenantScopeViolationException>(() => db.SaveChangesAsync());
        }

        await using (var db = Open())
        {
            Assert.Equal(AssetCandidateStatus.Candidate, (await db.AssetCandidates.SingleAsync(c => c.Id == id)).Status);
            Assert.Equal(count, await db.AssetCandidates.CountAsync());
        }

        // The hospital itself decides its own.
        await using (var db = Open(TenantScope.ForInstitution(p.A.Id)))
        {
            await new AppEndpointCandidates().DismissAsync(db, id, "第三方演示站点", "甲医院 信息科");
        }
    }

    private static async Task<IReadOnlyList<(Asset Asset, string Detector)>> PlanAsync(MedGuardDbContext db, Guid institution)
    {
        var service = new CampaignService();
        var campaign = await service.CreateAsync(db, new CampaignRequest
        {
            Name = "候选资产范围测试 " + Guid.NewGuid().ToString("N")[..6],
            Scope = new CampaignScope { InstitutionIds = [institution] },
            Detectors = ["ports", "web"],
            CreatedBy = "测试",
        });
        return await service.ResolveAsync(db, campaign);
    }
}

public sealed class SqliteAppEndpointCandidateTests : AppEndpointCandidateTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

public sealed class PostgresAppEndpointCandidateTests : AppEndpointCandidateTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Postgres;
}

/// <summary>Which endpoints can be candidates at all, and the third-party SDK list's own examples.</summary>
public class CandidateOriginTests
{
    [Theory]
    [InlineData("https://his.hospital.cn/api/v1/login?x=1", "https://his.hospital.cn")]
    [InlineData("http://demo.testfire.net", "http://demo.testfire.net")]
    [InlineData("HTTPS://Booking.Hospital.CN:8443/", "https://booking.hospital.cn:8443")]
    [InlineData("https://booking.hospital.cn:443/", "https://booking.hospital.cn")]
    [InlineData("wss://push.hospital.cn/ws", "https://push.hospital.cn")]
    [InlineData("ws://push.hospital.cn:8080", "http://push.hospital.cn:8080")]
    [InlineData("http://61.135.169.125:8080/his", "http://61.135.169.125:8080")]
    public void AServerNameBecomesItsOrigin(string endpoint, string origin) => Assert.Equal(origin, AppEndpointCandidates.OriginOf(endpoint));

    [Theory]
    [InlineData("http://localhost:8080")]
    [InlineData("http://127.0.0.1")]
    [InlineData("http://10.0.2.2:8000")]
    [InlineData("http://192.168.1.10/his")]
    [InlineData("http://172.20.3.4")]
    [InlineData("http://169.254.1.1")]
    [InlineData("http://100.64.0.1")]
    [InlineData("http://0.0.0.0")]
    [InlineData("http://[::1]:8080")]
    [InlineData("http://[fd00::1]")]
    [InlineData("http://[fe80::1]")]
    [InlineData("https://his.local")]
    [InlineData("https://his.hospital.internal")]
    [InlineData("https://api.example.com")]
    [InlineData("https://intranet")]
    [InlineData("ftp://files.hospital.cn")]
    [InlineData("file:///sdcard/x")]
    [InlineData("not a url")]
    public void LocalPrivateAndNonWebEndpointsAreNoCandidates(string endpoint) => Assert.Null(AppEndpointCandidates.OriginOf(endpoint));

    [Fact]
    public void EveryExampleOfTheThirdPartyListIsRecognisedAsItsSdk()
    {
        var list = ThirdPartyHosts.Default;
        Assert.True(list.Sdks.Count >= 20);
        var checkedExamples = 0;
        foreach (var sdk in list.Sdks)
        {
            Assert.NotEmpty(sdk.Examples);
            foreach (var example in sdk.Examples)
            {
                Assert.True(list.SdkOf(example) == sdk.Name, $"{example} 应识别为 {sdk.Name}，实际 {list.SdkOf(example) ?? "（无）"}");
                checkedExamples++;
            }
        }

        Assert.True(checkedExamples >= 60);
    }

    [Theory]
    [InlineData("his.hospital.cn")]
    [InlineData("weixin.qq.com.evil.cn")]
    [InlineData("notgoogle.com")]
    [InlineData("qq.com.cn")]
    [InlineData("myalipay.com")]
    [InlineData("demo.testfire.net")]
    public void AnInstitutionsOwnLookingHostIsNoSdk(string host) => Assert.Null(ThirdPartyHosts.Default.SdkOf(host));

    [Fact]
    public void TheMostSpecificEntryWins()
    {
        Assert.Equal("腾讯 Bugly", ThirdPartyHosts.Default.SdkOf("android.bugly.qq.com"));
        Assert.Equal("腾讯 QQ 互联", ThirdPartyHosts.Default.SdkOf("graph.qq.com"));
        Assert.Equal("微信开放平台/微信支付", ThirdPartyHosts.Default.SdkOf("API.WEIXIN.QQ.COM."));
    }

    [Fact]
    public void ABadListIsRefusedWithItsLine()
    {
        var bad = Assert.Throws<FormatException>(() => ThirdPartyHosts.Parse("- name: x\n  hosts: [\"*.中 文 /\"]\n", "list.yaml"));
        Assert.Contains("list.yaml", bad.Message, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => ThirdPartyHosts.Parse("- name: x\n", "list.yaml"));
        Assert.Throws<FormatException>(() => ThirdPartyHosts.Parse("- &a name: x\n", "list.yaml"));
    }
}
