namespace MedGuard.TestTargets.Sites;

/// <summary>
/// A server-rendered Node site (node's own http module — no npm packages, so nothing to fetch at test time) whose menu
/// is drawn by JavaScript: the department and doctor pages are reachable only by clicking menu items, and their query
/// parameter is glued into SQL (Debian's sqlite3 command on a real SQLite file) in the vulnerable twin — boolean
/// injection, errors swallowed. The fixed twin passes the text hex-encoded, never as SQL. Sources: node-menu/.
/// </summary>
public sealed class NodeMenuSite : ITestSite
{
    public string Name => "node-menu";

    public string Description => "Node 服务端渲染站点（node http + sqlite3），菜单由 JavaScript 生成：只有点击菜单才能到达的页面含布尔型 SQL 注入";

    public string? MissingPrerequisite() =>
        !ChildServer.OnPath("node") ? "缺少 node（Debian 软件包 nodejs）" : !ChildServer.OnPath("sqlite3") ? "缺少 sqlite3（Debian 软件包 sqlite3）" : null;

    public async Task<RunningSite> StartAsync(SiteTwin twin, SiteStartOptions options, CancellationToken cancellationToken = default)
    {
        var root = Path.Combine(AppContext.BaseDirectory, "node-menu");
        var dir = Directory.CreateTempSubdirectory("medguard-site-node-");
        var port = options.Port == 0 ? ChildServer.FreePort() : options.Port;
        var env = new Dictionary<string, string>
        {
            ["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["MG_TWIN"] = twin == SiteTwin.Fixed ? "fixed" : "vulnerable",
            ["MG_DB"] = Path.Combine(dir.FullName, "site.db"),
        };
        if (options.RequestLog is { } log)
        {
            env["MG_REQUEST_LOG"] = Path.GetFullPath(log);
        }

        var stop = await ChildServer.StartAsync("node", [Path.Combine(root, "server.js")], root, port, env, cancellationToken).ConfigureAwait(false);
        return new RunningSite(Name, twin, new Uri($"http://127.0.0.1:{port}/"), async () =>
        {
            await stop().ConfigureAwait(false);
            dir.Delete(recursive: true);
        });
    }
}
