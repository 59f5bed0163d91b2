namespace MedGuard.TestTargets.Sites;

/// <summary>
/// A small JSON API in Kestrel whose CORS answer is one of the common mistakes (vulnerable) or an allow-list of the
/// hospital's own origin (fixed). One site per mistake, so that each is found on its own.
/// </summary>
public abstract class CorsSite : ITestSite
{
    /// <summary>The only origin the fixed twins allow.</summary>
    public const string TrustedOrigin = "https://www.hospital.test";

    public abstract string Name { get; }

    public abstract string Description { get; }

    /// <summary>The rule the vulnerable twin must raise.</summary>
    public abstract string RuleId { get; }

    /// <summary>The vulnerable twin's Access-Control-Allow-Origin for a request's Origin (null: none), and whether it allows credentials.</summary>
    protected abstract (string? Allow, bool Credentials) Answer(string origin);

    public Task<RunningSite> StartAsync(SiteTwin twin, SiteStartOptions options, CancellationToken cancellationToken = default) =>
        InProcessSite.StartAsync(Name, twin, options, app =>
        {
            app.Use(async (HttpContext ctx, RequestDelegate next) =>
            {
                var origin = ctx.Request.Headers.Origin.ToString();
                var (allow, credentials) = twin == SiteTwin.Vulnerable ? Answer(origin) : (origin == TrustedOrigin ? origin : null, true);
                if (allow is not null)
                {
                    ctx.Response.Headers.AccessControlAllowOrigin = allow;
                    ctx.Response.Headers.Vary = "Origin";
                    if (credentials)
                    {
                        ctx.Response.Headers.AccessControlAllowCredentials = "true";
                    }
                }

                await next(ctx);
            });
            app.MapGet("/", () => InProcessSite.Html("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>预约挂号接口</title></head><body><a href=\"/api/departments\">科室</a></body></html>"));
            app.MapGet("/api/departments", () => Results.Json(new[] { new { id = 1, name = "内科" }, new { id = 2, name = "外科" } }));
        }, cancellationToken: cancellationToken);
}

public sealed class CorsWildcardSite : CorsSite
{
    public override string Name => "cors-wildcard";

    public override string Description => "CORS：Access-Control-Allow-Origin: *；修复版只允许本院来源";

    public override string RuleId => "cors-wildcard";

    protected override (string? Allow, bool Credentials) Answer(string origin) => ("*", false);
}

public sealed class CorsReflectedSite : CorsSite
{
    public override string Name => "cors-reflect";

    public override string Description => "CORS：回显任意 Origin（不允许凭据）；修复版只允许本院来源";

    public override string RuleId => "cors-origin-reflected";

    protected override (string? Allow, bool Credentials) Answer(string origin) => (origin.Length > 0 ? origin : null, false);
}

public sealed class CorsReflectedCredentialsSite : CorsSite
{
    public override string Name => "cors-reflect-credentials";

    public override string Description => "CORS：回显任意 Origin 且 Allow-Credentials: true；修复版只允许本院来源";

    public override string RuleId => "cors-permissive";

    protected override (string? Allow, bool Credentials) Answer(string origin) => (origin.Length > 0 ? origin : null, true);
}

public sealed class CorsNullOriginSite : CorsSite
{
    public override string Name => "cors-null";

    public override string Description => "CORS：接受 Origin: null 且允许凭据（其他来源不回显）；修复版只允许本院来源";

    public override string RuleId => "cors-null-origin";

    protected override (string? Allow, bool Credentials) Answer(string origin) =>
        (origin == "null" || origin == TrustedOrigin ? origin : null, true);
}
