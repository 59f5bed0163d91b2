using Hangfire;
using MedGuard.Storage.Auditing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MedGuard.Jobs;

/// <summary>
/// The job engine in one process — the platform server's embedded worker or a <c>medguard worker</c>: a Hangfire
/// server on the given queues (network zones), our job activator (no container needed), the recurring pump each minute,
/// and this process's own pump loop every <see cref="JobEngineOptions.PumpInterval"/>. Dispose stops it cleanly: running
/// tasks are cancelled and go back to their queue for the next worker.
/// </summary>
public sealed class JobHost : IAsyncDisposable
{
    private readonly BackgroundJobServer _server;
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly Task _pumpLoop;

    private JobHost(CampaignEngine engine, BackgroundJobServer server)
    {
        Engine = engine;
        _server = server;
        _pumpLoop = Task.Run(PumpLoopAsync);
    }

    public CampaignEngine Engine { get; }

    /// <summary>
    /// Asks for a pump pass now (a campaign was created, failed tasks sent back, a stop switch cleared) instead of at the
    /// next interval; several wakes before the pass make one pass.
    /// </summary>
    public void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
        }
    }

    /// <summary>Starts the engine: storage (creating the engine's tables), audit chain, Hangfire server, pump.</summary>
    public static async Task<JobHost> StartAsync(JobEngineOptions options, CancellationToken ct = default, AuditTrail? trail = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var storage = EngineStorage.Create(options);
        var engine = new CampaignEngine(options, storage, trail: trail);
        await engine.OpenAuditAsync(ct);
        engine.Recurring.AddOrUpdate<CampaignPump>(CampaignPump.RecurringId, options.Queues[0], p => p.PassAsync(), Cron.Minutely());
        var server = new BackgroundJobServer(
            new BackgroundJobServerOptions
            {
                Queues = [.. options.Queues],
                WorkerCount = options.WorkerCount,
                ServerName = options.WorkerName,
                Activator = new EngineActivator(engine),
                // Our tasks stop within a second of their token; a worker that must stop waits that long, no more.
                ShutdownTimeout = TimeSpan.FromSeconds(10),
                SchedulePollingInterval = TimeSpan.FromSeconds(5),
            },
            storage);
        return new JobHost(engine, server);
    }

    private async Task PumpLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                await Engine.Pump.RunAsync(_stopping.Token);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !_stopping.IsCancellationRequested)
            {
                // The database restarting: the next pass tries again.
                Console.Error.WriteLine($"[任务引擎] 调度出错，{Engine.Options.PumpInterval.TotalSeconds:0} 秒后重试：{ex.Message}");
            }

            try
            {
                await _wake.WaitAsync(Engine.Options.PumpInterval, _stopping.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        try
        {
            await _pumpLoop;
        }
        catch (OperationCanceledException)
        {
        }

        _server.SendStop();
        await _server.WaitForShutdownAsync(CancellationToken.None);
        _server.Dispose();
        _stopping.Dispose();
        _wake.Dispose();
    }

    private sealed class EngineActivator(CampaignEngine engine) : JobActivator
    {
        public override object ActivateJob(Type jobType) =>
            jobType == typeof(CampaignTaskJob) ? new CampaignTaskJob(engine)
            : jobType == typeof(CampaignPump) ? engine.Pump
            : throw new InvalidOperationException($"任务引擎不认识的任务类型 {jobType}");
    }
}

/// <summary>Registers the job engine with a host (the platform server): started with the host, stopped cleanly with it.</summary>
public static class JobServiceCollectionExtensions
{
    public static IServiceCollection AddMedGuardJobs(this IServiceCollection services, JobEngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton(options);
        services.AddSingleton<JobEngineHandle>();
        services.AddHostedService<JobHostService>();
        return services;
    }

    // The host's audit trail, when it registers one, is shared: one writer per chain in the process.
    private sealed class JobHostService(JobEngineOptions options, JobEngineHandle handle, IServiceProvider services) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken) =>
            handle.Host = await JobHost.StartAsync(options, cancellationToken, services.GetService<AuditTrail>());

        public async Task StopAsync(CancellationToken cancellationToken)
        {
            if (handle.Host is { } host)
            {
                handle.Host = null;
                await host.DisposeAsync();
            }
        }
    }
}

/// <summary>The host's running engine, once started (null before start and after stop): what the host's pages wake and show.</summary>
public sealed class JobEngineHandle
{
    public JobHost? Host { get; internal set; }
}
