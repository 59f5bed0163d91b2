namespace MedGuard.TestTargets.Sites;

/// <summary>
/// A portal whose start URL redirects (302 to /portal/), serving HTML without any security header (vulnerable) or with
/// Content-Security-Policy, X-Frame-Options, X-Content-Type-Options and Referrer-Policy (fixed).
/// </summary>
public sealed class SecurityHeadersSite : ITestSite
{
    public string Name => "security-headers";

    public string Description => "首页 302 跳转到 /portal/，页面缺少 CSP、X-Frame-Options、X-Content-Type-Options、Referrer-Policy；修复版齐全";

    public Task<RunningSite> StartAsync(SiteTwin twin, SiteStartOptions options, CancellationToken cancellationToken = default) =>
        InProcessSite.StartAsync(Name, twin, options, app =>
        {
            if (twin == SiteTwin.Fixed)
            {
                app.Use(async (HttpContext ctx, RequestDelegate next) =>
                {
                    var h = ctx.Response.Headers;
                    h.ContentSecurityPolicy = "default-src 'self'; frame-ancestors 'self'";
                    h.XFrameOptions = "SAMEORIGIN";
                    h.XContentTypeOptions = "nosniff";
                    h["Referrer-Policy"] = "strict-origin-when-cross-origin";
                    await next(ctx);
                });
            }

            app.MapGet("/", () => Results.Redirect("/portal/"));
            app.MapGet("/portal/", () => InProcessSite.Html("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>患者服务</title></head><body><a href=\"/portal/guide\">就医指南</a></body></html>"));
            app.MapGet("/portal/guide", () => InProcessSite.Html("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>就医指南</title></head><body><p>门诊时间 8:00-17:00</p></body></html>"));
        }, cancellationToken: cancellationToken);
}
