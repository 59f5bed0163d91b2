using System.Data.Common;
using MedGuard.Domain.Assessment;
using MedGuard.Domain.Detection;
using MedGuard.Domain.Findings;
using MedGuard.Domain.Inventory;
using MedGuard.Storage.Findings;
using MedGuard.Storage.Providers;
using MedGuard.Storage.Tenancy;
using MedGuard.Storage.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static MedGuard.Storage.Tests.Findings.FindingsFixture;

namespace MedGuard.Storage.Tests.Findings;

/// <summary>
/// The findings spine on a real database (issue 12 §3, §5, §7): import, re-import, close what a covering run no
/// longer sees, reopen what returns, refuse bad runs whole, keep evidence encrypted, keep tenants apart.
/// </summary>
public abstract class FindingImportTests : StorageTestBase
{
    private Registered _r = null!;

    private async Task<Registered> SeedAsync()
    {
        await using var db = Open();
        _r = Register(db);
        return _r;
    }

    private async Task<ImportResult> ImportAsync(DetectionRun run, DateTimeOffset now, TenantScope? scope = null, Guid? institution = null)
    {
        await using var db = Open(scope);
        return await Importer.ImportAsync(db, run, Options(now, institution));
    }

    private async Task<int> OpenCountAsync()
    {
        await using var db = Open();
        return await db.Findings.CountAsync(f => f.Status == FindingStatus.New || f.Status == FindingStatus.Confirmed || f.Status == FindingStatus.InRectification);
    }

    private async Task<(int Findings, int Imports, int Sightings, int Changes)> RowsAsync()
    {
        await using var db = Open();
        return (await db.Findings.CountAsync(), await db.DetectionImports.CountAsync(), await db.FindingSightings.CountAsync(), await db.FindingStatusChanges.CountAsync());
    }

    [Fact]
    public async Task ReimportUpdatesClosesWhatACoveringRunNoLongerSeesAndReopensWhatReturns()
    {
        await SeedAsync();
        var first = UsualRun(Day1);
        Assert.True(first.Findings.Count >= 3, "the port policy flags RDP, MySQL and telnet");

        var imported = await ImportAsync(first, Day1);
        Assert.Equal(first.Findings.Count, imported.New);
        var open = await OpenCountAsync();
        Assert.Equal(first.Findings.Count, open);

        // The same shape a day later: nothing new, last-seen moves.
        var second = await ImportAsync(UsualRun(Day1.AddDays(1)), Day1.AddDays(1));
        Assert.Equal(0, second.New);
        Assert.Equal(open, second.Updated);
        Assert.Equal(open, await OpenCountAsync());
        await using (var db = Open())
        {
            Assert.All(await db.Findings.ToListAsync(), f => Assert.Equal(Day1.AddDays(1), f.LastSeenAt));
            Assert.Equal(2 * open, await db.FindingSightings.CountAsync());

            // Each finding was seen by both runs, at each run's time, under its own institution.
            var secondImport = Assert.Single(second.Institutions).ImportId;
            var sightings = await db.FindingSightings.ToListAsync();
            var findings = await db.Findings.ToDictionaryAsync(f => f.Id);
            Assert.All(findings.Keys, id => Assert.Equal(2, sightings.Count(s => s.FindingId == id)));
            Assert.All(sightings.Where(s => s.ImportId == secondImport), s =>
            {
                Assert.Equal(Day1.AddDays(1), s.SeenAt);
                Assert.Equal(findings[s.FindingId].InstitutionId, s.InstitutionId);
            });
            Assert.Equal(open, sightings.Count(s => s.ImportId == secondImport));
        }

        // MySQL closed on .2: the run covered .2 and port 3306 and did not see it → 已修复, naming that import.
        var third = await ImportAsync(PortRun(Day1.AddDays(2), ("10.200.0.2", [3389]), ("10.200.0.3", [23])), Day1.AddDays(2));
        var fixedCount = first.Findings.Count(f => f.Target is ServiceTarget { Port: 3306 });
        Assert.Equal(fixedCount, third.Fixed);
        var thirdImport = Assert.Single(third.Institutions).ImportId;
        await using (var db = Open())
        {
            var mysql = await db.Findings.Where(f => f.Port == 3306).ToListAsync();
            Assert.All(mysql, f =>
            {
                Assert.Equal(FindingStatus.Fixed, f.Status);
                Assert.Equal(thirdImport, f.FixedByImportId);
                Assert.Equal(Day1.AddDays(2), f.FixedAt);
            });
            Assert.Contains(await db.FindingStatusChanges.Where(c => c.ImportId == thirdImport).ToListAsync(),
                c => c.From == FindingStatus.New && c.To == FindingStatus.Fixed && c.ByName == "测试导入");
        }

        // The first run itself imported again after the one that closed MySQL → applied again: reopened and counted.
        var fourth = await ImportAsync(first, Day1.AddDays(3));
        Assert.Equal(fixedCount, fourth.Reopened);
        Assert.Equal(0, fourth.New);
        Assert.Equal(open, await OpenCountAsync());
        await using (var db = Open())
        {
            Assert.All(await db.Findings.Where(f => f.Port == 3306).ToListAsync(), f =>
            {
                Assert.Equal(1, f.ReopenCount);
                Assert.Null(f.FixedByImportId);
                Assert.True(f.Status.IsOpen());
            });
        }

        // The latest run again (same digest as the last import): it would change nothing, so it is refused and nothing is written.
        var before = await RowsAsync();
        var again = await Assert.ThrowsAsync<FindingImportException>(() => ImportAsync(first, Day1.AddDays(4)));
        Assert.Contains("该检测运行已导入", again.Message);
        Assert.True(again.AlreadyImported);
        Assert.Equal(before, await RowsAsync());
        await using (var db = Open())
        {
            Assert.Equal([1, 2, 3, 4], await db.DetectionImports.OrderBy(i => i.Sequence).Select(i => i.Sequence).ToListAsync());
        }
    }

    [Fact]
    public async Task ARunThatCouldNotReachAHostOrDidNotScanAPortClosesNothingThere()
    {
        await SeedAsync();
        await ImportAsync(UsualRun(Day1), Day1);
        var open = await OpenCountAsync();

        // .2 stopped answering (a coverage note names it): its findings stay open though the run did not see them.
        var unreachable = PortRun(Day1.AddDays(1), ("10.200.0.2", []), ("10.200.0.3", [23])) with
        {
            Coverage = [new CoverageNote("10.200.0.2", "主机停止响应，已放弃")],
        };
        Assert.Equal(0, (await ImportAsync(unreachable, Day1.AddDays(1))).Fixed);
        Assert.Equal(open, await OpenCountAsync());

        // Only 1-1024 scanned: RDP (3389) and MySQL (3306) were not looked at; telnet (23) was, and is gone.
        var narrow = PortRun(Day1.AddDays(2), ("10.200.0.2", []), ("10.200.0.3", [])) with { PortsScanned = "1-1024" };
        var result = await ImportAsync(narrow, Day1.AddDays(2));
        await using var db = Open();
        Assert.Equal(await db.Findings.CountAsync(f => f.Port == 23), result.Fixed);
        Assert.All(await db.Findings.Where(f => f.Port != 23).ToListAsync(), f => Assert.True(f.Status.IsOpen()));

        // A run that does not say what it covered closes nothing at all.
        var silent = PortRun(Day1.AddDays(3), ("10.200.0.2", []), ("10.200.0.3", [])) with { Covered = null };
        Assert.Equal(0, (await ImportAsync(silent, Day1.AddDays(3))).Fixed);
    }

    [Fact]
    public async Task TheSamePackageUnderARenamedFileKeepsItsFindings()
    {
        await SeedAsync();
        var first = await ImportAsync(AppRun(Day1, "booking-1.0.apk", "Lcom/hospital/booking/Main;", "Lcom/hospital/booking/Pay;"), Day1);
        Assert.Equal(2, first.New);
        var renamed = await ImportAsync(AppRun(Day1.AddDays(1), "预约挂号-新版.apk", "Lcom/hospital/booking/Main;", "Lcom/hospital/booking/Pay;"), Day1.AddDays(1));
        Assert.Equal(0, renamed.New);
        Assert.Equal(2, renamed.Updated);
        await using var db = Open();
        Assert.Equal(2, await db.Findings.CountAsync(f => f.Package == "com.hospital.booking"));
        Assert.All(await db.Findings.ToListAsync(), f => Assert.Equal(_r.BookingApp.Id, f.AssetId));
    }

    [Fact]
    public async Task EvidenceIsUnreadableInTheRawColumnAndMaskedWhenShown()
    {
        await SeedAsync();
        const string evidence = "患者姓名：张三丰 身份证 110101199003071234 手机 13812345678";
        await ImportAsync(WebRun(Day1, evidence), Day1);

        await using var db = Open();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        await using DbCommand command = connection.CreateCommand();
        command.CommandText = "SELECT \"EvidenceCiphertext\" FROM \"Findings\"";
        var raw = (string)(await command.ExecuteScalarAsync())!;
        Assert.StartsWith("sm4gcm:", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("110101199003071234", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("张三丰", raw, StringComparison.Ordinal);

        var finding = await db.Findings.SingleAsync();
        var shown = Importer.EvidenceOf(finding)["response"];
        Assert.DoesNotContain("110101199003071234", shown, StringComparison.Ordinal);
        Assert.DoesNotContain("13812345678", shown, StringComparison.Ordinal);
        Assert.Contains("张**", shown, StringComparison.Ordinal);
        Assert.Equal(evidence, Importer.EvidenceOf(finding, masked: false)["response"]);
    }

    [Fact]
    public async Task BadRunsAreRefusedWholeAndNothingIsWritten()
    {
        var r = await SeedAsync();
        var empty = await RowsAsync();

        // A target on no registered asset (and a good one beside it): the whole run is refused.
        var unregistered = await Assert.ThrowsAsync<FindingImportException>(() =>
            ImportAsync(PortRun(Day1, ("10.200.0.2", [3389]), ("10.9.9.9", [3389, 23])), Day1));
        Assert.Contains("10.9.9.9:3389", unregistered.Message);
        Assert.Contains("未导入", unregistered.Message);
        Assert.Equal(empty, await RowsAsync());

        // --institution restricts the matching: 丙医院's address is not 甲医院's asset.
        await Assert.ThrowsAsync<FindingImportException>(() =>
            ImportAsync(PortRun(Day1, ("10.201.0.7", [3389])), Day1, institution: r.Province.A.Id));

        // An asset without authorization.
        await using (var db = Open())
        {
            db.Assets.Add(NewAsset(r.Province.B.Id, null, AssetKind.Ip, "10.202.0.0/24"));
            await db.SaveChangesAsync();
        }

        var none = await Assert.ThrowsAsync<FindingImportException>(() => ImportAsync(PortRun(Day1, ("10.202.0.1", [3389])), Day1));
        Assert.Contains("10.202.0.0/24", none.Message);
        Assert.Contains("没有授权记录", none.Message);

        // Authorized, but not for this detector.
        await using (var db = Open())
        {
            var asset = await db.Assets.SingleAsync(a => a.Value == "10.202.0.0/24");
            db.AssetAuthorizations.Add(Authorize(asset, "web"));
            await db.SaveChangesAsync();
        }

        var detector = await Assert.ThrowsAsync<FindingImportException>(() => ImportAsync(PortRun(Day1, ("10.202.0.1", [3389])), Day1));
        Assert.Contains("授权不含 ports", detector.Message);

        // Authorized for ports, but expired when the run started.
        var late = Day1.AddYears(2);
        var expired = await Assert.ThrowsAsync<FindingImportException>(() => ImportAsync(PortRun(late, ("10.200.0.2", [3389])), late));
        Assert.Contains("已过期", expired.Message);

        // Not a revoked one either.
        await using (var db = Open())
        {
            foreach (var z in await db.AssetAuthorizations.Where(z => z.AssetId == r.HospitalNet.Id).ToListAsync())
            {
                z.RevokedAt = Day1.AddDays(-1);
            }

            await db.SaveChangesAsync();
        }

        var revoked = await Assert.ThrowsAsync<FindingImportException>(() => ImportAsync(PortRun(Day1, ("10.200.0.2", [3389])), Day1));
        Assert.Contains("撤销", revoked.Message);

        Assert.Equal(empty, await RowsAsync());
        await using (var db = Open())
        {
            Assert.Equal(3, await db.Rectifications.CountAsync()); // the sample's own, none added
        }
    }

    [Fact]
    public async Task TheSameRunImportedTwiceAtOnceIsImportedOnce()
    {
        await SeedAsync();
        var run = UsualRun(Day1);
        var attempts = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            try
            {
                return (Result: await ImportAsync(run, Day1), Error: (Exception?)null);
            }
            catch (Exception ex)
            {
                return (Result: (ImportResult?)null, Error: ex);
            }
        })));

        Assert.Single(attempts, a => a.Result is not null);
        var loser = Assert.Single(attempts, a => a.Error is not null).Error;
        var refused = Assert.IsType<FindingImportException>(loser);
        Assert.Contains("已导入", refused.Message);
        var rows = await RowsAsync();
        Assert.Equal(1, rows.Imports);
        Assert.Equal(run.Findings.Count, rows.Findings);
        Assert.Equal(run.Findings.Count, rows.Sightings);
    }

    [Fact]
    public async Task TwoDifferentRunsImportedAtOnceAreBothAppliedOneAfterTheOther()
    {
        await SeedAsync();
        var runs = new[] { UsualRun(Day1), PortRun(Day1.AddHours(1), ("10.200.0.2", [3389]), ("10.200.0.3", [23])) };
        var results = await Task.WhenAll(runs.Select(r => Task.Run(() => ImportAsync(r, Day1.AddHours(2)))));
        Assert.Equal(2, results.Length);
        await using var db = Open();
        Assert.Equal([1, 2], await db.DetectionImports.OrderBy(i => i.Sequence).Select(i => i.Sequence).ToListAsync());
        Assert.Equal(runs[0].Findings.Count, await db.Findings.CountAsync());
    }

    [Fact]
    public async Task TenantsSeeOnlyTheirOwnAssetsAndFindings()
    {
        var r = await SeedAsync();
        var p = r.Province;
        await ImportAsync(PortRun(Day1, ("10.200.0.2", [3389]), ("10.201.0.7", [3389, 23])), Day1);

        await using (var db = Open(TenantScope.ForInstitution(p.A.Id)))
        {
            Assert.Equal(["10.200.0.0/24", "com.hospital.booking"], await db.Assets.OrderBy(a => a.Value).Select(a => a.Value).ToListAsync());
            Assert.Equal(["10.200.0.2"], await db.Findings.Select(f => f.Host!).Distinct().ToListAsync());
            Assert.Equal(2, await db.AssetAuthorizations.CountAsync());
            Assert.Equal(1, await db.DetectionImports.CountAsync());
            Assert.All(await db.FindingStatusChanges.ToListAsync(), c => Assert.Equal(p.A.Id, c.InstitutionId));

            // Nor may it register an asset for another institution, or accept its own risk through a save.
            db.Assets.Add(NewAsset(p.C.Id, null, AssetKind.Ip, "10.203.0.1"));
            await Assert.ThrowsAsync<TenantScopeViolationException>(() => db.SaveChangesAsync());
            db.ChangeTracker.Clear();
            var own = await db.Findings.FirstAsync();
            own.Status = FindingStatus.RiskAccepted;
            await Assert.ThrowsAsync<TenantScopeViolationException>(() => db.SaveChangesAsync());
        }

        await using (var db = Open(TenantScope.ForInstitution(p.B.Id)))
        {
            Assert.Empty(await db.Assets.ToListAsync());
            Assert.Empty(await db.Findings.ToListAsync());
            Assert.Empty(await db.FindingSightings.ToListAsync());
            Assert.Empty(await db.DetectionImports.ToListAsync());
        }

        // Agency X holds HIS and PACS; agency Y only LIS, which has no assets.
        await using (var db = Open(TenantScope.ForAgency(p.AgencyX.Id)))
        {
            Assert.Equal(3, await db.Assets.CountAsync());
            Assert.Equal(["10.200.0.2", "10.201.0.7"], await db.Findings.Select(f => f.Host!).Distinct().OrderBy(h => h).ToListAsync());
            Assert.Empty(await db.DetectionImports.ToListAsync());
        }

        await using (var db = Open(TenantScope.ForAgency(p.AgencyY.Id)))
        {
            Assert.Empty(await db.Assets.ToListAsync());
            Assert.Empty(await db.Findings.ToListAsync());
            Assert.Empty(await db.FindingStatusChanges.ToListAsync());
        }

        // The regulator of city 3301 sees 甲医院's, not 丙医院's (3302); and imports for its region only.
        await using (var db = Open(TenantScope.ForRegulator("3301")))
        {
            Assert.Equal(["10.200.0.2"], await db.Findings.Select(f => f.Host!).Distinct().ToListAsync());
        }

        var regional = await ImportAsync(PortRun(Day1.AddDays(1), ("10.200.0.2", [3389])), Day1.AddDays(1), TenantScope.ForRegulator("3301"));
        Assert.Equal(p.A.Id, Assert.Single(regional.Institutions).InstitutionId);
        await Assert.ThrowsAsync<FindingImportException>(() =>
            ImportAsync(PortRun(Day1.AddDays(2), ("10.201.0.7", [3389])), Day1.AddDays(2), TenantScope.ForRegulator("3301")));
    }

    [Fact]
    public async Task AnOpenHighFindingOnAGradedSystemBecomesARectificationItemProposedForRetestWhenFixed()
    {
        await SeedAsync();
        await ImportAsync(UsualRun(Day1), Day1);
        string fingerprint;
        Guid itemId;
        await using (var db = Open())
        {
            var rdp = await db.Findings.FirstAsync(f => f.Port == 3389 && f.Severity == Severity.High);
            fingerprint = rdp.Fingerprint;
            Assert.NotNull(rdp.RectificationItemId);
            itemId = rdp.RectificationItemId!.Value;
            var item = await db.Rectifications.SingleAsync(t => t.Id == itemId);
            Assert.Equal(fingerprint, item.FindingFingerprint);
            Assert.Equal("高", item.Risk);
            Assert.Equal(_r.Province.His.Id, item.SystemId);
            Assert.Equal(new DateOnly(2026, 12, 1).AddDays(RectificationDeadlines.HighRiskDays), item.DueOn);
            Assert.Equal(rdp.DueOn, item.DueOn);
            Assert.Contains("10.200.0.2:3389", item.Title);
        }

        // Seen again: linked, not duplicated.
        await ImportAsync(UsualRun(Day1.AddDays(1)), Day1.AddDays(1));
        await using (var db = Open())
        {
            Assert.Equal(1, await db.Rectifications.CountAsync(t => t.FindingFingerprint == fingerprint));
        }

        // RDP gone: the item is proposed for 复测通过, never passed silently.
        var fixedRun = await ImportAsync(PortRun(Day1.AddDays(2), ("10.200.0.2", [3306]), ("10.200.0.3", [23])), Day1.AddDays(2));
        await using (var db = Open())
        {
            var item = await db.Rectifications.SingleAsync(t => t.Id == itemId);
            Assert.Equal(Assert.Single(fixedRun.Institutions).ImportId, item.RetestProposedByImportId);
            Assert.Equal(new DateOnly(2026, 12, 3), item.RetestProposedOn);
            Assert.Null(item.RetestPassed);
            Assert.Equal(RectificationStatus.Open, item.Status);
        }

        // Back again: reopened into 整改中 (it has its item), the proposal withdrawn.
        await ImportAsync(UsualRun(Day1.AddDays(3)), Day1.AddDays(3));
        await using (var db = Open())
        {
            Assert.Equal(FindingStatus.InRectification, (await db.Findings.SingleAsync(f => f.Fingerprint == fingerprint)).Status);
            Assert.Null((await db.Rectifications.SingleAsync(t => t.Id == itemId)).RetestProposedByImportId);
        }
    }

    [Fact]
    public async Task RiskAcceptanceNeedsARegulatorOrAssessorAndAReasonAndExpires()
    {
        var r = await SeedAsync();
        await ImportAsync(UsualRun(Day1), Day1);
        Guid id;
        await using (var db = Open())
        {
            id = (await db.Findings.FirstAsync(f => f.Port == 23)).Id;
        }

        var clock = new FixedClock(Day1.AddDays(1));
        await using (var db = Open(TenantScope.ForInstitution(r.Province.A.Id)))
        {
            var workflow = new FindingWorkflow(db, clock);
            var hospital = new FindingActor("甲医院信息科");
            var refused = await Assert.ThrowsAsync<FindingWorkflowException>(() => workflow.AcceptRiskAsync(id, new DateOnly(2027, 1, 31), "业务需要", hospital));
            Assert.Contains("监管部门或测评机构", refused.Message);
            await Assert.ThrowsAsync<FindingWorkflowException>(() => workflow.MarkFalsePositiveAsync(id, "不是漏洞", hospital));
            var confirmed = await workflow.ConfirmAsync(id, hospital);
            Assert.Equal(FindingStatus.New, confirmed.From);
            Assert.Equal(FindingStatus.Confirmed, confirmed.To);
            var wrongMove = await Assert.ThrowsAsync<FindingWorkflowException>(() => workflow.ConfirmAsync(id, hospital));
            Assert.Contains("已确认", wrongMove.Message);
        }

        await using (var db = Open(TenantScope.ForRegulator("33")))
        {
            var workflow = new FindingWorkflow(db, clock);
            var regulator = new FindingActor("省卫健委 李四");
            var noReason = await Assert.ThrowsAsync<FindingWorkflowException>(() => workflow.AcceptRiskAsync(id, new DateOnly(2027, 1, 31), " ", regulator));
            Assert.Contains("理由", noReason.Message);
            var accepted = await workflow.AcceptRiskAsync(id, new DateOnly(2026, 12, 31), "内网隔离，年底下线", regulator);
            Assert.Equal(FindingStatus.RiskAccepted, accepted.To);
        }

        // Seen again while accepted: only last-seen moves.
        await ImportAsync(UsualRun(Day1.AddDays(2)), Day1.AddDays(2));
        await using (var db = Open())
        {
            var finding = await db.Findings.SingleAsync(f => f.Id == id);
            Assert.Equal(FindingStatus.RiskAccepted, finding.Status);
            Assert.Equal(Day1.AddDays(2), finding.LastSeenAt);
        }

        // The acceptance ends on 2026-12-31; on 2027-01-01 it is back to 已确认, with its change record.
        await using (var db = Open())
        {
            var expired = await new FindingWorkflow(db, clock).ExpireAcceptancesAsync(new DateTimeOffset(2027, 1, 1, 1, 0, 0, TimeSpan.FromHours(8)));
            var change = Assert.Single(expired);
            Assert.Equal(FindingStatus.RiskAccepted, change.From);
            Assert.Equal(FindingStatus.Confirmed, change.To);
        }

        await using (var db = Open())
        {
            Assert.Equal(FindingStatus.Confirmed, (await db.Findings.SingleAsync(f => f.Id == id)).Status);
            Assert.Equal(
                [FindingStatus.New, FindingStatus.Confirmed, FindingStatus.RiskAccepted, FindingStatus.Confirmed],
                await db.FindingStatusChanges.Where(c => c.FindingId == id).OrderBy(c => c.At).Select(c => c.To).ToListAsync());
        }
    }

    [Fact]
    public async Task AnAssessmentGetsProposalsPerItemAndTheAssessorDecides()
    {
        var r = await SeedAsync();
        await ImportAsync(WebRun(Day1, "无个人信息"), Day1);
        await using var db = Open(TenantScope.ForAgency(r.Province.AgencyX.Id));
        var groups = await FindingProposals.ForAsync(db, r.Province.HisAssessment.Id);
        var group = Assert.Single(groups);
        Assert.Equal("L3-CES1-17", group.ItemCode);
        Assert.Equal(["6.3.3.1"], group.HighRiskCases);
        var proposal = Assert.Single(group.Proposals).Proposal;
        Assert.Equal(ProposalDecision.Pending, proposal.Decision);

        var decided = await FindingProposals.DecideAsync(db, proposal.Id, ProposalDecision.Accepted, "测评师 赵六", Day1.AddDays(1));
        Assert.Equal(ProposalDecision.Accepted, decided.Decision);
        // Accepting writes no item result by itself.
        Assert.Equal(3, await db.ItemResults.CountAsync());
        Assert.Single(await FindingProposals.ForAsync(db, r.Province.HisAssessment.Id));
        Assert.Equal(1, await db.FindingProposals.CountAsync());
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}

public sealed class SqliteFindingImportTests : FindingImportTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

public sealed class PostgresFindingImportTests : FindingImportTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Postgres;
}
