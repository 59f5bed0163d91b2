using MedGuard.Domain.Campaigns;
using MedGuard.Domain.Findings;
using MedGuard.Domain.Inventory;
using MedGuard.Storage.Campaigns;
using MedGuard.Storage.Providers;
using MedGuard.TestTargets.Booking;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Jobs.Tests;

/// <summary>
/// A 公众号 asset scanned by the business-logic detector in a campaign, like any other asset: the engine runs against
/// the asset's H5 entry (the booking twin on 127.0.0.1) with the test identities kept on the worker's host, and its
/// findings are stored under the account; a later run on the fixed service closes them.
/// </summary>
public class LogicDetectorTests
{
    private const string Identities = """
        # 医院提供的测试身份（只存放在检测节点上）
        identities:
          A: { login: { loginCode: TEST_PATIENT_A } }
          B: { login: { loginCode: TEST_PATIENT_B } }
          C: { login: { loginCode: TEST_PATIENT_C } }
        """;

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task AnAccountAssetScannedByTheLogicDetectorStoresItsFindings(DatabaseProvider provider)
    {
        await using var world = await CampaignWorld.CreateAsync(provider);
        await using var vulnerable = await BookingApp.StartAsync(BookingMode.Vulnerable);
        var hospital = world.AddInstitution("甲医院");
        var account = AddAccount(world, hospital.Id, vulnerable.H5Entry);
        var engine = await EngineAsync(world, account, Identities);

        var task = await RunCampaignAsync(world, engine, hospital.Id, "业务逻辑检测");
        Assert.True(task.Status == CampaignTaskStatus.Succeeded, $"{task.Status}: {task.Error}");
        await using var db = world.Open();
        var findings = await db.Findings.AsNoTracking().Where(f => f.InstitutionId == hospital.Id).ToListAsync();
        Assert.All(findings, f => Assert.Equal((account.Id, "logic", "account", "某市第一人民医院服务号"), (f.AssetId, f.Detector, f.TargetKind, f.Account)));
        // The report's three kinds of risk: cancelling anyone's booking, booking outside the release window, the error page.
        Assert.Contains(findings, f => f.RuleId == "logic-bola-cancel-by-id" && f.Endpoint == "POST /api/reg/cancel");
        Assert.Contains(findings, f => f.RuleId.StartsWith("logic-window-", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.RuleId == "logic-error-page-leak" && f.Cwe == "CWE-209");
        Assert.Contains(findings, f => f.RuleId.StartsWith("logic-scalping-", StringComparison.Ordinal));
        Assert.Equal(findings.Count, findings.Count(f => f.LastImportId == task.ImportId));
        Assert.Equal(findings.Count, task.NewCount);
        // Every booking the run made was undone, on the service's own state.
        var testers = BookingApp.TestLoginCodes.Select(c => vulnerable.Store.TestIdentity(c).OpenId).ToHashSet();
        Assert.DoesNotContain(vulnerable.Store.ActiveOrders, o => testers.Contains(o.OpenId));
        Assert.True(await db.AuditEntries.AnyAsync(e => e.Action == "finish" && e.EntityId == task.Id.ToString()));
    }

    [Fact]
    public async Task TheHospitalsChosenScenariosFindOnTheVulnerableServiceAndCloseOnTheFixedOne()
    {
        await using var world = await CampaignWorld.CreateAsync(DatabaseProvider.Sqlite);
        await using var vulnerable = await BookingApp.StartAsync(BookingMode.Vulnerable);
        var hospital = world.AddInstitution("甲医院");
        var account = AddAccount(world, hospital.Id, vulnerable.H5Entry);
        var engine = await EngineAsync(world, account, Identities);
        var scenarios = Path.Combine(world.Directory, "logic", account.Id.ToString("D"), "scenarios");
        Directory.CreateDirectory(scenarios);
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "logic-scenarios"), "*.yaml"))
        {
            File.Copy(file, Path.Combine(scenarios, Path.GetFileName(file)));
        }

        var first = await RunCampaignAsync(world, engine, hospital.Id, "业务逻辑检测");
        Assert.True(first.Status == CampaignTaskStatus.Succeeded, $"{first.Status}: {first.Error}");
        await using var db = world.Open();
        var found = await db.Findings.AsNoTracking().Where(f => f.InstitutionId == hospital.Id).Select(f => f.RuleId).OrderBy(r => r).ToListAsync();
        Assert.Equal(["logic-bola-cancel-by-id", "logic-bola-order-read-anonymous", "logic-bola-report-read", "logic-error-page-leak"], found);

        // The hospital fixed its service (same account, new deployment): the next run proves each check and closes them.
        await using var fixedTwin = await BookingApp.StartAsync(BookingMode.Fixed);
        await db.Assets.Where(a => a.Id == account.Id).ExecuteUpdateAsync(s => s.SetProperty(a => a.EntryUrl, fixedTwin.H5Entry.ToString()));
        var sentBefore = vulnerable.Store.RequestCount;
        var second = await RunCampaignAsync(world, engine, hospital.Id, "整改后复测");
        Assert.True(second.Status == CampaignTaskStatus.Succeeded, $"{second.Status}: {second.Error}");
        Assert.Equal((0, 4), (second.NewCount, second.FixedCount));
        Assert.All(await db.Findings.AsNoTracking().Where(f => f.InstitutionId == hospital.Id).ToListAsync(), f => Assert.Equal(FindingStatus.Fixed, f.Status));
        Assert.Equal(sentBefore, vulnerable.Store.RequestCount); // nothing went to the old deployment
        Assert.DoesNotContain(fixedTwin.Store.ActiveOrders, o => o.OpenId.StartsWith("oTEST", StringComparison.Ordinal));
    }

    [Fact]
    public void AScenarioThatCouldNotBeJudgedKeepsItsOwnFindingsOpenAndLetsTheOthersClose()
    {
        var asset = new Asset { Kind = AssetKind.Account, Value = "某市第一人民医院服务号" };
        const string origin = "http://127.0.0.1:8080";
        var run = new Domain.Detection.DetectionRun
        {
            DetectorId = "logic",
            DetectorVersion = "1.0.0",
            Scope = "测试",
            StartedAt = DateTimeOffset.UtcNow,
            EndedAt = DateTimeOffset.UtcNow,
            Findings =
            [
                new Finding
                {
                    RuleId = "logic-bola-cancel-by-id",
                    Title = "可取消他人预约",
                    Severity = Severity.High,
                    Target = new WebTarget(origin, "/api/reg/cancel", null) { Method = "POST" },
                },
            ],
            Coverage = [new(origin + "#logic-price-tamper-pay", "无法判断：登录已过期")],
            Covered = [origin],
        };

        var mapped = LogicTaskDetector.ForAccount(run, asset, origin);
        var target = Assert.IsType<AccountTarget>(Assert.Single(mapped.Findings).Target);
        Assert.Equal(("某市第一人民医院服务号", "POST /api/reg/cancel"), (target.Account, target.Endpoint));
        Assert.Equal(["某市第一人民医院服务号"], mapped.Covered);
        Assert.Contains(mapped.Coverage, n => n.Subject == "某市第一人民医院服务号#logic-price-tamper-pay");
        var pay = new AccountTarget("某市第一人民医院服务号", "POST /api/pay/create");
        Assert.False(mapped.Covers(pay, "logic-price-tamper-pay"));
        Assert.True(mapped.Covers(pay, "logic-price-tamper-confirm"));
        Assert.True(mapped.Covers(new AccountTarget("某市第一人民医院服务号", "POST /api/reg/cancel"), "logic-bola-cancel-by-id"));

        // A run whose every scenario was judged covers the account: its absent findings may close.
        Assert.True(LogicTaskDetector.ForAccount(run with { Coverage = [] }, asset, origin).Covers(pay, "logic-price-tamper-pay"));
    }

    [Fact]
    public async Task WithoutTestIdentitiesOnTheWorkerTheTaskIsRefusedBeforeAnyRequest()
    {
        await using var world = await CampaignWorld.CreateAsync(DatabaseProvider.Sqlite);
        await using var twin = await BookingApp.StartAsync(BookingMode.Vulnerable);
        var hospital = world.AddInstitution("甲医院");
        var account = AddAccount(world, hospital.Id, twin.H5Entry);
        var engine = await EngineAsync(world, account, identities: null);

        var task = await RunCampaignAsync(world, engine, hospital.Id, "缺少测试账号");
        Assert.Equal(CampaignTaskStatus.Refused, task.Status);
        Assert.Contains("identities.yaml", task.Error);
        Assert.Equal(0, twin.Store.RequestCount);
        await using var db = world.Open();
        Assert.Equal(0, await db.Findings.CountAsync());
    }

    [Fact]
    public async Task AnAuthorizationWithoutLogicRefusesTheTaskBeforeAnyRequest()
    {
        await using var world = await CampaignWorld.CreateAsync(DatabaseProvider.Sqlite);
        await using var twin = await BookingApp.StartAsync(BookingMode.Vulnerable);
        var hospital = world.AddInstitution("甲医院");
        var account = AddAccount(world, hospital.Id, twin.H5Entry, detectors: ["web"]);
        var engine = await EngineAsync(world, account, Identities);

        var task = await RunCampaignAsync(world, engine, hospital.Id, "未授权业务逻辑");
        Assert.Equal(CampaignTaskStatus.Refused, task.Status);
        Assert.Contains("logic", task.Error);
        Assert.Equal(0, twin.Store.RequestCount);
    }

    private static Asset AddAccount(CampaignWorld world, Guid institutionId, Uri entry, List<string>? detectors = null)
    {
        using var db = world.Open();
        var asset = new Asset
        {
            InstitutionId = institutionId,
            Kind = AssetKind.Account,
            Value = "某市第一人民医院服务号",
            AppId = "wxTEST",
            EntryUrl = entry.ToString(),
            CreatedAt = DateTimeOffset.UtcNow,
        };
        db.Assets.Add(asset);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        db.AssetAuthorizations.Add(new AssetAuthorization
        {
            AssetId = asset.Id,
            InstitutionId = institutionId,
            AuthorizedBy = "院长 王五",
            ValidFrom = today.AddDays(-30),
            ValidUntil = today.AddDays(365),
            Detectors = detectors ?? ["logic"],
            MaxRatePerHost = 100,
            CreatedAt = DateTimeOffset.UtcNow,
        });
        db.SaveChanges();
        return asset;
    }

    private static async Task<CampaignEngine> EngineAsync(CampaignWorld world, Asset account, string? identities)
    {
        var directory = Path.Combine(world.Directory, "logic");
        if (identities is not null)
        {
            Directory.CreateDirectory(Path.Combine(directory, account.Id.ToString("D")));
            await File.WriteAllTextAsync(Path.Combine(directory, account.Id.ToString("D"), "identities.yaml"), identities);
        }

        var options = world.Options() with { LogicDirectory = directory };
        var engine = new CampaignEngine(options, EngineStorage.Create(options));
        await engine.OpenAuditAsync();
        return engine;
    }

    /// <summary>A campaign run now over the institution's accounts with the logic detector; its one task, run to its end.</summary>
    private static async Task<CampaignTask> RunCampaignAsync(CampaignWorld world, CampaignEngine engine, Guid institutionId, string name)
    {
        Campaign campaign;
        await using (var db = world.Open())
        {
            campaign = await new CampaignService().CreateAsync(db, new CampaignRequest
            {
                Name = name,
                Scope = new CampaignScope { InstitutionIds = [institutionId] },
                Detectors = ["logic"],
                CreatedBy = "测试",
            });
        }

        await engine.Pump.RunAsync(CancellationToken.None);
        await using (var db = world.Open())
        {
            var task = await db.CampaignTasks.AsNoTracking().SingleAsync(t => t.CampaignId == campaign.Id);
            await new CampaignTaskJob(engine).RunTaskAsync(task.Id, CancellationToken.None);
        }

        await using var check = world.Open();
        return await check.CampaignTasks.AsNoTracking().SingleAsync(t => t.CampaignId == campaign.Id);
    }
}
