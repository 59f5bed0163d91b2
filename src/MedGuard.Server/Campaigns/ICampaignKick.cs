namespace MedGuard.Server.Campaigns;

/// <summary>
/// The seam to the job engine (MedGuard.Jobs, wired in at merge): called after a campaign is created, its failed
/// tasks are sent back, or a stop switch is cleared, so the engine's pump looks at once instead of at its next pass.
/// Our tables are the truth either way; a kick only shortens the wait. The default does nothing.
/// </summary>
public interface ICampaignKick
{
    /// <summary>Asks the engine to look for due rounds and pending tasks now (must not throw for "engine busy").</summary>
    Task KickAsync(CancellationToken cancellationToken = default);
}

/// <summary>No job engine in this process: campaigns wait for an engine's next pass (<c>medguard worker</c>, or the server's own at merge).</summary>
public sealed class NoCampaignKick : ICampaignKick
{
    public Task KickAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;
}
