using MedGuard.Domain.Findings;
using MedGuard.Storage.Findings;
using MedGuard.Storage.Providers;
using MedGuard.Storage.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static MedGuard.Storage.Tests.Findings.FindingsFixture;

namespace MedGuard.Storage.Tests.Findings;

/// <summary>The one list filter and ordering the pages, the API and the CLI share, run by the database itself.</summary>
public abstract class FindingFilterTests : StorageTestBase
{
    [Fact]
    public async Task ListsPutTheMostSevereFirstAndOverdueMeansOpenAndLate()
    {
        var today = new DateOnly(2026, 12, 10);
        await using (var db = Open())
        {
            var r = Register(db);

            // Inserted in alphabetical order of the stored names (High, Info, Low, Medium): a column sort would keep it.
            var port = 20;
            foreach (var (severity, status, due) in new[]
            {
                (Severity.High, FindingStatus.Fixed, today.AddDays(-5)),
                (Severity.Info, FindingStatus.New, (DateOnly?)null),
                (Severity.Low, FindingStatus.New, today.AddDays(30)),
                (Severity.Medium, FindingStatus.Confirmed, today.AddDays(-1)),
            })
            {
                port++;
                db.Findings.Add(new FindingRecord
                {
                    InstitutionId = r.Province.A.Id,
                    AssetId = r.HospitalNet.Id,
                    Detector = "ports",
                    RuleId = "high_risk_port",
                    Title = severity.ToChinese(),
                    Severity = severity,
                    Status = status,
                    Fingerprint = new ServiceTarget("10.200.0.2", port).FingerprintOf("high_risk_port"),
                    TargetKind = "service",
                    TargetDisplay = $"10.200.0.2:{port}",
                    Host = "10.200.0.2",
                    Port = port,
                    DueOn = due,
                    FirstSeenAt = Day1,
                    LastSeenAt = Day1,
                });
            }

            await db.SaveChangesAsync();
        }

        await using (var db = Open())
        {
            var ordered = await new FindingFilter().Apply(db.Findings.AsNoTracking(), today).MostSevereFirst().Select(f => f.Severity).ToListAsync();
            Assert.Equal([Severity.High, Severity.Medium, Severity.Low, Severity.Info], ordered);

            var overdue = await new FindingFilter { Overdue = true }.Apply(db.Findings.AsNoTracking(), today).Select(f => f.Severity).ToListAsync();
            Assert.Equal([Severity.Medium], overdue); // the 高 one is late but 已修复

            var open = await new FindingFilter { OpenOnly = true }.Apply(db.Findings.AsNoTracking(), today).MostSevereFirst().Select(f => f.Severity).ToListAsync();
            Assert.Equal([Severity.Medium, Severity.Low, Severity.Info], open);
        }
    }
}

public sealed class SqliteFindingFilterTests : FindingFilterTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

public sealed class PostgresFindingFilterTests : FindingFilterTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Postgres;
}
