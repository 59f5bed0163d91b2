using MedGuard.Jobs;

namespace MedGuard.Server.Campaigns;

/// <summary>The server's own job engine is running: a kick wakes its pump at once (nothing happens before it has started).</summary>
public sealed class EngineCampaignKick(JobEngineHandle engine) : ICampaignKick
{
    public Task KickAsync(CancellationToken cancellationToken = default)
    {
        engine.Host?.Wake();
        return Task.CompletedTask;
    }
}
