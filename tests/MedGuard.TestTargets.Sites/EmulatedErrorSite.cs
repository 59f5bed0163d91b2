namespace MedGuard.TestTargets.Sites;

/// <summary>
/// Error pages of stacks this machine does not run, emulated in Kestrel as those stacks write them when a number
/// parameter gets text: ASP.NET's yellow screen with customErrors Off, Tomcat's exception report, Spring Boot's
/// Whitelabel page, Express's default handler outside production, Django with DEBUG = True and the Werkzeug debugger.
/// The fixed twin answers each with a generic error page.
/// </summary>
public sealed class EmulatedErrorSite : ITestSite
{
    /// <summary>Path → stack, for the tests.</summary>
    public static readonly IReadOnlyDictionary<string, string> Pages = new Dictionary<string, string>
    {
        ["/Detail.aspx"] = "aspnet",
        ["/his/detail.jsp"] = "tomcat",
        ["/spring/item"] = "spring",
        ["/api/item"] = "express",
        ["/news/"] = "django",
        ["/flask/item"] = "werkzeug",
    };

    public string Name => "errors-emulated";

    public string Description => "仿真 ASP.NET 黄页、Tomcat 异常报告、Spring Whitelabel、Express、Django DEBUG、Werkzeug 调试页（本机不运行这些技术栈）；修复版返回统一错误页";

    public Task<RunningSite> StartAsync(SiteTwin twin, SiteStartOptions options, CancellationToken cancellationToken = default) =>
        InProcessSite.StartAsync(Name, twin, options, app =>
        {
            app.MapGet("/", () => InProcessSite.Html(
                "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>门户</title></head><body><ul>"
                + string.Concat(Pages.Keys.Select(p => $"<li><a href=\"{p}?id=1\">{p}</a></li>"))
                + "</ul></body></html>"));
            foreach (var (path, stack) in Pages)
            {
                app.MapGet(path, (string? id) => long.TryParse(id ?? "1", out var n)
                    ? InProcessSite.Html($"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>详情</title></head><body><p>记录 {n}</p></body></html>")
                    : twin == SiteTwin.Vulnerable ? InProcessSite.Html(ErrorPage(stack), 500)
                    : InProcessSite.Html("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>出错了</title></head><body><h1>服务器繁忙，请稍后再试</h1></body></html>", 500));
            }
        }, cancellationToken: cancellationToken);

    private static string ErrorPage(string stack) => stack switch
    {
        "aspnet" => """
            <html><head><title>Input string was not in a correct format.</title></head><body bgcolor="white">
            <span><H1>Server Error in '/' Application.<hr width=100% size=1 color=silver></H1>
            <h2> <i>Input string was not in a correct format.</i> </h2></span>
            <b> Exception Details: </b>System.FormatException: Input string was not in a correct format.<br><br>
            <b>Stack Trace:</b> <br><br><table width=100% bgcolor="#ffffcc"><tr><td><code><pre>
            [FormatException: Input string was not in a correct format.]
               System.Number.StringToNumber(String str, NumberStyles options, NumberBuffer&amp; number, NumberFormatInfo info, Boolean parseDecimal) +14208209
               Hospital.Web.Detail.Page_Load(Object sender, EventArgs e) in D:\wwwroot\his\Detail.aspx.cs:line 21
            </pre></code></td></tr></table><br><hr width=100% size=1 color=silver>
            <b>Version Information:</b>&nbsp;Microsoft .NET Framework Version:4.0.30319; ASP.NET Version:4.8.4465.0
            </body></html>
            """,
        "tomcat" => "<!doctype html><html lang=\"en\"><head><title>HTTP Status 500 – Internal Server Error</title></head><body><h1>HTTP Status 500 – Internal Server Error</h1><hr class=\"line\" /><p><b>Type</b> Exception Report</p><p><b>Message</b> For input string: &quot;x&quot;</p><p><b>Exception</b></p><pre>java.lang.NumberFormatException: For input string: &quot;x&quot;\n\tjava.base/java.lang.NumberFormatException.forInputString(NumberFormatException.java:67)\n\torg.apache.jsp.detail_jsp._jspService(detail_jsp.java:118)\n</pre><hr class=\"line\" /><h3>Apache Tomcat/9.0.65</h3></body></html>",
        "spring" => "<html><body><h1>Whitelabel Error Page</h1><p>This application has no explicit mapping for /error, so you are seeing this as a fallback.</p><div id='created'>Mon Dec 07 10:00:00 CST 2026</div><div>There was an unexpected error (type=Bad Request, status=400).</div></body></html>",
        "express" => "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n<body>\n<pre>TypeError: Cannot read properties of undefined (reading &#39;name&#39;)<br> &nbsp; &nbsp;at /srv/his/routes/item.js:14:31<br> &nbsp; &nbsp;at Layer.handle [as handle_request] (/srv/his/node_modules/express/lib/router/layer.js:95:5)<br> &nbsp; &nbsp;at next (/srv/his/node_modules/express/lib/router/route.js:144:13)</pre>\n</body>\n</html>\n",
        "django" => "<!DOCTYPE html><html lang=\"en\"><head><meta http-equiv=\"content-type\" content=\"text/html; charset=utf-8\"><title>ValueError at /news/</title></head><body><div id=\"summary\"><h1>ValueError at /news/</h1><pre class=\"exception_value\">invalid literal for int() with base 10: &#x27;x&#x27;</pre><table class=\"meta\"><tr><th>Django Version:</th><td>4.2.7</td></tr><tr><th>Exception Location:</th><td><span class=\"fname\">/srv/his/news/views.py</span>, line 12, in detail</td></tr></table></div><div id=\"explanation\"><p>You're seeing this error because you have <code>DEBUG = True</code> in your Django settings file.</p></div></body></html>",
        _ => "<!doctype html><html lang=en><head><title>ValueError: invalid literal for int() with base 10: &#x27;x&#x27; // Werkzeug Debugger</title></head><body><div class=\"debugger\"><h1>ValueError</h1><div class=\"traceback\"><h3>Traceback <em>(most recent call last)</em></h3><ul><li><div class=\"frame\"><h4>File <cite class=\"filename\">\"/srv/his/app.py\"</cite>, line <em class=\"line\">21</em>, in <code class=\"function\">item</code></h4></div></li></ul></div></div></body></html>",
    };
}
