using System.Security.Cryptography;
using System.Text;
using MedGuard.Domain.Institutions;
using MedGuard.Domain.Inventory;
using MedGuard.Domain.Systems;
using MedGuard.Storage.Inventory;
using MedGuard.Storage.Providers;
using MedGuard.Storage.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using MiniExcelLibs;

namespace MedGuard.Storage.Tests;

/// <summary>The one write path for assets and authorizations (<see cref="AssetRegistry"/>), on both databases.</summary>
public abstract class AssetRegistryTests : StorageTestBase
{
    private static readonly TimeProvider Clock = new FixedClock(new DateTimeOffset(2026, 12, 1, 2, 0, 0, TimeSpan.Zero));
    private readonly AssetRegistry _registry = new(Clock);
    private Institution _hospital = null!;
    private Institution _other = null!;
    private ProtectedSystem _his = null!;
    private ProtectedSystem _otherSystem = null!;

    private async Task SeedAsync()
    {
        await using var db = Open();
        _hospital = new Institution { Name = "甲医院", Region = "330102", Tier = HospitalTier.TertiaryA };
        _other = new Institution { Name = "乙医院", Region = "330103" };
        _his = new ProtectedSystem { Name = "HIS", InstitutionId = _hospital.Id };
        _otherSystem = new ProtectedSystem { Name = "LIS", InstitutionId = _other.Id };
        db.AddRange(_hospital, _other, _his, _otherSystem);
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task AnAssetIsStoredNormalizedAndADuplicateIsRefusedInChinese()
    {
        await SeedAsync();
        await using var db = Open();
        var asset = await _registry.AddAssetAsync(db, new NewAsset { InstitutionId = _hospital.Id, Kind = AssetKind.Origin, Value = " HTTPS://Portal.Example.CN/ ", Name = "门户", SystemId = _his.Id });
        Assert.Equal("https://portal.example.cn", asset.Value);

        var twice = await Assert.ThrowsAsync<AssetRegistrationException>(() =>
            _registry.AddAssetAsync(db, new NewAsset { InstitutionId = _hospital.Id, Kind = AssetKind.Origin, Value = "https://portal.example.cn" }));
        Assert.Contains("不能重复登记", twice.Message);

        // Another institution may register the same value (a shared cloud address).
        await _registry.AddAssetAsync(db, new NewAsset { InstitutionId = _other.Id, Kind = AssetKind.Origin, Value = "https://portal.example.cn" });
        await using var check = Open();
        Assert.Equal(2, await check.Assets.CountAsync());
        Assert.Equal(_his.Id, (await check.Assets.SingleAsync(a => a.InstitutionId == _hospital.Id)).SystemId);
    }

    [Fact]
    public async Task ASystemOfAnotherInstitutionOrABadValueIsRefused()
    {
        await SeedAsync();
        await using var db = Open();
        var foreign = await Assert.ThrowsAsync<AssetRegistrationException>(() =>
            _registry.AddAssetAsync(db, new NewAsset { InstitutionId = _hospital.Id, Kind = AssetKind.Ip, Value = "10.1.2.3", SystemId = _otherSystem.Id }));
        Assert.Contains("不属于该医疗机构", foreign.Message);
        var bad = await Assert.ThrowsAsync<AssetValueException>(() =>
            _registry.AddAssetAsync(db, new NewAsset { InstitutionId = _hospital.Id, Kind = AssetKind.Ip, Value = "10.1.2.300" }));
        Assert.Contains("不是有效的 IP", bad.Message);
        Assert.Equal(0, await db.Assets.CountAsync());
    }

    [Fact]
    public async Task AnAuthorizationKeepsItsLetterHashedAndDefaultsToTheDetectorsOfTheKind()
    {
        await SeedAsync();
        await using var db = Open();
        var app = await _registry.AddAssetAsync(db, new NewAsset { InstitutionId = _hospital.Id, Kind = AssetKind.App, Value = "com.hospital.booking" });
        var letter = Encoding.UTF8.GetBytes("授权书：同意对本院 App 进行安全检测");
        var authorization = await _registry.AuthorizeAsync(db, new NewAuthorization
        {
            AssetId = app.Id,
            AuthorizedBy = "甲医院信息科 张三",
            ValidFrom = new DateOnly(2026, 12, 1),
            ValidUntil = new DateOnly(2027, 11, 30),
            LetterFileName = "/tmp/上传/授权书.pdf",
            Letter = letter,
        });

        await using var check = Open();
        var stored = await check.AssetAuthorizations.SingleAsync();
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(letter)), stored.LetterSha256);
        Assert.Equal("授权书.pdf", stored.LetterFileName);
        Assert.Equal(letter, stored.Letter);
        Assert.Equal(["apk"], stored.Detectors);
        Assert.Equal(_hospital.Id, stored.InstitutionId);
        Assert.Equal(AssetRegistry.DefaultRatePerHost, stored.MaxRatePerHost);
        Assert.True(stored.Permits("apk", new DateTimeOffset(2027, 6, 1, 3, 0, 0, TimeSpan.Zero)));
        Assert.Equal(authorization.Id, stored.Id);
    }

    [Theory]
    [InlineData("2027-01-01", "2026-12-31", null, null, null, "早于授权起")]
    [InlineData("2026-12-01", "2032-12-31", null, null, null, "超过 5 年")]
    [InlineData("2026-12-01", "2027-12-31", "ports,nmap", null, null, "未知的检测类型 'nmap'")]
    [InlineData("2026-12-01", "2027-12-31", "apk", null, null, "不适用 apk")]
    [InlineData("2026-12-01", "2027-12-31", null, "22:00-22:00", null, "允许时段")]
    [InlineData("2026-12-01", "2027-12-31", null, null, 0d, "每主机速率")]
    public async Task AnAuthorizationThatMakesNoSenseIsRefused(string from, string until, string? detectors, string? window, double? rate, string reason)
    {
        await SeedAsync();
        await using var db = Open();
        var ip = await _registry.AddAssetAsync(db, new NewAsset { InstitutionId = _hospital.Id, Kind = AssetKind.Ip, Value = "10.1.0.0/24" });
        var refused = await Assert.ThrowsAsync<AssetRegistrationException>(() => _registry.AuthorizeAsync(db, new NewAuthorization
        {
            AssetId = ip.Id,
            AuthorizedBy = "甲医院",
            ValidFrom = DateOnly.Parse(from),
            ValidUntil = DateOnly.Parse(until),
            Detectors = detectors?.Split(',') ?? [],
            AllowedWindow = window,
            MaxRatePerHost = rate,
        }));
        Assert.Contains(reason, refused.Message);
        Assert.Equal(0, await db.AssetAuthorizations.CountAsync());
    }

    [Fact]
    public async Task AnAssetWithABadAuthorizationIsNotRegisteredAtAll()
    {
        await SeedAsync();
        await using var db = Open();
        var bad = await Assert.ThrowsAsync<AssetRegistrationException>(() => _registry.RegisterAsync(
            db,
            new NewAsset { InstitutionId = _hospital.Id, Kind = AssetKind.Ip, Value = "10.1.2.0/24" },
            new NewAuthorization { AssetId = Guid.Empty, AuthorizedBy = "甲医院", ValidFrom = new DateOnly(2027, 1, 2), ValidUntil = new DateOnly(2027, 1, 1) }));
        Assert.Contains("早于授权起", bad.Message);
        Assert.Equal(0, await db.Assets.CountAsync());

        var (asset, authorization) = await _registry.RegisterAsync(
            db,
            new NewAsset { InstitutionId = _hospital.Id, Kind = AssetKind.Ip, Value = "10.1.2.0/24" },
            new NewAuthorization { AssetId = Guid.Empty, AuthorizedBy = "甲医院", ValidFrom = new DateOnly(2026, 12, 1), ValidUntil = new DateOnly(2027, 1, 1) });
        await using var check = Open();
        Assert.Equal(asset.Id, (await check.AssetAuthorizations.SingleAsync()).AssetId);
        Assert.Equal(authorization.Id, (await check.AssetAuthorizations.SingleAsync()).Id);
    }

    [Fact]
    public async Task ALetterOverTheBoundIsRefusedAndARevocationStandsOnce()
    {
        await SeedAsync();
        await using var db = Open();
        var ip = await _registry.AddAssetAsync(db, new NewAsset { InstitutionId = _hospital.Id, Kind = AssetKind.Ip, Value = "10.1.2.3" });
        var big = await Assert.ThrowsAsync<AssetRegistrationException>(() => _registry.AuthorizeAsync(db, new NewAuthorization
        {
            AssetId = ip.Id,
            AuthorizedBy = "甲医院",
            ValidFrom = new DateOnly(2026, 12, 1),
            ValidUntil = new DateOnly(2027, 1, 1),
            Letter = new byte[AssetAuthorization.MaxLetterBytes + 1],
        }));
        Assert.Contains("超过 10 MB", big.Message);

        var authorization = await _registry.AuthorizeAsync(db, new NewAuthorization
        {
            AssetId = ip.Id,
            AuthorizedBy = "甲医院",
            ValidFrom = new DateOnly(2026, 12, 1),
            ValidUntil = new DateOnly(2027, 1, 1),
        });
        await _registry.RevokeAsync(db, authorization.Id);
        var again = await Assert.ThrowsAsync<AssetRegistrationException>(() => _registry.RevokeAsync(db, authorization.Id));
        Assert.Contains("已于", again.Message);
        await using var check = Open();
        var stored = await check.AssetAuthorizations.SingleAsync();
        Assert.Equal(Clock.GetUtcNow(), stored.RevokedAt);
        Assert.Contains("撤销", stored.Refusal("ports", Clock.GetUtcNow().AddMinutes(1)));
    }

    [Fact]
    public async Task ASheetWithBadRowsWritesNothingAndNamesEveryBadRow()
    {
        await SeedAsync();
        var csv = """
            机构,类型,值,名称,定级对象,授权单位,授权起,授权止,检测类型,时间窗口,每主机速率
            甲医院,IP地址,10.1.0.0/24,机房,HIS,甲医院信息科,2026-12-01,2027-11-30,"ports,web",22:00-06:00,50
            甲医院,网站,https://portal.example.cn,,,,,2027/6/30,,,
            丙医院,ip,10.2.0.1,,,,,2027-06-30,,,
            甲医院,app,com.hospital.app,,,,,2027-06-30,ports,,
            甲医院,ip,10.1.0.0/24,重复,,,,2027-06-30,,,
            乙医院,ip,10.9.9.9,,HIS,,,2027-06-30,,,
            甲医院,ip,10.1.3.4,,,,2027-01-01,明年,,,
            """;
        var rows = AssetSheet.Read(new MemoryStream(Encoding.UTF8.GetBytes(csv)), "assets.csv");
        Assert.Equal(7, rows.Count);
        await using var db = Open();
        var result = await _registry.ImportSheetAsync(db, rows);
        Assert.False(result.Written);
        Assert.Equal([4, 5, 6, 7, 8], result.Errors.Select(e => e.Row));
        Assert.Contains("丙医院", result.Errors[0].Reason);
        Assert.Contains("不适用 ports", result.Errors[1].Reason);
        Assert.Contains("与第 2 行重复", result.Errors[2].Reason);
        Assert.Contains("没有定级对象「HIS」", result.Errors[3].Reason);
        Assert.Contains("授权止日期 '明年'", result.Errors[4].Reason);
        await using var check = Open();
        Assert.Equal((0, 0), (await check.Assets.CountAsync(), await check.AssetAuthorizations.CountAsync()));
    }

    [Fact]
    public async Task AGoodXlsxSheetWithEnglishHeadersRegistersEveryRowWithItsAuthorization()
    {
        await SeedAsync();
        var sheet = new MemoryStream();
        sheet.SaveAs(new[]
        {
            new Dictionary<string, object?> { ["institution"] = "甲医院", ["kind"] = "ip", ["value"] = "10.1.0.0/24", ["system"] = "HIS", ["authorizedUntil"] = new DateTime(2027, 11, 30), ["detectors"] = "端口", ["rate"] = 20d },
            new Dictionary<string, object?> { ["institution"] = _other.Id.ToString(), ["kind"] = "公众号", ["value"] = "乙医院服务号", ["system"] = null, ["authorizedUntil"] = "2027-06-30", ["detectors"] = null, ["rate"] = null },
        });
        sheet.Position = 0;
        var rows = AssetSheet.Read(sheet, "资产.xlsx");
        await using var db = Open();
        var result = await _registry.ImportSheetAsync(db, rows);
        Assert.True(result.Written, string.Join("; ", result.Errors));
        await using var check = Open();
        var authorizations = await check.AssetAuthorizations.OrderBy(a => a.MaxRatePerHost).ToListAsync();
        Assert.Equal(2, authorizations.Count);
        Assert.Equal(["ports"], authorizations[0].Detectors);
        Assert.Equal((20d, new DateOnly(2027, 11, 30), "甲医院"), (authorizations[0].MaxRatePerHost, authorizations[0].ValidUntil, authorizations[0].AuthorizedBy));
        Assert.Equal(["web", "logic"], authorizations[1].Detectors);
        Assert.Equal(new DateOnly(2026, 12, 1), authorizations[1].ValidFrom); // 授权起 defaults to today
        Assert.Equal(_his.Id, (await check.Assets.SingleAsync(a => a.Kind == AssetKind.Ip)).SystemId);
    }

    [Fact]
    public void ASheetOutOfShapeIsRefusedAsAWhole()
    {
        var unknown = Assert.Throws<AssetRegistrationException>(() => AssetSheet.Read(new MemoryStream("机构,类型,值,授权止,端口\n甲医院,ip,10.0.0.1,2027-01-01,80\n"u8.ToArray()), "a.csv"));
        Assert.Contains("无法识别的列：端口", unknown.Message);
        var missing = Assert.Throws<AssetRegistrationException>(() => AssetSheet.Read(new MemoryStream("机构,类型,值\n甲医院,ip,10.0.0.1\n"u8.ToArray()), "a.csv"));
        Assert.Contains("缺少必需的列：授权止", missing.Message);
        Assert.Contains("只支持", Assert.Throws<AssetRegistrationException>(() => AssetSheet.Read(new MemoryStream([1]), "a.xls")).Message);
        Assert.Contains("无法读取", Assert.Throws<AssetRegistrationException>(() => AssetSheet.Read(new MemoryStream("not a zip"u8.ToArray()), "a.xlsx")).Message);

        var many = new StringBuilder("机构,类型,值,授权止\n");
        for (var i = 0; i <= AssetSheet.MaxRows; i++)
        {
            many.Append("甲医院,ip,10.0.0.1,2027-01-01\n");
        }

        Assert.Contains("超过 50000 行", Assert.Throws<AssetRegistrationException>(() => AssetSheet.Read(new MemoryStream(Encoding.UTF8.GetBytes(many.ToString())), "a.csv")).Message);
        Assert.Contains("超过 10 MB", Assert.Throws<AssetRegistrationException>(() => AssetSheet.Read(new MemoryStream(new byte[AssetSheet.MaxBytes + 1]), "a.csv")).Message);
    }

    [Fact]
    public void AGb18030CsvFromExcelIsReadAsChinese()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var bytes = Encoding.GetEncoding("GB18030").GetBytes("机构,类型,值,授权止\n甲医院,网站,portal.example.cn,2027-01-01\n");
        var row = Assert.Single(AssetSheet.Read(new MemoryStream(bytes), "资产.csv"));
        Assert.Equal(("甲医院", "网站", 2), (row.Institution, row.Kind, row.Number));
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}

public sealed class SqliteAssetRegistryTests : AssetRegistryTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

public sealed class PostgresAssetRegistryTests : AssetRegistryTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Postgres;
}
