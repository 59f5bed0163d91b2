namespace MedGuard.TestTargets.Sites;

/// <summary>A started test site on 127.0.0.1; disposing it stops the site (and its child process, if any).</summary>
public sealed class RunningSite(string name, SiteTwin twin, Uri baseUrl, Func<ValueTask> stop) : IAsyncDisposable
{
    public string Name { get; } = name;

    public SiteTwin Twin { get; } = twin;

    /// <summary>The site's root, e.g. http://127.0.0.1:41234/ (always ends with a slash).</summary>
    public Uri BaseUrl { get; } = baseUrl;

    public ValueTask DisposeAsync() => stop();
}

/// <summary>How to start a site: the port (0 = one the OS chooses) and an optional file that logs every request
/// (method and path-and-query, one per line) so the benchmark counts every tool's requests the same way.</summary>
public sealed record SiteStartOptions(int Port = 0, string? RequestLog = null);
