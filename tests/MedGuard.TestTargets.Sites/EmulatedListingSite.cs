namespace MedGuard.TestTargets.Sites;

/// <summary>
/// Directory listings of servers this machine cannot run, emulated in Kestrel with each server's own HTML as it is
/// written (Apache 2.4 mod_autoindex, IIS 10 directoryBrowse, Tomcat 9 DefaultServlet listings, Node serve-index 1.9),
/// one per folder the home page links to. The fixed twin answers each folder with that server's 403 page.
/// </summary>
public sealed class EmulatedListingSite : ITestSite
{
    /// <summary>Folder → server style, for the tests.</summary>
    public static readonly IReadOnlyDictionary<string, string> Folders = new Dictionary<string, string>
    {
        ["/files/"] = "apache",
        ["/upload/"] = "iis",
        ["/docs/"] = "tomcat",
        ["/public/"] = "serve-index",
    };

    public string Name => "listing-emulated";

    public string Description => "仿真 Apache、IIS、Tomcat、Node serve-index 的目录浏览页面（本机无法运行这些服务器，页面按其原样书写）；修复版返回各自的 403 页";

    public Task<RunningSite> StartAsync(SiteTwin twin, SiteStartOptions options, CancellationToken cancellationToken = default) =>
        InProcessSite.StartAsync(Name, twin, options, app =>
        {
            app.MapGet("/", () => InProcessSite.Html(
                "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>医院资料中心</title></head><body><ul>"
                + string.Concat(Folders.Keys.Select(f => $"<li><a href=\"{f}\">{f}</a></li>"))
                + "</ul></body></html>"));
            foreach (var (folder, style) in Folders)
            {
                app.MapGet(folder, () => twin == SiteTwin.Vulnerable ? InProcessSite.Html(Listing(style, folder)) : InProcessSite.Html(Forbidden(style, folder), 403));
            }
        }, cancellationToken: cancellationToken);

    private static string Listing(string style, string folder) => style switch
    {
        "apache" => $"""
            <!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">
            <html>
             <head>
              <title>Index of {folder.TrimEnd('/')}</title>
             </head>
             <body>
            <h1>Index of {folder.TrimEnd('/')}</h1>
              <table>
               <tr><th valign="top"><img src="/icons/blank.gif" alt="[ICO]"></th><th><a href="?C=N;O=D">Name</a></th><th><a href="?C=M;O=A">Last modified</a></th><th><a href="?C=S;O=A">Size</a></th><th><a href="?C=D;O=A">Description</a></th></tr>
               <tr><th colspan="5"><hr></th></tr>
            <tr><td valign="top"><img src="/icons/back.gif" alt="[PARENTDIR]"></td><td><a href="/">Parent Directory</a></td><td>&nbsp;</td><td align="right">  - </td><td>&nbsp;</td></tr>
            <tr><td valign="top"><img src="/icons/unknown.gif" alt="[   ]"></td><td><a href="his-backup.zip">his-backup.zip</a></td><td align="right">2026-12-01 09:12  </td><td align="right">1.2M</td><td>&nbsp;</td></tr>
               <tr><th colspan="5"><hr></th></tr>
            </table>
            </body></html>
            """,
        "iis" => $"<html><head><title>127.0.0.1 - {folder}</title></head><body><H1>127.0.0.1 - {folder}</H1><hr>\r\n\r\n<pre><A HREF=\"/\">[To Parent Directory]</A><br><br> 2026/12/1     9:12        12345 <A HREF=\"{folder}patients.xls\">patients.xls</A><br></pre><hr></body></html>",
        "tomcat" => $"<!doctype html><html lang=\"en\"><head><title>Directory Listing For [{folder}]</title><style>body {{font-family:Tahoma,Arial,sans-serif;}}</style></head><body><h1>Directory Listing For [{folder}] - <a href=\"/\"><b>Up To [/]</b></a></h1><hr class=\"line\"><table width=\"100%\" cellspacing=\"0\" cellpadding=\"5\" align=\"center\"><tr><td align=\"left\"><font size=\"+1\"><strong>Filename</strong></font></td></tr><tr><td align=\"left\">&nbsp;&nbsp;<a href=\"{folder}config.properties\"><tt>config.properties</tt></a></td></tr></table><hr class=\"line\"><h3>Apache Tomcat</h3></body></html>",
        _ => $"<!DOCTYPE html>\n<html>\n  <head>\n    <meta charset='utf-8'>\n    <meta name=\"viewport\" content=\"width=device-width, initial-scale=1.0, user-scalable=no\">\n    <title>listing directory {folder}</title>\n    <style>body {{ margin: 0; }}</style>\n  </head>\n  <body class=\"directory\">\n    <input id=\"search\" type=\"text\" placeholder=\"Search\" autocomplete=\"off\" />\n    <div id=\"wrapper\">\n      <h1><a href=\"/\">~</a> / <a href=\"{folder}\">{folder.Trim('/')}</a> / </h1>\n      <ul id=\"files\" class=\"view-tiles\"><li><a href=\"{folder}app.config.json\" class=\"icon icon-json\" title=\"app.config.json\"><span class=\"name\">app.config.json</span><span class=\"size\">512</span></a></li></ul>\n    </div>\n  </body>\n</html>",
    };

    private static string Forbidden(string style, string folder) => style switch
    {
        "apache" => $"<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>403 Forbidden</title>\n</head><body>\n<h1>Forbidden</h1>\n<p>You don't have permission to access this resource.</p>\n</body></html>",
        "iis" => "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\"><html><head><title>403 - 禁止访问: 访问被拒绝。</title></head><body><div id=\"header\"><h1>服务器错误</h1></div><div id=\"content\"><h2>403 - 禁止访问: 访问被拒绝。</h2><h3>您无权使用所提供的凭据查看此目录或页面。</h3></div></body></html>",
        "tomcat" => "<!doctype html><html lang=\"en\"><head><title>HTTP Status 403 – Forbidden</title></head><body><h1>HTTP Status 403 – Forbidden</h1></body></html>",
        _ => $"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n<body>\n<pre>Cannot GET {folder}</pre>\n</body>\n</html>",
    };
}
