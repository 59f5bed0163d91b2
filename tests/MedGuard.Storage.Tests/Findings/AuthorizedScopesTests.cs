using System.Net;
using MedGuard.Domain.Inventory;
using MedGuard.Storage.Inventory;
using MedGuard.Storage.Providers;
using MedGuard.Storage.Tests.Infrastructure;
using static MedGuard.Storage.Tests.Findings.FindingsFixture;

namespace MedGuard.Storage.Tests.Findings;

/// <summary>The scope of a platform-run scan comes from the authorization records alone (issue 12 §2).</summary>
public abstract class AuthorizedScopesTests : StorageTestBase
{
    [Fact]
    public async Task TheScopeHoldsExactlyTheAuthorizedAssetsAndTheStrictestRate()
    {
        Registered r;
        await using (var db = Open())
        {
            r = Register(db);

            // A second range of 甲医院 authorized only for web scans, at a lower rate: not in a port scan's scope.
            var webOnly = NewAsset(r.Province.A.Id, null, AssetKind.Ip, "10.210.0.0/24");
            db.Assets.Add(webOnly);
            var auth = Authorize(webOnly, "web");
            auth.MaxRatePerHost = 5;
            db.AssetAuthorizations.Add(auth);
            await db.SaveChangesAsync();
        }

        await using (var db = Open())
        {
            var ports = await AuthorizedScopes.ForInstitutionAsync(db, r.Province.A.Id, "ports", Day1);
            Assert.True(ports.Permits(IPAddress.Parse("10.200.0.7")));
            Assert.False(ports.Permits(IPAddress.Parse("10.210.0.7")));
            Assert.False(ports.Permits(IPAddress.Parse("10.201.0.7"))); // 丙医院's range
            Assert.True(ports.PermitsPackage("com.hospital.booking"));
            Assert.Equal(50, ports.MaxRatePerHost);
            Assert.Equal(new DateOnly(2027, 12, 31), ports.Window!.ValidUntil);

            var web = await AuthorizedScopes.ForInstitutionAsync(db, r.Province.A.Id, "web", Day1);
            Assert.True(web.Permits(IPAddress.Parse("10.210.0.7")));
            Assert.Equal(5, web.MaxRatePerHost);
        }
    }

    [Fact]
    public async Task NoValidAuthorizationMeansNoScopeAndSaysWhy()
    {
        Registered r;
        await using (var db = Open())
        {
            r = Register(db);
        }

        await using (var db = Open())
        {
            var expired = await Assert.ThrowsAsync<NoAuthorizationException>(() =>
                AuthorizedScopes.ForInstitutionAsync(db, r.Province.A.Id, "ports", new DateTimeOffset(2028, 3, 1, 2, 0, 0, TimeSpan.Zero)));
            Assert.Contains("不发送任何数据包", expired.Message);
            Assert.Contains("10.200.0.0/24", expired.Message);
            Assert.Contains("已过期", expired.Message);

            var notAuthorized = await Assert.ThrowsAsync<NoAuthorizationException>(() => AuthorizedScopes.ForInstitutionAsync(db, r.Province.A.Id, "logic", Day1));
            Assert.Contains("不含 logic", notAuthorized.Message);

            var nothing = await Assert.ThrowsAsync<NoAuthorizationException>(() => AuthorizedScopes.ForInstitutionAsync(db, r.Province.B.Id, "ports", Day1));
            Assert.Contains("尚未登记资产", nothing.Message);
        }
    }
}

public sealed class SqliteAuthorizedScopesTests : AuthorizedScopesTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

public sealed class PostgresAuthorizedScopesTests : AuthorizedScopesTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Postgres;
}
