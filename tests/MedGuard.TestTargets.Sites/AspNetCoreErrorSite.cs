namespace MedGuard.TestTargets.Sites;

/// <summary>
/// ASP.NET Core with the developer exception page in production (vulnerable) or an exception handler that answers a
/// plain error page (fixed): /news?id= parses the id as a number.
/// </summary>
public sealed class AspNetCoreErrorSite : ITestSite
{
    public string Name => "errors-aspnetcore";

    public string Description => "ASP.NET Core：生产环境启用开发者异常页（显示异常与堆栈）；修复版使用统一错误页";

    public Task<RunningSite> StartAsync(SiteTwin twin, SiteStartOptions options, CancellationToken cancellationToken = default) =>
        InProcessSite.StartAsync(Name, twin, options, app =>
        {
            if (twin == SiteTwin.Vulnerable)
            {
                app.UseDeveloperExceptionPage();
            }
            else
            {
                app.UseExceptionHandler(error => error.Run(ctx =>
                {
                    ctx.Response.StatusCode = 500;
                    ctx.Response.ContentType = "text/html; charset=utf-8";
                    return ctx.Response.WriteAsync("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>出错了</title></head><body><h1>服务器繁忙，请稍后再试</h1></body></html>");
                }));
            }

            app.MapGet("/", () => InProcessSite.Html("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>医院新闻</title></head><body><a href=\"/news?id=1\">院内新闻</a></body></html>"));
            app.MapGet("/news", (string? id) => InProcessSite.Html($"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>新闻</title></head><body><p>第 {int.Parse(id ?? "1", System.Globalization.CultureInfo.InvariantCulture) * 1} 篇</p></body></html>"));
        }, cancellationToken: cancellationToken);
}
