using System.Globalization;
using System.Text;
using MedGuard.Domain.Findings;
using MedGuard.Domain.Institutions;
using MedGuard.Domain.Platform;
using MedGuard.Storage.Bulk;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Storage.Sector;

/// <summary>
/// Keeps the sector pre-aggregates (<see cref="SectorTally"/> per province, tier and period; <see cref="SectorPlaceTally"/>
/// per institution and place) equal to what the findings and imports give. The importer opens a refresh for the
/// institutions it writes before its first write (<see cref="BeginAsync"/>: their contribution as it stands) and applies
/// it after its last one (<see cref="ApplyAsync"/>: their contribution recounted, the difference added to the province
/// rows, their place rows replaced), inside its transaction; <see cref="RebuildAsync"/> recounts everything (a new
/// database, bulk-generated data).
/// <para>
/// Distinct counts (servers, websites, apps, accounts) are distinct per institution and summed: a server is an
/// institution's host, so two hospitals behind one address count twice — that is what lets a province's row be a sum
/// of its hospitals' and the whole country a sum of provinces. A finding status is not counted (the figures count every
/// finding present in the period, whatever became of it), so status changes need no refresh.
/// </para>
/// </summary>
public sealed class SectorTallies
{
    /// <summary>Findings present in the period per detector, severity, kind (title) and port.</summary>
    public const string Findings = "findings";

    /// <summary>Per institution distinct hosts with a port finding (all, high-risk), (host, port) pairs, hosts per port.</summary>
    public const string Hosts = "hosts", HighHosts = "high-hosts", HostPorts = "host-ports", PortHosts = "port-hosts";

    /// <summary>Per institution distinct website assets, origins, high-risk origins with web findings; institutions with any.</summary>
    public const string WebAssets = "web-assets", Origins = "origins", HighOrigins = "high-origins", WebInstitutions = "web-institutions";

    /// <summary>Per institution distinct packages (apk) and accounts (logic) with findings.</summary>
    public const string Packages = "packages", Accounts = "accounts";

    /// <summary>Institutions with an import started in the period, per detector and ("" detector) any.</summary>
    public const string Tested = "tested";

    /// <summary>All-time markers of the days findings were first and last seen and runs started (Title = the day).</summary>
    public const string FirstDay = "first-day", LastDay = "last-day", ImportDay = "import-day";

    /// <summary>The one row (Region "") that says the tally was built over the whole database.</summary>
    public const string Built = "built";

    public const string AllTime = "";

    private static readonly IReadOnlyList<string> DayMeasures = [FirstDay, LastDay, ImportDay];

    private readonly MedGuardDbContext _db;
    private readonly IReadOnlyList<Guid> _institutions;
    private readonly string? _detector;
    private readonly Dictionary<Guid, Contribution> _before;

    private SectorTallies(MedGuardDbContext db, IReadOnlyList<Guid> institutions, string? detector, Dictionary<Guid, Contribution> before)
    {
        _db = db;
        _institutions = institutions;
        _detector = detector;
        _before = before;
    }

    /// <summary>
    /// Opens a refresh for <paramref name="institutionIds"/> inside the caller's transaction: on PostgreSQL it takes an
    /// advisory lock per institution (two imports of one hospital, say ports and web, then refresh one after the
    /// other — each recount sees the other's committed rows), then reads their contribution as it stands. With a
    /// <paramref name="detector"/> only that detector's findings are recounted (an import changes no other's); the
    /// imports are always read whole ("tested by any detector").
    /// </summary>
    public static async Task<SectorTallies> BeginAsync(MedGuardDbContext db, IEnumerable<Guid> institutionIds, string? detector = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(institutionIds);
        var ids = institutionIds.Distinct().Order().ToList();
        if (db.Database.IsNpgsql())
        {
            foreach (var id in ids)
            {
                // Two-key form, first key the number: apart from any other advisory lock of the platform.
                var key = BitConverter.ToInt32(id.ToByteArray(), 0);
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(1616, {key})", ct);
            }
        }

        return new SectorTallies(db, ids, detector, await ContributionsAsync(db, ids, detector, ct));
    }

    /// <summary>Recounts the institutions and writes the difference (province rows) and their place rows.</summary>
    public async Task ApplyAsync(CancellationToken ct = default)
    {
        var after = await ContributionsAsync(_db, _institutions, _detector, ct);
        var delta = new Dictionary<TallyKey, long>();
        foreach (var id in _institutions)
        {
            var old = _before.GetValueOrDefault(id);
            var now = after.GetValueOrDefault(id);
            if (old is not null)
            {
                foreach (var (key, count) in old.Rows)
                {
                    Add(delta, key with { Region = old.Region[..Math.Min(2, old.Region.Length)], Tier = old.Tier }, -count);
                }
            }

            if (now is not null)
            {
                foreach (var (key, count) in now.Rows)
                {
                    Add(delta, key with { Region = now.Region[..Math.Min(2, now.Region.Length)], Tier = now.Tier }, count);
                }
            }
        }

        // A row that drops to 0 stays (findings are never deleted and only widen their periods, so it is rare); the
        // figures read rows with a count.
        await UpsertAsync(_db, [.. delta.Where(d => d.Value != 0)], ct);

        await _db.SectorPlaceTallies.IgnoreQueryFilters([MedGuardDbContext.TenantFilter]).Where(p => _institutions.Contains(p.InstitutionId) && (_detector == null || p.Detector == _detector)).ExecuteDeleteAsync(ct);
        await InsertPlacesAsync(_db, [.. after.Values.SelectMany(c => c.PlaceRows())], ct);
    }

    /// <summary>Whether the tally covers the database (built once; kept since by every import).</summary>
    public static Task<bool> IsBuiltAsync(MedGuardDbContext db, CancellationToken ct = default) =>
        db.SectorTallies.IgnoreQueryFilters([MedGuardDbContext.TenantFilter]).AnyAsync(t => t.Period == AllTime && t.Region == "" && t.Measure == Built, ct);

    /// <summary>
    /// Recounts everything from the findings and imports (a fresh database, bulk-generated data, a repair): both tables
    /// emptied and written again, institution by institution in batches, then the built marker.
    /// </summary>
    public static async Task RebuildAsync(MedGuardDbContext db, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        await db.SectorTallies.IgnoreQueryFilters([MedGuardDbContext.TenantFilter]).ExecuteDeleteAsync(ct);
        await db.SectorPlaceTallies.IgnoreQueryFilters([MedGuardDbContext.TenantFilter]).ExecuteDeleteAsync(ct);
        var ids = await db.Institutions.IgnoreQueryFilters([MedGuardDbContext.TenantFilter]).AsNoTracking().OrderBy(i => i.Id).Select(i => i.Id).ToListAsync(ct);
        var totals = new Dictionary<TallyKey, long>();
        foreach (var batch in ids.Chunk(2_000))
        {
            var contributions = await ContributionsAsync(db, batch, null, ct);
            foreach (var c in contributions.Values)
            {
                foreach (var (key, count) in c.Rows)
                {
                    Add(totals, key with { Region = c.Region[..Math.Min(2, c.Region.Length)], Tier = c.Tier }, count);
                }
            }

            await BulkWriter.WriteAsync(db, contributions.Values.SelectMany(c => c.PlaceRows()), ct);
        }

        await BulkWriter.WriteAsync(db, totals.Where(t => t.Value != 0).Select(t => t.Key.Row(t.Value))
            .Append(new SectorTally { Region = "", Measure = Built, Tier = HospitalTier.Other, Count = 1 }), ct);
    }

    /// <summary>The periods a finding counts in: all time and every calendar year (China time) from first to last seen.</summary>
    internal static IEnumerable<string> PeriodsOf(DateTimeOffset first, DateTimeOffset last)
    {
        yield return AllTime;
        var from = ChinaStandardTime.DateOf(first).Year;
        var to = ChinaStandardTime.DateOf(last).Year;
        for (var year = Math.Min(from, to); year <= Math.Max(from, to); year++)
        {
            yield return year.ToString(CultureInfo.InvariantCulture);
        }
    }

    private static string Day(DateTimeOffset instant) => ChinaStandardTime.DateOf(instant).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static void Add<TKey>(Dictionary<TKey, long> map, TKey key, long count)
        where TKey : notnull =>
        map[key] = map.GetValueOrDefault(key) + count;

    private sealed record FindingRow(Guid InstitutionId, string Detector, Severity Severity, string Title, int? Port, string? Host, string? Origin, Guid? AssetId,
        string? Package, string? Account, DateTimeOffset FirstSeenAt, DateTimeOffset LastSeenAt);

    private static async Task<Dictionary<Guid, Contribution>> ContributionsAsync(MedGuardDbContext db, IReadOnlyCollection<Guid> ids, string? detector, CancellationToken ct)
    {
        var result = new Dictionary<Guid, Contribution>();
        if (ids.Count == 0)
        {
            return result;
        }

        // The system's view: the tally counts every institution's rows whoever imports (the province rows are shared).
        var institutions = await db.Institutions.IgnoreQueryFilters([MedGuardDbContext.TenantFilter]).AsNoTracking().Where(i => ids.Contains(i.Id))
            .Select(i => new { i.Id, i.Region, i.Tier }).ToListAsync(ct);
        foreach (var i in institutions)
        {
            result[i.Id] = new Contribution(i.Id, i.Region, i.Tier);
        }

        var findings = await db.Findings.IgnoreQueryFilters([MedGuardDbContext.TenantFilter]).AsNoTracking().Where(f => ids.Contains(f.InstitutionId) && (detector == null || f.Detector == detector))
            .Select(f => new FindingRow(f.InstitutionId, f.Detector, f.Severity, f.Title, f.Port, f.Host, f.Origin, f.AssetId, f.Package, f.Account, f.FirstSeenAt, f.LastSeenAt))
            .ToListAsync(ct);
        foreach (var f in findings)
        {
            if (result.TryGetValue(f.InstitutionId, out var c))
            {
                c.Count(f);
            }
        }

        var imports = await db.DetectionImports.IgnoreQueryFilters([MedGuardDbContext.TenantFilter]).AsNoTracking().Where(d => ids.Contains(d.InstitutionId))
            .Select(d => new { d.InstitutionId, d.Detector, d.StartedAt }).ToListAsync(ct);
        foreach (var d in imports)
        {
            if (result.TryGetValue(d.InstitutionId, out var c))
            {
                c.CountImport(d.Detector, d.StartedAt);
            }
        }

        foreach (var c in result.Values)
        {
            c.Close();
        }

        return result;
    }

    private static async Task UpsertAsync(MedGuardDbContext db, IReadOnlyList<KeyValuePair<TallyKey, long>> rows, CancellationToken ct)
    {
        // One statement per 100 rows; ON CONFLICT adds to the row (SQLite ≥ 3.24 and PostgreSQL say it alike), so two
        // refreshes of different hospitals of one province add their parts without reading each other's.
        foreach (var chunk in rows.Chunk(100))
        {
            var sql = new StringBuilder("INSERT INTO \"SectorTallies\" (\"Period\", \"Region\", \"Tier\", \"Measure\", \"Detector\", \"Severity\", \"Title\", \"Port\", \"Count\") VALUES ");
            var parameters = new List<object>();
            for (var i = 0; i < chunk.Length; i++)
            {
                var (k, count) = (chunk[i].Key, chunk[i].Value);
                var p = parameters.Count;
                sql.Append(i == 0 ? "" : ", ").Append(CultureInfo.InvariantCulture, $"({{{p}}}, {{{p + 1}}}, {{{p + 2}}}, {{{p + 3}}}, {{{p + 4}}}, {{{p + 5}}}, {{{p + 6}}}, {{{p + 7}}}, {{{p + 8}}})");
                parameters.AddRange([k.Period, k.Region, k.Tier.ToString(), k.Measure, k.Detector, k.Severity.ToString(), k.Title, k.Port, count]);
            }

            sql.Append(" ON CONFLICT (\"Period\", \"Region\", \"Tier\", \"Measure\", \"Detector\", \"Severity\", \"Title\", \"Port\") DO UPDATE SET \"Count\" = \"SectorTallies\".\"Count\" + excluded.\"Count\"");
            await db.Database.ExecuteSqlRawAsync(sql.ToString(), parameters, ct);
        }
    }

    private static async Task InsertPlacesAsync(MedGuardDbContext db, IReadOnlyList<SectorPlaceTally> rows, CancellationToken ct)
    {
        // Plain INSERTs through the context, in the importer's transaction (the bulk writer opens its own on SQLite).
        // EF keeps a Guid as upper-case text on SQLite (a raw Guid parameter would be bound as a blob).
        var sqlite = db.Database.IsSqlite();
        foreach (var chunk in rows.Chunk(100))
        {
            var sql = new StringBuilder("INSERT INTO \"SectorPlaceTallies\" (\"Period\", \"InstitutionId\", \"Region\", \"Tier\", \"Detector\", \"Severity\", \"Title\", \"Place\", \"Count\") VALUES ");
            var parameters = new List<object>();
            for (var i = 0; i < chunk.Length; i++)
            {
                var r = chunk[i];
                var p = parameters.Count;
                sql.Append(i == 0 ? "" : ", ").Append(CultureInfo.InvariantCulture, $"({{{p}}}, {{{p + 1}}}, {{{p + 2}}}, {{{p + 3}}}, {{{p + 4}}}, {{{p + 5}}}, {{{p + 6}}}, {{{p + 7}}}, {{{p + 8}}})");
                parameters.AddRange([r.Period, sqlite ? r.InstitutionId.ToString().ToUpperInvariant() : r.InstitutionId, r.Region, r.Tier.ToString(), r.Detector, r.Severity.ToString(), r.Title, r.Place, r.Count]);
            }

            await db.Database.ExecuteSqlRawAsync(sql.ToString(), parameters, ct);
        }
    }

    /// <summary>One province row's dimensions (Region and Tier filled in when an institution's part is added to it).</summary>
    internal sealed record TallyKey(string Period, string Measure, string Detector, Severity Severity, string Title, int Port)
    {
        public string Region { get; init; } = "";

        public HospitalTier Tier { get; init; }

        public SectorTally Row(long count) => new()
        {
            Period = Period,
            Region = Region,
            Tier = Tier,
            Measure = Measure,
            Detector = Detector,
            Severity = Severity,
            Title = Title,
            Port = Port,
            Count = count,
        };
    }

    private sealed record PlaceKey(string Period, string Detector, Severity Severity, string Title, string Place);

    /// <summary>One institution's part of the tally, counted from its findings and imports.</summary>
    private sealed class Contribution(Guid id, string region, HospitalTier tier)
    {
        private readonly Dictionary<string, Sets> _sets = [];

        public string Region { get; } = region;

        public HospitalTier Tier { get; } = tier;

        public Dictionary<TallyKey, long> Rows { get; } = [];

        public Dictionary<PlaceKey, long> Places { get; } = [];

        public void Count(FindingRow f)
        {
            Add(Rows, new TallyKey(AllTime, FirstDay, "", Severity.Info, Day(f.FirstSeenAt), 0), 1);
            Add(Rows, new TallyKey(AllTime, LastDay, "", Severity.Info, Day(f.LastSeenAt), 0), 1);
            foreach (var period in PeriodsOf(f.FirstSeenAt, f.LastSeenAt))
            {
                Add(Rows, new TallyKey(period, Findings, f.Detector, f.Severity, f.Title, f.Port ?? 0), 1);
                if (!_sets.TryGetValue(period, out var sets))
                {
                    _sets[period] = sets = new Sets();
                }

                switch (f.Detector)
                {
                    case "ports" when f.Host is not null && f.Port is { } port:
                        sets.Hosts.Add(f.Host);
                        sets.HostPorts.Add((f.Host, port));
                        if (f.Severity == Severity.High)
                        {
                            sets.HighHosts.Add(f.Host);
                        }

                        break;
                    case "web":
                        sets.Web = true;
                        if (f.AssetId is { } asset)
                        {
                            sets.WebAssets.Add(asset);
                        }

                        if (f.Origin is not null)
                        {
                            sets.Origins.Add(f.Origin);
                        }

                        if (f.Severity == Severity.High)
                        {
                            if (f.Origin is not null)
                            {
                                sets.HighOrigins.Add(f.Origin);
                            }

                            Add(Places, new PlaceKey(period, "web", Severity.High, f.Title, f.Origin ?? ""), 1);
                        }

                        break;
                    case "apk" when f.Package is not null:
                        sets.Packages.Add(f.Package);
                        Add(Places, new PlaceKey(period, "apk", Severity.Info, "", f.Package), 1);
                        Add(Places, new PlaceKey(period, "apk", Severity.Info, f.Title, f.Package), 1);
                        break;
                    case "logic" when f.Account is not null:
                        sets.Accounts.Add(f.Account);
                        Add(Places, new PlaceKey(period, "logic", f.Severity, f.Title, f.Account), 1);
                        break;
                }
            }
        }

        public void CountImport(string detector, DateTimeOffset startedAt)
        {
            Add(Rows, new TallyKey(AllTime, ImportDay, "", Severity.Info, Day(startedAt), 0), 1);
            foreach (var period in PeriodsOf(startedAt, startedAt))
            {
                if (!_sets.TryGetValue(period, out var sets))
                {
                    _sets[period] = sets = new Sets();
                }

                sets.Tested.Add(detector);
            }
        }

        /// <summary>Turns the per-period sets into their counts (an institution's distinct values, 0 or 1 for "has any").</summary>
        public void Close()
        {
            foreach (var (period, s) in _sets)
            {
                void Put(string measure, string detector, long count, Severity severity = Severity.Info, int port = 0)
                {
                    if (count != 0)
                    {
                        Add(Rows, new TallyKey(period, measure, detector, severity, "", port), count);
                    }
                }

                Put(Hosts, "ports", s.Hosts.Count);
                Put(HighHosts, "ports", s.HighHosts.Count, Severity.High);
                Put(HostPorts, "ports", s.HostPorts.Count);
                foreach (var port in s.HostPorts.GroupBy(h => h.Port))
                {
                    Put(PortHosts, "ports", port.Select(h => h.Host).Distinct(StringComparer.Ordinal).LongCount(), port: port.Key);
                }

                Put(WebAssets, "web", s.WebAssets.Count);
                Put(Origins, "web", s.Origins.Count);
                Put(HighOrigins, "web", s.HighOrigins.Count, Severity.High);
                Put(WebInstitutions, "web", s.Web ? 1 : 0);
                Put(Packages, "apk", s.Packages.Count);
                Put(Accounts, "logic", s.Accounts.Count);
                foreach (var detector in s.Tested)
                {
                    Put(Tested, detector, 1);
                }

                Put(Tested, "", s.Tested.Count > 0 ? 1 : 0);
            }

            _sets.Clear();
        }

        public IEnumerable<SectorPlaceTally> PlaceRows() => Places.Select(p => new SectorPlaceTally
        {
            Period = p.Key.Period,
            InstitutionId = id,
            Region = Region,
            Tier = Tier,
            Detector = p.Key.Detector,
            Severity = p.Key.Severity,
            Title = p.Key.Title,
            Place = p.Key.Place,
            Count = p.Value,
        });

        private sealed class Sets
        {
            public HashSet<string> Hosts { get; } = new(StringComparer.Ordinal);

            public HashSet<string> HighHosts { get; } = new(StringComparer.Ordinal);

            public HashSet<(string Host, int Port)> HostPorts { get; } = [];

            public HashSet<Guid> WebAssets { get; } = [];

            public HashSet<string> Origins { get; } = new(StringComparer.Ordinal);

            public HashSet<string> HighOrigins { get; } = new(StringComparer.Ordinal);

            public bool Web { get; set; }

            public HashSet<string> Packages { get; } = new(StringComparer.Ordinal);

            public HashSet<string> Accounts { get; } = new(StringComparer.Ordinal);

            public HashSet<string> Tested { get; } = new(StringComparer.Ordinal);
        }
    }
}
