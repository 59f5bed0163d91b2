namespace MedGuard.TestTargets.Sites;

/// <summary>
/// One kind of test site. Implementations are found by <see cref="SiteCatalog"/> (reflection over this assembly), so a
/// new site is one new file and no list to edit.
/// </summary>
public interface ITestSite
{
    /// <summary>Short name used on the command line and in the benchmark, e.g. <c>php-forms</c>.</summary>
    string Name { get; }

    /// <summary>What real software it stands for and what its vulnerable twin holds (one sentence, for the bench table).</summary>
    string Description { get; }

    /// <summary>Whether the machine has what the site needs (e.g. <c>php</c> on PATH); the reason when it has not.</summary>
    string? MissingPrerequisite() => null;

    Task<RunningSite> StartAsync(SiteTwin twin, SiteStartOptions options, CancellationToken cancellationToken = default);
}
