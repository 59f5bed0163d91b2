using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using MedGuard.Domain.Assessment;
using MedGuard.Domain.Detection;
using MedGuard.Domain.Findings;
using MedGuard.Domain.Inventory;
using MedGuard.Domain.Platform;
using MedGuard.Security.Protection;
using MedGuard.Storage.Inventory;
using MedGuard.Storage.Sector;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Storage.Findings;

/// <summary>
/// THE one write path from a detection run to stored findings (CLI, API, pages and benchmark all call it). In one
/// transaction per run: every finding is matched to a registered asset with an authorization that permitted the
/// detector when the run started — or the whole run is refused; then per institution, findings are upserted by
/// fingerprint (new → 新发现; seen again → last-seen moves; 已修复 → reopened), and open findings the run covered but no
/// longer saw become 已修复 naming the import. Findings the run did not cover stay as they are. Evidence is stored only
/// as SM4 ciphertext. Open 高/中 findings on a graded system get a rectification item (issue 12 §5).
/// Set-based where it counts: existing findings are loaded once per institution, last-seen moves with one bulk update,
/// sightings are one INSERT … SELECT; nothing is queried per finding.
/// </summary>
public sealed class FindingImporter(Sm4FieldProtector protector, FindingSla? sla = null)
{
    /// <summary>The purpose the evidence is encrypted under (bound as associated data).</summary>
    public const string EvidencePurpose = "FindingRecord.Evidence";

    // Rows per SaveChanges: EF's per-row buffers (commands, parameters, snapshots) stay small between batches.
    private const int SaveBatch = 1000;
    private const int IdBatch = 10_000;

    private static readonly JsonWriterOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly FindingSla _sla = sla ?? FindingSla.Default;

    /// <summary>MEDGUARD_IMPORT_TIMING=1: each phase's time on standard error (bench/findings profiles with it).</summary>
    private static readonly bool Timing = Environment.GetEnvironmentVariable("MEDGUARD_IMPORT_TIMING") == "1";

    private static void Mark(System.Diagnostics.Stopwatch clock, string phase)
    {
        if (Timing)
        {
            // Memory beside time: the managed heap now and the process's resident set, to see which phase holds what.
            Console.Error.WriteLine($"[计时]   {phase}: {clock.ElapsedMilliseconds} ms，托管堆 {GC.GetTotalMemory(false) >> 20} MB，常驻 {Environment.WorkingSet >> 20} MB");
            clock.Restart();
        }
    }

    /// <summary>Imports a run under its canonical digest (<see cref="DetectionRunJson.Digest"/>).</summary>
    /// <remarks>The digest (a second pass over the whole run) is computed on the other core while the stored findings load.</remarks>
    public Task<ImportResult> ImportAsync(MedGuardDbContext db, DetectionRun run, ImportOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        return ImportAsync(db, run, Task.Run(() => DetectionRunJson.Digest(run), cancellationToken), options, cancellationToken);
    }

    public Task<ImportResult> ImportAsync(MedGuardDbContext db, DetectionRun run, string runDigest, ImportOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runDigest);
        return ImportAsync(db, run, Task.FromResult(runDigest), options, cancellationToken);
    }

    private async Task<ImportResult> ImportAsync(MedGuardDbContext db, DetectionRun run, Task<string> runDigest, ImportOptions options, CancellationToken cancellationToken)
    {
        // Imports of one institution and detector are numbered; two at once claim the same number and one loses. A loser
        // that was importing another run tries again on the new state (the runs apply one after the other); a loser
        // importing the very run that won is refused as already imported.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await ImportOnceAsync(db, run, runDigest, options, cancellationToken);
            }
            catch (ConcurrentImportException) when (attempt < 5)
            {
                await Task.Delay(50 * attempt, cancellationToken);
            }
            catch (ConcurrentImportException ex)
            {
                throw new FindingImportException("同一机构同时有多个检测运行在导入，多次重试后仍未成功，未写入任何数据：请稍后重试", ex);
            }
        }
    }

    private async Task<ImportResult> ImportOnceAsync(MedGuardDbContext db, DetectionRun run, Task<string> runDigest, ImportOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.ImportedBy))
        {
            throw new FindingImportException("导入必须记录导入人");
        }

        var ownTransaction = db.Database.CurrentTransaction is null;
        var autoDetect = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        await using var transaction = ownTransaction ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        try
        {
            var result = await ImportInTransactionAsync(db, run, runDigest, options, cancellationToken);
            if (transaction is not null)
            {
                await transaction.CommitAsync(cancellationToken);
            }

            return result;
        }
        catch (DbUpdateException ex)
        {
            // The unique (institution, digest) index: another import of the same run committed first.
            if (transaction is not null)
            {
                await transaction.RollbackAsync(CancellationToken.None);
            }

            db.ChangeTracker.Clear();
            if (ImportedAsLatest(await LatestImportsAsync(db, run.DetectorId, null, CancellationToken.None), await runDigest) is { } at)
            {
                throw AlreadyImported(at, ex);
            }

            if (transaction is not null)
            {
                throw new ConcurrentImportException(ex);
            }

            throw new FindingImportException($"导入失败，未写入任何数据：{ex.InnerException?.Message ?? ex.Message}", ex);
        }
        catch
        {
            db.ChangeTracker.Clear();
            throw;
        }
        finally
        {
            db.ChangeTracker.AutoDetectChangesEnabled = autoDetect;
        }
    }

    /// <summary>The evidence of a stored finding, decrypted (for the people allowed to see it; mask it to show it).</summary>
    public IReadOnlyDictionary<string, string> EvidenceOf(FindingRecord finding, bool masked = true)
    {
        ArgumentNullException.ThrowIfNull(finding);
        if (finding.EvidenceCiphertext is null)
        {
            return new Dictionary<string, string>();
        }

        var json = protector.Unprotect(finding.EvidenceCiphertext, EvidencePurpose);
        using var document = JsonDocument.Parse(json);
        var evidence = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            var value = property.Value.GetString() ?? "";
            evidence[property.Name] = masked ? EvidenceMask.Mask(value) : value;
        }

        return evidence;
    }

    private async Task<ImportResult> ImportInTransactionAsync(MedGuardDbContext db, DetectionRun run, Task<string> runDigest, ImportOptions options, CancellationToken ct)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var assets = await LoadAssetsAsync(db, options.InstitutionId, ct);
        Mark(clock, $"载入资产 {assets.Count}");
        var matcher = new AssetMatcher(assets);

        // 1. Every finding on a registered asset, or nothing.
        var findingAssets = new Asset[run.Findings.Count];
        var unmatched = new List<string>();
        for (var i = 0; i < run.Findings.Count; i++)
        {
            if (matcher.Match(run.Findings[i].Target) is { } asset)
            {
                findingAssets[i] = asset;
            }
            else
            {
                unmatched.Add(run.Findings[i].Target.Display);
            }
        }

        if (unmatched.Count > 0)
        {
            var distinct = unmatched.Distinct(StringComparer.Ordinal).ToList();
            var where = options.InstitutionId is null ? "已登记的资产" : "所选机构已登记的资产";
            throw new FindingImportException(
                $"检测运行中有 {unmatched.Count} 个发现的目标不属于{where}，整个运行未导入：{string.Join("、", distinct.Take(10))}"
                + (distinct.Count > 10 ? $" 等（共 {distinct.Count} 个目标）" : "") + "。请先登记资产及其授权。");
        }

        Mark(clock, "匹配资产");
        // 2. What the run examined beyond its findings: assets under its covered subjects (a host with nothing open now).
        var scoped = new HashSet<Asset>(findingAssets);
        foreach (var subject in run.Covered ?? [])
        {
            if (matcher.Match(SubjectTarget(run.DetectorId, subject)) is { } asset)
            {
                scoped.Add(asset);
            }
        }

        // 3. Every asset the run touched must have been authorized for this detector when it started (授权).
        var authorizations = await LoadAuthorizationsAsync(db, scoped, ct);
        var refused = new List<string>();
        foreach (var asset in scoped.OrderBy(a => a.Value, StringComparer.Ordinal))
        {
            var own = authorizations.GetValueOrDefault(asset.Id) ?? [];
            if (!own.Any(a => a.Permits(run.DetectorId, run.StartedAt)))
            {
                var reason = own.Count == 0
                    ? "没有授权记录"
                    : own.OrderByDescending(a => a.ValidUntil).Select(a => a.Refusal(run.DetectorId, run.StartedAt)).First();
                refused.Add($"{asset.Kind.ToChinese()}资产 {asset.Value}{(asset.Name is null ? "" : $"（{asset.Name}）")}：{reason}");
            }
        }

        if (refused.Count > 0)
        {
            throw new FindingImportException(
                $"检测开始时（{ChinaStandardTime.At(run.StartedAt):yyyy-MM-dd HH:mm}）以下资产没有有效的 {run.DetectorId} 检测授权，整个运行未导入：{string.Join("；", refused.Take(10))}"
                + (refused.Count > 10 ? $" 等 {refused.Count} 个资产" : ""));
        }

        Mark(clock, "授权检查");
        var institutions = scoped.Select(a => a.InstitutionId).Distinct().OrderBy(id => id).ToList();
        // The sector pre-aggregate (issue 16): these institutions' part as it stands, before the first write.
        var sectorTally = await SectorTallies.BeginAsync(db, institutions, run.DetectorId, ct);
        var stored = new Dictionary<Guid, Dictionary<string, Existing>>();
        foreach (var institutionId in institutions)
        {
            stored[institutionId] = await LoadExistingAsync(db, institutionId, run.DetectorId, ct);
        }

        Mark(clock, $"载入已有发现 {stored.Values.Sum(e => e.Count)}");
        var digest = await runDigest;
        Mark(clock, "等待运行摘要");

        // 4. The next import of each institution for this detector; a repeat of its latest run changes nothing and is
        // refused. An earlier run imported again after a later one is applied again (what it shows is reopened).
        // One statement reads each institution's latest import, so the repeat check and the next number agree: a run
        // committed after this read makes both imports claim the same number, and the catch above sees which run won.
        var latest = await LatestImportsAsync(db, run.DetectorId, institutions, ct);
        if (ImportedAsLatest(latest, digest) is { } importedAt)
        {
            throw AlreadyImported(importedAt, null);
        }

        var sequences = latest.ToDictionary(l => l.InstitutionId, l => l.Sequence);

        var coverageJson = CoverageJson(run);
        var imports = institutions.ToDictionary(id => id, id => new DetectionImport
        {
            InstitutionId = id,
            RunDigest = digest,
            Sequence = sequences.GetValueOrDefault(id) + 1,
            Detector = run.DetectorId,
            DetectorVersion = run.DetectorVersion,
            StartedAt = run.StartedAt,
            EndedAt = run.EndedAt,
            ImportedAt = options.Now,
            ImportedBy = options.ImportedBy,
            ImportedByUserId = options.UserId,
            Scope = run.Scope.Length <= 4000 ? run.Scope : run.Scope[..3999] + "…",
            Complete = run.Complete,
            CoverageJson = coverageJson,
            CampaignTaskId = options.CampaignTaskId,
        });
        db.DetectionImports.AddRange(imports.Values);

        // Claimed first: a concurrent import of the same run waits here on the unique index and then fails.
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        Mark(clock, "登记导入");

        var changes = new List<FindingStatusChange>();
        var results = new List<InstitutionImport>();
        foreach (var institutionId in institutions)
        {
            var import = imports[institutionId];
            var findings = new List<(Finding Finding, Asset Asset)>();
            for (var i = 0; i < run.Findings.Count; i++)
            {
                if (findingAssets[i].InstitutionId == institutionId)
                {
                    findings.Add((run.Findings[i], findingAssets[i]));
                }
            }

            var scopedIds = scoped.Where(a => a.InstitutionId == institutionId).Select(a => a.Id).ToHashSet();
            results.Add(await ImportInstitutionAsync(db, run, import, stored[institutionId], findings, scopedIds, options, changes, ct));
        }

        // Issue 18 §5: the servers the run's apps talk to become candidate assets of their institutions (never scanned as such).
        var candidates = await AppEndpointCandidates.OfferAsync(db, run, scoped, imports, options.Now, ct);
        await sectorTally.ApplyAsync(ct);
        Mark(clock, "行业态势预汇总");
        return new ImportResult(digest, results, changes) { CandidatesOffered = candidates };
    }

    private async Task<InstitutionImport> ImportInstitutionAsync(
        MedGuardDbContext db, DetectionRun run, DetectionImport import, Dictionary<string, Existing> existing, List<(Finding Finding, Asset Asset)> findings,
        HashSet<Guid> scopedAssets, ImportOptions options, List<FindingStatusChange> changes, CancellationToken ct)
    {
        var now = options.Now;
        var today = ChinaStandardTime.DateOf(now);
        var institutionId = import.InstitutionId;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var created = new List<FindingRecord>();
        var seenIds = new List<Guid>();
        var edits = new Dictionary<Guid, Action<FindingRecord>>();
        int updated = 0, reopened = 0, fixedCount = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);

        foreach (var (finding, asset) in findings)
        {
            var fingerprint = finding.Fingerprint;
            if (!seen.Add(fingerprint))
            {
                continue; // a hand-edited file may repeat one; the first stands
            }

            var evidence = EvidenceJson(finding.Evidence);
            var mac = evidence is null ? null : protector.Mac(evidence, EvidencePurpose);
            if (!existing.TryGetValue(fingerprint, out var old))
            {
                var record = NewRecord(run, finding, asset, import, evidence, mac, now, today);
                created.Add(record);
                changes.Add(Change(record.Id, institutionId, null, FindingStatus.New, now, options, "检测发现", import.Id));
                continue;
            }

            seenIds.Add(old.Id);
            updated += old.Status == FindingStatus.Fixed ? 0 : 1;
            var contentChanged = old.Severity != finding.Severity || old.EvidenceMac != mac || old.Title != finding.Title
                || old.AssetId != asset.Id || old.SystemId != asset.SystemId;
            var needsRectification = NeedsRectification(finding.Severity, asset.SystemId) && old.RectificationItemId is null;
            switch (old.Status)
            {
                case FindingStatus.Fixed:
                    reopened++;
                    var reopenedTo = old.RectificationItemId is null ? FindingStatus.New : FindingStatus.InRectification;
                    changes.Add(Change(old.Id, institutionId, FindingStatus.Fixed, reopenedTo, now, options, "已修复的发现在检测中再次出现，重新打开", import.Id));
                    edits[old.Id] = f =>
                    {
                        Refresh(f, finding, asset, evidence, mac);
                        f.Status = reopenedTo;
                        f.StatusReason = $"检测运行再次发现（{ChinaStandardTime.At(run.StartedAt):yyyy-MM-dd HH:mm}）";
                        f.FixedAt = null;
                        f.FixedByImportId = null;
                        f.ReopenCount++;
                    };
                    break;
                case FindingStatus.RiskAccepted when old.AcceptedUntil is { } until && until < today:
                    changes.Add(Change(old.Id, institutionId, FindingStatus.RiskAccepted, FindingStatus.Confirmed, now, options, $"风险接受已于 {until:yyyy-MM-dd} 到期，发现仍然存在", import.Id));
                    edits[old.Id] = f =>
                    {
                        Refresh(f, finding, asset, evidence, mac);
                        f.Status = FindingStatus.Confirmed;
                        f.StatusReason = $"风险接受已于 {until:yyyy-MM-dd} 到期";
                        f.AcceptedUntil = null;
                    };
                    break;
                case FindingStatus.RiskAccepted or FindingStatus.FalsePositive:
                    // A decision people made stands: only last-seen and the sighting move.
                    break;
                default:
                    if (contentChanged || needsRectification)
                    {
                        edits[old.Id] = f => Refresh(f, finding, asset, evidence, mac);
                    }

                    break;
            }
        }

        Mark(clock, "逐条比对");
        // Absent from the run, covered by it, still open → 已修复, naming this import. Only the open findings on assets
        // the run touched can be; their targets are loaded for the coverage question, not every stored finding's.
        var candidates = existing.Values.Where(old => !seen.Contains(old.Fingerprint) && old.Status.IsOpen() && scopedAssets.Contains(old.AssetId)).ToList();
        var unchanged = existing.Count - seenIds.Count - candidates.Count;
        var targets = await LoadTargetsAsync(db, candidates.Select(c => c.Id), ct);
        var fixedReason = $"检测运行（{ChinaStandardTime.At(run.StartedAt):yyyy-MM-dd HH:mm}）覆盖了该目标但未再发现";
        var fixedInBulk = new List<Guid>();
        foreach (var old in candidates)
        {
            var (target, ruleId) = targets[old.Id];
            if (!run.Covers(target, ruleId))
            {
                unchanged++;
                continue;
            }

            fixedCount++;
            changes.Add(Change(old.Id, institutionId, old.Status, FindingStatus.Fixed, now, options, "检测运行覆盖了该目标但未再发现", import.Id));
            if (old.RectificationItemId is null)
            {
                fixedInBulk.Add(old.Id); // the same four values for each: one statement per batch
                continue;
            }

            // A linked one is edited as an entity: its rectification item gets the retest proposal.
            edits[old.Id] = f =>
            {
                f.Status = FindingStatus.Fixed;
                f.StatusReason = fixedReason;
                f.FixedAt = now;
                f.FixedByImportId = import.Id;
            };
        }

        Mark(clock, "未再发现的关闭判断");
        // Last-seen of everything seen again, in bulk. PostgreSQL writes the sighting of each in the same statement
        // (UPDATE … RETURNING feeding the INSERT), instead of finding the rows again afterwards by their import id.
        var postgres = db is PostgresMedGuardDbContext;
        foreach (var chunk in seenIds.Chunk(IdBatch))
        {
            var importId = import.Id;
            if (postgres)
            {
                var at = now.ToUniversalTime();
                await db.Database.ExecuteSqlAsync(
                    $"""WITH seen AS (UPDATE "Findings" SET "LastSeenAt" = {at}, "LastImportId" = {importId} WHERE "Id" = ANY({chunk}) RETURNING "Id", "InstitutionId") INSERT INTO "FindingSightings" ("FindingId", "ImportId", "InstitutionId", "SeenAt") SELECT "Id", {importId}, "InstitutionId", {at} FROM seen""",
                    ct);
                continue;
            }

            var ids = chunk.ToList();
            await db.Findings.Where(f => EF.Parameter(ids).Contains(f.Id))
                .ExecuteUpdateAsync(s => s.SetProperty(f => f.LastSeenAt, now).SetProperty(f => f.LastImportId, importId), ct);
        }

        Mark(clock, $"批量更新最近发现 {seenIds.Count}");
        foreach (var chunk in fixedInBulk.Chunk(IdBatch))
        {
            var ids = chunk.ToList();
            var importId = import.Id;
            await db.Findings.Where(f => EF.Parameter(ids).Contains(f.Id))
                .ExecuteUpdateAsync(s => s.SetProperty(f => f.Status, FindingStatus.Fixed).SetProperty(f => f.StatusReason, fixedReason)
                    .SetProperty(f => f.FixedAt, now).SetProperty(f => f.FixedByImportId, importId), ct);
        }

        Mark(clock, $"批量关闭 {fixedInBulk.Count}");
        // The findings that change beyond last-seen: loaded tracked in a few queries, edited, saved.
        var edited = new List<FindingRecord>();
        foreach (var chunk in edits.Keys.Chunk(IdBatch))
        {
            var ids = chunk.ToList();
            edited.AddRange(await db.Findings.Where(f => EF.Parameter(ids).Contains(f.Id)).ToListAsync(ct));
        }

        foreach (var record in edited)
        {
            edits[record.Id](record);
        }

        var (rectificationsCreated, retestsProposed) = await LinkRectificationsAsync(db, created.Concat(edited), import, today, ct);
        db.ChangeTracker.DetectChanges();
        var history = changes.Where(c => c.InstitutionId == institutionId).ToList();
        if (created.Count + history.Count <= SaveBatch)
        {
            // A small run (a campaign task's host): edits, new findings and their history in one save, one round trip
            // instead of three (EF orders the rows by their keys: items, then findings, then history).
            db.Findings.AddRange(created);
            db.FindingStatusChanges.AddRange(history);
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
            Mark(clock, $"保存变更 {edited.Count}、新增发现 {created.Count}、状态历史 {history.Count}");
        }
        else
        {
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
            Mark(clock, $"保存变更 {edited.Count}");

            foreach (var chunk in created.Chunk(SaveBatch))
            {
                db.Findings.AddRange(chunk);
                await db.SaveChangesAsync(ct);
                db.ChangeTracker.Clear();
            }

            Mark(clock, $"新增发现 {created.Count}");
            foreach (var chunk in history.Chunk(SaveBatch))
            {
                db.FindingStatusChanges.AddRange(chunk);
                await db.SaveChangesAsync(ct);
                db.ChangeTracker.Clear();
            }

            Mark(clock, "状态历史");
        }
        // The runs that saw each finding: one row per finding this import saw, written by the database itself
        // (on PostgreSQL those seen again already have theirs: only the new ones are left).
        if (postgres)
        {
            foreach (var chunk in created.Select(f => f.Id).Chunk(IdBatch))
            {
                await db.Database.ExecuteSqlAsync(
                    $"""INSERT INTO "FindingSightings" ("FindingId", "ImportId", "InstitutionId", "SeenAt") SELECT "Id", "LastImportId", "InstitutionId", "LastSeenAt" FROM "Findings" WHERE "Id" = ANY({chunk})""",
                    ct);
            }
        }
        else
        {
            await db.Database.ExecuteSqlAsync(
                $"""INSERT INTO "FindingSightings" ("FindingId", "ImportId", "InstitutionId", "SeenAt") SELECT "Id", "LastImportId", "InstitutionId", "LastSeenAt" FROM "Findings" WHERE "LastImportId" = {import.Id}""",
                ct);
        }

        Mark(clock, "检测记录 (sightings)");
        var newCount = created.Count;
        if (newCount + updated + fixedCount + reopened > 0) // the row was written with zeros (a host with nothing open: most of a campaign's)
        {
            await db.DetectionImports.Where(i => i.Id == import.Id).ExecuteUpdateAsync(
                s => s.SetProperty(i => i.NewCount, newCount).SetProperty(i => i.UpdatedCount, updated)
                    .SetProperty(i => i.FixedCount, fixedCount).SetProperty(i => i.ReopenedCount, reopened),
                ct);
        }

        return new InstitutionImport(institutionId, import.Id, newCount, updated, fixedCount, reopened, unchanged)
        {
            RectificationsCreated = rectificationsCreated,
            RetestsProposed = retestsProposed,
        };
    }

    /// <summary>
    /// Issue 12 §5: an open 高/中 finding on a graded system gets a rectification item (an open one with its fingerprint
    /// is linked, else one is created with the SLA deadline); one fixed by this run proposes its item for 复测通过 —
    /// a proposal only, the assessor decides; one reopened withdraws the proposal.
    /// </summary>
    private async Task<(int Created, int Proposed)> LinkRectificationsAsync(
        MedGuardDbContext db, IEnumerable<FindingRecord> findings, DetectionImport import, DateOnly today, CancellationToken ct)
    {
        var list = findings.ToList();
        var needing = list.Where(f => f.Status.IsOpen() && f.RectificationItemId is null && NeedsRectification(f.Severity, f.SystemId)).ToList();
        var linked = list.Where(f => f.RectificationItemId is not null).ToList();
        if (needing.Count == 0 && linked.Count == 0)
        {
            return (0, 0);
        }

        var systemIds = needing.Select(f => f.SystemId!.Value).Distinct().ToList();
        var open = systemIds.Count == 0
            ? []
            : await db.Rectifications
                .Where(r => systemIds.Contains(r.SystemId) && r.FindingFingerprint != null
                    && (r.Status == RectificationStatus.Open || r.Status == RectificationStatus.InProgress))
                .ToListAsync(ct);
        var byFingerprint = open.GroupBy(r => (r.SystemId, r.FindingFingerprint!)).ToDictionary(g => g.Key, g => g.First());
        var created = 0;
        foreach (var finding in needing)
        {
            var key = (finding.SystemId!.Value, finding.Fingerprint);
            if (!byFingerprint.TryGetValue(key, out var item))
            {
                var title = $"{finding.Title}：{finding.TargetDisplay}";
                item = new RectificationItem
                {
                    SystemId = key.Item1,
                    FindingFingerprint = finding.Fingerprint,
                    Title = title.Length <= 500 ? title : title[..499] + "…",
                    Risk = finding.Severity.ToChinese(),
                    CreatedOn = today,
                    DueOn = finding.DueOn ?? _sla.DueOn(finding.Severity, today),
                };
                db.Rectifications.Add(item);
                byFingerprint[key] = item;
                created++;
            }

            finding.RectificationItemId = item.Id;
        }

        var itemIds = linked.Select(f => f.RectificationItemId!.Value).Distinct().ToList();
        var items = itemIds.Count == 0 ? [] : await db.Rectifications.Where(r => itemIds.Contains(r.Id)).ToDictionaryAsync(r => r.Id, ct);
        var proposed = 0;
        foreach (var finding in linked)
        {
            if (!items.TryGetValue(finding.RectificationItemId!.Value, out var item))
            {
                continue;
            }

            if (finding.Status == FindingStatus.Fixed && finding.FixedByImportId == import.Id && item.RetestProposedByImportId is null)
            {
                item.RetestProposedByImportId = import.Id;
                item.RetestProposedOn = today;
                proposed++;
            }
            else if (finding.Status.IsOpen() && item.RetestProposedByImportId is not null)
            {
                item.RetestProposedByImportId = null;
                item.RetestProposedOn = null;
            }
        }

        return (created, proposed);
    }

    private static bool NeedsRectification(Severity severity, Guid? systemId) => systemId is not null && severity is Severity.High or Severity.Medium;

    private FindingRecord NewRecord(DetectionRun run, Finding finding, Asset asset, DetectionImport import, string? evidence, string? mac, DateTimeOffset now, DateOnly today)
    {
        var record = new FindingRecord
        {
            InstitutionId = asset.InstitutionId,
            AssetId = asset.Id,
            SystemId = asset.SystemId,
            Detector = run.DetectorId,
            RuleId = finding.RuleId,
            Title = finding.Title,
            Severity = finding.Severity,
            Fingerprint = finding.Fingerprint,
            TargetKind = finding.Target.Kind,
            TargetDisplay = finding.Target.Display,
            FirstSeenAt = now,
            LastSeenAt = now,
            LastImportId = import.Id,
            Status = FindingStatus.New,
            DueOn = _sla.DueOn(finding.Severity, today),
        };
        Fill(record, finding, asset, evidence, mac);
        return record;
    }

    /// <summary>What a new sighting brings to a finding: its current title, severity, place, evidence and references.</summary>
    private void Refresh(FindingRecord record, Finding finding, Asset asset, string? evidence, string? mac)
    {
        if (record.Severity != finding.Severity && record.Status.IsOpen())
        {
            // The deadline follows a changed severity, counted from when the finding was first seen.
            record.DueOn = _sla.DueOn(finding.Severity, ChinaStandardTime.DateOf(record.FirstSeenAt));
        }

        Fill(record, finding, asset, evidence, mac);
    }

    private void Fill(FindingRecord record, Finding finding, Asset asset, string? evidence, string? mac)
    {
        record.AssetId = asset.Id;
        record.SystemId = asset.SystemId;
        record.Title = finding.Title;
        record.Severity = finding.Severity;
        record.SetTarget(finding.Target);
        record.Locations = LocationsJson(finding.Locations);
        if (record.EvidenceMac != mac || (mac is not null && record.EvidenceCiphertext is null))
        {
            record.EvidenceCiphertext = evidence is null ? null : protector.Protect(evidence, EvidencePurpose);
            record.EvidenceMac = mac;
        }

        record.Cwe = finding.Cwe;
        record.StandardRefs = FindingRecord.Join(finding.StandardRefs);
        record.HighRiskCases = FindingRecord.Join(finding.HighRiskCases);
        record.Remediation = finding.Remediation;
        record.Technique = finding.Technique;
        record.InThirdPartyCode = finding.InThirdPartyCode;
    }

    private static FindingStatusChange Change(Guid findingId, Guid institutionId, FindingStatus? from, FindingStatus to, DateTimeOffset at, ImportOptions options, string reason, Guid importId) => new()
    {
        FindingId = findingId,
        InstitutionId = institutionId,
        From = from,
        To = to,
        At = at,
        ByUserId = options.UserId,
        ByName = options.ImportedBy.Length <= 100 ? options.ImportedBy : options.ImportedBy[..100],
        Reason = reason,
        ImportId = importId,
    };

    private static FindingImportException AlreadyImported(DateTimeOffset at, Exception? inner) =>
        new($"该检测运行已导入（时间 {ChinaStandardTime.At(at):yyyy-MM-dd HH:mm:ss}），是该机构此类检测最近一次导入的运行，再次导入不会改变任何发现，未重复导入", inner) { AlreadyImported = true };

    private sealed record LatestImport(Guid InstitutionId, int Sequence, string RunDigest, DateTimeOffset ImportedAt);

    /// <summary>Each institution's latest import of the detector (all visible institutions when null), in one statement.</summary>
    private static Task<List<LatestImport>> LatestImportsAsync(MedGuardDbContext db, string detector, List<Guid>? institutions, CancellationToken ct) =>
        db.DetectionImports.AsNoTracking()
            .Where(i => i.Detector == detector && (institutions == null || institutions.Contains(i.InstitutionId)))
            .Where(i => i.Sequence == db.DetectionImports.Where(o => o.InstitutionId == i.InstitutionId && o.Detector == detector).Max(o => o.Sequence))
            .Select(i => new LatestImport(i.InstitutionId, i.Sequence, i.RunDigest, i.ImportedAt))
            .ToListAsync(ct);

    /// <summary>When this run was imported as some institution's latest import; null when it is nobody's latest.</summary>
    private static DateTimeOffset? ImportedAsLatest(List<LatestImport> latest, string digest) =>
        latest.Where(l => l.RunDigest == digest).Select(l => (DateTimeOffset?)l.ImportedAt).Min();

    /// <summary>Another import of the same institution and detector claimed the same number first.</summary>
    private sealed class ConcurrentImportException(Exception inner) : Exception("并发导入", inner);

    private static Task<List<Asset>> LoadAssetsAsync(MedGuardDbContext db, Guid? institutionId, CancellationToken ct) =>
        db.Assets.AsNoTracking().Where(a => institutionId == null || a.InstitutionId == institutionId).ToListAsync(ct);

    private static async Task<Dictionary<Guid, List<AssetAuthorization>>> LoadAuthorizationsAsync(MedGuardDbContext db, IEnumerable<Asset> assets, CancellationToken ct)
    {
        var ids = assets.Select(a => a.Id).ToList();
        var all = new List<AssetAuthorization>();
        foreach (var chunk in ids.Chunk(IdBatch))
        {
            var list = chunk.ToList();
            // The letter's bytes stay in the database: only the terms are needed here.
            all.AddRange(await db.AssetAuthorizations.AsNoTracking().Where(z => list.Contains(z.AssetId))
                .WithoutLetter()
                .ToListAsync(ct));
        }

        return all.GroupBy(z => z.AssetId).ToDictionary(g => g.Key, g => g.ToList());
    }

    /// <summary>A target standing for a covered subject, to find the asset it lies on.</summary>
    private static FindingTarget SubjectTarget(string detector, string subject) => detector switch
    {
        "ports" => new ServiceTarget(subject, 0),
        "web" => new WebTarget(subject, "/", null),
        "apk" => new AppTarget(subject, null),
        _ => new AccountTarget(subject, null),
    };

    private static string? EvidenceJson(IReadOnlyDictionary<string, string> evidence)
    {
        if (evidence.Count == 0)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, Compact))
        {
            w.WriteStartObject();
            foreach (var (key, value) in evidence)
            {
                w.WriteString(key, value);
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static string LocationsJson(IReadOnlyList<string> locations)
    {
        if (locations.Count == 0)
        {
            return "[]";
        }

        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, Compact))
        {
            w.WriteStartArray();
            foreach (var location in locations)
            {
                w.WriteStringValue(location);
            }

            w.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static string CoverageJson(DetectionRun run)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, Compact))
        {
            w.WriteStartObject();
            if (run.Covered is null)
            {
                w.WriteNull("subjects");
            }
            else
            {
                w.WriteStartArray("subjects");
                foreach (var subject in run.Covered.Take(10_000))
                {
                    w.WriteStringValue(subject);
                }

                w.WriteEndArray();
            }

            w.WriteString("ports", run.PortsScanned);
            w.WriteStartArray("notes");
            foreach (var note in run.Coverage.Take(1000))
            {
                w.WriteStartObject();
                w.WriteString("subject", note.Subject);
                w.WriteString("reason", note.Reason);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static string? Shared(Dictionary<string, string> texts, string? text)
    {
        if (text is null)
        {
            return null;
        }

        if (texts.TryGetValue(text, out var shared))
        {
            return shared;
        }

        texts.Add(text, text);
        return text;
    }

    /// <summary>What the comparison needs of a stored finding: its state, never its target or evidence.</summary>
    private sealed record Existing(
        Guid Id, string Fingerprint, FindingStatus Status, Severity Severity, string Title, string? EvidenceMac, DateOnly? AcceptedUntil,
        Guid? RectificationItemId, Guid AssetId, Guid? SystemId);

    /// <summary>An institution's stored findings of the detector, by fingerprint, streamed row by row.</summary>
    private static async Task<Dictionary<string, Existing>> LoadExistingAsync(MedGuardDbContext db, Guid institutionId, string detector, CancellationToken ct)
    {
        var existing = new Dictionary<string, Existing>(StringComparer.Ordinal);
        var titles = new Dictionary<string, string>(StringComparer.Ordinal);
        var rows = db.Findings.AsNoTracking()
            .Where(f => f.InstitutionId == institutionId && f.Detector == detector)
            .Select(f => new Existing(f.Id, f.Fingerprint, f.Status, f.Severity, f.Title, f.EvidenceMac, f.AcceptedUntil, f.RectificationItemId, f.AssetId, f.SystemId))
            .AsAsyncEnumerable();
        await foreach (var row in rows.WithCancellation(ct))
        {
            // The title 100,000 rows repeat kept once: each row's copy is short-lived, so the held set stays small.
            existing.Add(row.Fingerprint, row with { Title = Shared(titles, row.Title)! });
        }

        return existing;
    }

    /// <summary>The targets and rules of the given stored findings, by id.</summary>
    private static async Task<Dictionary<Guid, (FindingTarget Target, string RuleId)>> LoadTargetsAsync(MedGuardDbContext db, IEnumerable<Guid> findingIds, CancellationToken ct)
    {
        var targets = new Dictionary<Guid, (FindingTarget, string)>();
        foreach (var chunk in findingIds.Chunk(IdBatch))
        {
            var ids = chunk.ToList();
            var rows = await db.Findings.AsNoTracking().Where(f => EF.Parameter(ids).Contains(f.Id))
                .Select(f => new { f.Id, f.RuleId, f.TargetKind, f.Host, f.Port, f.Origin, f.Path, f.Parameter, f.Package, f.Member, f.Account, f.Endpoint })
                .ToListAsync(ct);
            foreach (var r in rows)
            {
                targets[r.Id] = (FindingRecord.TargetOf(r.TargetKind, r.Host, r.Port, r.Origin, r.Path, r.Parameter, r.Package, r.Member, r.Account, r.Endpoint), r.RuleId);
            }
        }

        return targets;
    }

    /// <summary>Finds a target's asset, the most specific one when several hold it; asks once per subject.</summary>
    private sealed class AssetMatcher(List<Asset> assets)
    {
        private readonly Dictionary<string, Asset?> _bySubject = new(StringComparer.Ordinal);

        public Asset? Match(FindingTarget target)
        {
            var key = target.Kind + "\n" + DetectionRun.SubjectOf(target);
            if (!_bySubject.TryGetValue(key, out var asset))
            {
                asset = null;
                foreach (var candidate in assets)
                {
                    if ((asset is null || candidate.Specificity > asset.Specificity) && candidate.Matches(target))
                    {
                        asset = candidate;
                    }
                }

                _bySubject[key] = asset;
            }

            return asset;
        }
    }
}
