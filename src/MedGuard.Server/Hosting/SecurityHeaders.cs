namespace MedGuard.Server.Hosting;

/// <summary>
/// Response headers every page and API answer carries (等保 三级 应用安全; the seed's finding of IIS pages leaking
/// Server / X-Powered-By / X-AspNet-Version is exactly what this platform must not do itself).
/// </summary>
public sealed class SecurityHeaders(RequestDelegate next)
{
    // Scripts and styles only from our own origin (front-end packages are served from /lib); QR codes are data: URIs.
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; "
        + "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XFrameOptions = "DENY";
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            if (context.Request.IsHttps)
            {
                headers.StrictTransportSecurity = "max-age=31536000; includeSubDomains";
            }

            if (!context.Request.Path.StartsWithSegments("/lib") && !context.Request.Path.StartsWithSegments("/css")
                && !context.Request.Path.StartsWithSegments("/js"))
            {
                // Pages carry tenant data: never kept by a shared cache or the browser's back button after logout.
                headers.CacheControl = "no-store";
                headers.Pragma = "no-cache";
            }

            headers.Remove("Server");
            headers.Remove("X-Powered-By");
            return Task.CompletedTask;
        });
        return next(context);
    }
}
