using Hangfire;
using MedGuard.Security.Protection;
using MedGuard.Storage;
using MedGuard.Storage.Auditing;
using MedGuard.Storage.Campaigns;
using MedGuard.Storage.Findings;
using MedGuard.Storage.Providers;
using Microsoft.Extensions.Logging.Abstractions;

namespace MedGuard.Jobs;

/// <summary>
/// What the job engine's parts share in one process: the platform database, its audit chain (events as
/// <c>job:&lt;worker&gt;</c>), the finding importer with the platform's SM4 key, the campaign service, and the job
/// storage and client. Built once per process by <see cref="JobHost"/> (server or <c>medguard worker</c>).
/// </summary>
public sealed class CampaignEngine
{
    public const string FieldKeyFileName = "medguard-sm4.key";

    private readonly AuditTrail _trail;
    private readonly Lock _auditGate = new();
    private List<(AuditEvent Event, TaskCompletionSource Stored)> _auditPending = [];
    private bool _auditAppending;

    /// <param name="trail">The process's audit trail when it has one (the server's): one writer per chain and process keeps
    /// the chain's head anchor in step; a trail of the engine's own otherwise.</param>
    public CampaignEngine(JobEngineOptions options, JobStorage storage, TimeProvider? clock = null, AuditTrail? trail = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        Database = EngineStorage.Connections(options.Database);
        Storage = storage;
        Clock = clock ?? TimeProvider.System;
        Client = new BackgroundJobClient(storage);
        Recurring = new RecurringJobManager(storage);
        _trail = trail ?? new AuditTrail(Database, options.AuditTrail ?? AuditTrailOptions.Beside(options.KeyDirectory), Clock, NullLogger<AuditTrail>.Instance);
        Importer = new FindingImporter(new Sm4FieldProtector(FieldKeyFile.LoadOrCreate(options.FieldKeyFile ?? Path.Combine(options.KeyDirectory, FieldKeyFileName))));
        Campaigns = new CampaignService(Clock);
        Pump = new CampaignPump(this);
    }

    public JobEngineOptions Options { get; }

    public JobStorage Storage { get; }

    public TimeProvider Clock { get; }

    public IBackgroundJobClient Client { get; }

    public IRecurringJobManager Recurring { get; }

    public FindingImporter Importer { get; }

    public CampaignService Campaigns { get; }

    public CampaignPump Pump { get; }

    /// <summary>Who the audit trail names for what the engine does in this process.</summary>
    public string Actor => Clip("job:" + Options.WorkerName);

    /// <summary>A context in the system scope (the engine acts for every tenant; each campaign stays inside its owner's reach).</summary>
    public MedGuardDbContext Context() => MedGuardContextFactory.Create(Database);

    /// <summary>The platform's database as this engine connects to it (<see cref="EngineStorage.Connections"/>).</summary>
    public DatabaseTarget Database { get; }

    public Task OpenAuditAsync(CancellationToken ct = default) => _trail.OpenAsync(ct);

    /// <summary>
    /// Appends one event to the audit chain as <see cref="Actor"/>, and returns once it is stored. Group commit: events
    /// that lanes of this process record while an append is in flight wait for it, then go to the chain together in the
    /// next append — one transaction, each event sealed on the one before it, so the chain and its verification are
    /// what one-by-one appends would give, with one head read and one commit for all of them.
    /// </summary>
    public async Task AuditAsync(string action, string entityType, string entityId, string detail, CancellationToken ct = default)
    {
        var stored = AuditWithNextAppend(action, entityType, entityId, detail);
        await FlushAuditAsync(stored, ct);
    }

    /// <summary>
    /// Queues an event for the next append of this process — the next task's start event, another lane's append, or
    /// <see cref="FlushAuditAsync"/> — without starting one: a finished task's event and the next task's start go to the
    /// chain together (one head read, one commit). The returned task completes once the event is stored; whoever queued it
    /// flushes and awaits it before its job ends, so no event outlives its job unstored. The event is sealed when it is
    /// appended, milliseconds later; what it reports (the task's state) is already committed.
    /// </summary>
    public Task AuditWithNextAppend(string action, string entityType, string entityId, string detail)
    {
        var stored = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_auditGate)
        {
            _auditPending.Add((new AuditEvent(action, entityType, entityId, detail) { UserName = Actor, SourceAddress = "任务引擎" }, stored));
        }

        return stored.Task;
    }

    /// <summary>Appends what waits (unless an append is in flight: it takes it), then returns once <paramref name="stored"/> is stored.</summary>
    public async Task FlushAuditAsync(Task stored, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(stored);
        bool append;
        lock (_auditGate)
        {
            append = !_auditAppending && _auditPending.Count > 0;
            _auditAppending |= append;
        }

        if (append)
        {
            await AppendPendingAsync();
        }

        await stored.WaitAsync(ct);
    }

    /// <summary>Appends what waits, then what came meanwhile, until nothing waits.</summary>
    private async Task AppendPendingAsync()
    {
        while (true)
        {
            List<(AuditEvent Event, TaskCompletionSource Stored)> batch;
            lock (_auditGate)
            {
                if (_auditPending.Count == 0)
                {
                    _auditAppending = false;
                    return;
                }

                (batch, _auditPending) = (_auditPending, []);
            }

            try
            {
                await _trail.RecordAsync([.. batch.Select(b => b.Event)], CancellationToken.None);
                batch.ForEach(b => b.Stored.TrySetResult());
            }
            catch (Exception ex)
            {
                batch.ForEach(b => b.Stored.TrySetException(ex));
            }
        }
    }

    private static string Clip(string text) => text.Length <= 64 ? text : text[..64];
}
