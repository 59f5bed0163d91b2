using Microsoft.Data.Sqlite;

namespace MedGuard.TestTargets.Sites;

/// <summary>
/// The report's own example (网站漏洞检测, its POST /ServiceSelect/GridOrgInfoList): an ASP.NET MVC-style page whose
/// script sends a form-encoded XMLHttpRequest POST with <c>X-Requested-With</c> and renders the JSON answer
/// (<c>{"Data": [], "Total": 1, "AggregateResults": null, "Errors": null}</c>). The URL is assembled in script, so only
/// a browser sees the request. The vulnerable twin glues <c>ProductId</c> into SQL and swallows errors (boolean
/// injection only); the fixed twin binds it. The root redirects (302) to the page. In-process Kestrel, real SQLite.
/// </summary>
public sealed class AspNetXhrSite : ITestSite
{
    private const string Page = """
        <!DOCTYPE html>
        <html><head><meta charset="utf-8"><title>服务机构查询</title></head>
        <body>
        <h1>服务机构查询</h1>
        <div id="grid" data-product="DATA10000000000014096911" data-org="北京宣武医院"></div>
        <table id="rows"></table>
        <script>
        (function () {
          var grid = document.getElementById('grid');
          var controller = location.pathname.split('/')[1];
          var xhr = new XMLHttpRequest();
          xhr.open('POST', '/' + controller + '/' + 'GridOrgInfoList');
          xhr.setRequestHeader('Content-Type', 'application/x-www-form-urlencoded; charset=UTF-8');
          xhr.setRequestHeader('X-Requested-With', 'XMLHttpRequest');
          xhr.onload = function () {
            var data = JSON.parse(xhr.responseText).Data || [];
            document.getElementById('rows').innerHTML = data.map(function (r) { return '<tr><td>' + r.ServiceName + '</td></tr>'; }).join('');
          };
          xhr.send('ProductId=' + encodeURIComponent(grid.dataset.product) + '&OrgName=' + encodeURIComponent(grid.dataset.org) + '&page=1&rows=10');
        })();
        </script>
        </body></html>
        """;

    public string Name => "aspnet-xhr";

    public string Description => "ASP.NET 风格页面：脚本以 XHR 表单编码 POST 调用 JSON 接口（报告中的 GridOrgInfoList 例子），布尔型 SQL 注入；根路径 302 跳转";

    public Task<RunningSite> StartAsync(SiteTwin twin, SiteStartOptions options, CancellationToken cancellationToken = default) =>
        KestrelSite.StartAsync(Name, twin, options, (app, db) =>
        {
            var fixedTwin = twin == SiteTwin.Fixed;
            KestrelSite.Seed(db, """
                CREATE TABLE products (ProductId TEXT, OrgName TEXT, ServiceName TEXT);
                INSERT INTO products VALUES ('DATA10000000000014096911', '北京宣武医院', '远程会诊'),
                                            ('DATA10000000000014096912', '北京宣武医院', '影像诊断');
                """);
            app.Use(async (HttpContext context, RequestDelegate next) =>
            {
                context.Response.Headers["X-AspNetMvc-Version"] = "4.0";
                await next(context).ConfigureAwait(false);
            });
            app.MapGet("/", () => Results.Redirect("/ServiceSelect/GetServiceSelectList"));
            app.MapGet("/ServiceSelect/GetServiceSelectList", () => Results.Content(Page, "text/html; charset=utf-8"));
            app.MapPost("/ServiceSelect/GridOrgInfoList", async (HttpRequest request) =>
            {
                var form = await request.ReadFormAsync().ConfigureAwait(false);
                var productId = form["ProductId"].ToString();
                using var c = new SqliteConnection(db);
                c.Open();
                using var cmd = c.CreateCommand();
                if (fixedTwin)
                {
                    cmd.CommandText = "SELECT ServiceName FROM products WHERE ProductId = $p";
                    cmd.Parameters.AddWithValue("$p", productId);
                }
                else
                {
                    cmd.CommandText = "SELECT ServiceName FROM products WHERE ProductId = '" + productId + "'";
                }

                var rows = new List<object>();
                try
                {
                    using var reader = cmd.ExecuteReader();
                    while (reader.Read())
                    {
                        rows.Add(new { ServiceName = reader.GetString(0) });
                    }
                }
                catch (SqliteException)
                {
                    // As in the report: errors are swallowed, only the boolean difference gives it away.
                }

                return Results.Json(new { Data = rows, Total = rows.Count, AggregateResults = (object?)null, Errors = (object?)null },
                    new System.Text.Json.JsonSerializerOptions { PropertyNamingPolicy = null });
            });
        }, cancellationToken);
}
