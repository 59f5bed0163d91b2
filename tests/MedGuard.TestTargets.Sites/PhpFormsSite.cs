namespace MedGuard.TestTargets.Sites;

/// <summary>
/// A classic PHP site served by PHP's own server (<c>php -S</c>, Debian's php-cli with PDO SQLite): its forms submit to
/// their own page (<c>action="#"</c>, <c>action=""</c>, no action). The vulnerable twin glues the fields into SQL:
/// error-based injection in the drug search (the database's message is shown), boolean injection in the news id,
/// login bypass in the staff login, and the search term echoed unencoded. The fixed twin uses prepared statements and
/// <c>htmlspecialchars</c>. Pages: php-forms/*.php; the twin is the environment variable MG_TWIN.
/// </summary>
public sealed class PhpFormsSite : ITestSite
{
    public string Name => "php-forms";

    public string Description => "PHP 经典表单站点（php -S + PDO SQLite）：action=\"#\"/空/缺省的表单，报错型与布尔型 SQL 注入、登录绕过、反射型 XSS";

    public string? MissingPrerequisite() => ChildServer.OnPath("php") ? null : "缺少 php（Debian 软件包 php-cli 与 php-sqlite3，见 tests/setup.d/appsites.apt）";

    public async Task<RunningSite> StartAsync(SiteTwin twin, SiteStartOptions options, CancellationToken cancellationToken = default)
    {
        var docroot = Path.Combine(AppContext.BaseDirectory, "php-forms");
        var dir = Directory.CreateTempSubdirectory("medguard-site-php-");
        var port = options.Port == 0 ? ChildServer.FreePort() : options.Port;
        var env = new Dictionary<string, string>
        {
            ["MG_TWIN"] = twin == SiteTwin.Fixed ? "fixed" : "vulnerable",
            ["MG_DB"] = Path.Combine(dir.FullName, "site.db"),
        };
        if (options.RequestLog is { } log)
        {
            env["MG_REQUEST_LOG"] = Path.GetFullPath(log);
        }

        var stop = await ChildServer.StartAsync("php", ["-d", "expose_php=0", "-d", "display_errors=0", "-S", $"127.0.0.1:{port}", "-t", docroot, Path.Combine(docroot, "router.php")],
            docroot, port, env, cancellationToken).ConfigureAwait(false);
        return new RunningSite(Name, twin, new Uri($"http://127.0.0.1:{port}/"), async () =>
        {
            await stop().ConfigureAwait(false);
            dir.Delete(recursive: true);
        });
    }
}
