using MedGuard.Domain.Campaigns;
using MedGuard.Jobs;
using MedGuard.Server.Hosting;
using MedGuard.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Server.Pages.Admin;

/// <summary>
/// 任务引擎 (issue 14 §2): the job engine as an administrator sees it — our own tables first (they are the truth: tasks per
/// network zone and status, every running task with its worker and last heartbeat), then what Hangfire reports of the
/// worker processes sharing the queues (when this server runs an engine of its own).
/// </summary>
[Authorize(Policy = Policies.Admin)]
public sealed class JobsModel(MedGuardDbContext db, JobEngineHandle? engine = null) : PageModel
{
    public sealed record ZoneRow(string Zone, IReadOnlyDictionary<CampaignTaskStatus, int> Counts);

    public sealed record RunningRow(Guid CampaignId, string Campaign, string Detector, string Asset, string Worker, int Attempts, DateTimeOffset? StartedAt, DateTimeOffset? HeartbeatAt);

    public sealed record WorkerRow(string Name, int Lanes, string Queues, DateTime StartedAt, DateTime? Heartbeat);

    public sealed record QueueRow(string Name, long Waiting, long? Fetched);

    public IReadOnlyList<ZoneRow> Zones { get; private set; } = [];

    public IReadOnlyList<RunningRow> Running { get; private set; } = [];

    /// <summary>Null when this server runs no engine (workers are separate processes): only our tables are shown.</summary>
    public IReadOnlyList<WorkerRow>? Workers { get; private set; }

    public IReadOnlyList<QueueRow> Queues { get; private set; } = [];

    public static readonly CampaignTaskStatus[] Columns = Enum.GetValues<CampaignTaskStatus>();

    public async Task OnGetAsync(CancellationToken ct)
    {
        var counts = await db.CampaignTasks.AsNoTracking().GroupBy(t => new { t.Zone, t.Status })
            .Select(g => new { g.Key.Zone, g.Key.Status, Count = g.Count() }).ToListAsync(ct);
        Zones = [.. counts.GroupBy(c => c.Zone).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new ZoneRow(g.Key, g.ToDictionary(c => c.Status, c => c.Count)))];
        Running = await (from t in db.CampaignTasks.AsNoTracking()
                         where t.Status == CampaignTaskStatus.Running
                         join c in db.Campaigns.AsNoTracking() on t.CampaignId equals c.Id
                         join a in db.Assets.AsNoTracking() on t.AssetId equals a.Id
                         orderby t.StartedAt
                         select new RunningRow(c.Id, c.Name, t.Detector, a.Value, t.Worker ?? "", t.Attempts, t.StartedAt, t.HeartbeatAt))
            .Take(200).ToListAsync(ct);

        if (engine?.Host is { } host)
        {
            var monitoring = host.Engine.Storage.GetMonitoringApi();
            Workers = [.. monitoring.Servers().OrderBy(s => s.Name, StringComparer.Ordinal)
                .Select(s => new WorkerRow(s.Name, s.WorkersCount, string.Join(",", s.Queues), s.StartedAt, s.Heartbeat))];
            Queues = [.. monitoring.Queues().OrderBy(q => q.Name, StringComparer.Ordinal).Select(q => new QueueRow(q.Name, q.Length, q.Fetched))];
        }
    }
}
