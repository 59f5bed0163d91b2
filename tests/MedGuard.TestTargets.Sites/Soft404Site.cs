namespace MedGuard.TestTargets.Sites;

/// <summary>
/// A site that answers 200 with a page for any path — its "not found" page names the path and changes on every load
/// (a time and a request id) — like many hospital CMSs (vulnerable twin: the soft 404), or 404 (fixed). Neither has
/// any of the files the exposure checks look for, so both must give no exposed-file finding.
/// </summary>
public sealed class Soft404Site : ITestSite
{
    public string Name => "soft-404";

    public string Description => "任意路径都返回 200 且内容每次不同的“软 404”站点；修复版返回 404。两者都没有敏感文件";

    public Task<RunningSite> StartAsync(SiteTwin twin, SiteStartOptions options, CancellationToken cancellationToken = default) =>
        InProcessSite.StartAsync(Name, twin, options, app =>
        {
            app.MapGet("/", () => InProcessSite.Html("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>人民医院</title></head><body><a href=\"/about\">医院概况</a></body></html>"));
            app.MapGet("/about", () => InProcessSite.Html("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>医院概况</title></head><body><p>三级甲等综合医院。</p></body></html>"));
            app.MapFallback((HttpContext ctx) =>
            {
                var path = System.Net.WebUtility.HtmlEncode(ctx.Request.Path.Value ?? "/");
                var noise = string.Concat(Enumerable.Range(0, Random.Shared.Next(1, 12)).Select(_ => "<p>推荐阅读：" + Guid.NewGuid().ToString("N")[..Random.Shared.Next(4, 30)] + "</p>"));
                return InProcessSite.Html($"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>人民医院</title></head><body><p>抱歉，您访问的页面 {path} 暂时无法显示。</p><p>时间 {DateTime.Now:yyyy-MM-dd HH:mm:ss.fff}，请求编号 {Guid.NewGuid():N}</p>{noise}<a href=\"/\">返回首页</a></body></html>",
                    twin == SiteTwin.Vulnerable ? 200 : 404);
            });
        }, cancellationToken: cancellationToken);
}
