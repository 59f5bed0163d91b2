using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace MedGuard.TestTargets.Booking;

/// <summary>A running twin on 127.0.0.1; <see cref="Store"/> is its live state.</summary>
public sealed class RunningBooking(WebApplication app, BookingStore store, Uri baseUrl, BookingMode mode, BookingOptions options) : IAsyncDisposable
{
    /// <summary>http://127.0.0.1:PORT/ (with the trailing slash).</summary>
    public Uri BaseUrl { get; } = baseUrl;

    public BookingMode Mode { get; } = mode;

    public BookingStore Store { get; } = store;

    public BookingOptions Options { get; } = options;

    /// <summary>The H5 entry the official account's menu opens.</summary>
    public Uri H5Entry => new(BaseUrl, "h5/index.html");

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync().ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>
/// A hospital's 掌上医院 behind a WeChat official account (DOMAIN.md; the report's third kind of risk, business logic):
/// H5 pages and a Spring Boot-like JSON API on Tomcat. The vulnerable twin has the report's booking weaknesses; the fixed
/// twin differs only in the checks listed in <see cref="BookingApi"/> and in hiding its error details.
/// </summary>
public static class BookingApp
{
    /// <summary>Login codes the hospital hands to testers (WeChat OAuth code of each test identity).</summary>
    public static readonly IReadOnlyList<string> TestLoginCodes = ["TEST_PATIENT_A", "TEST_PATIENT_B", "TEST_PATIENT_C"];

    /// <summary>The captcha ticket valid for the test identities (fixed twin; the vulnerable twin ignores tickets).</summary>
    public const string TestCaptchaTicket = BookingApi.CaptchaTicket;

    /// <summary>The department testers may book in: 测试科室（勿约）.</summary>
    public const long TestDeptId = BookingSeed.TestDeptId;

    public static async Task<RunningBooking> StartAsync(BookingMode mode, BookingOptions? options = null)
    {
        options ??= new BookingOptions();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(IPAddress.Loopback, options.Port);
        });
        var app = builder.Build();
        var store = new BookingStore(options.ResolveToday());
        BookingSeed.Populate(store, options.Clock.GetUtcNow());
        var vulnerable = mode == BookingMode.Vulnerable;

        var logLock = new Lock();
        var log = options.RequestLog is null ? null : new StreamWriter(options.RequestLog, append: true) { AutoFlush = true };
        app.Lifetime.ApplicationStopped.Register(() => log?.Dispose());
        app.Use(async (ctx, next) =>
        {
            store.CountRequest(ctx.Request.Path.Value ?? "/");
            if (log is not null)
            {
                lock (logLock)
                {
                    log.WriteLine($"{ctx.Request.Method} {ctx.Request.Path}{ctx.Request.QueryString}");
                }
            }

            if (vulnerable)
            {
                // Tomcat 8's connector names itself on every answer; the fixed deployment removed the header.
                ctx.Response.Headers.Server = WhitelabelPage.ServerHeader;
            }

            try
            {
                await next(ctx).ConfigureAwait(false);
            }
            catch (JavaBindingException e) when (!ctx.Response.HasStarted)
            {
                await WriteErrorAsync(ctx, e, vulnerable, options).ConfigureAwait(false);
            }
            catch (Exception e) when (!ctx.Response.HasStarted && e is not OperationCanceledException)
            {
                await WriteErrorAsync(ctx, new JavaBindingException("java.lang.NullPointerException", "null", 500), vulnerable, options).ConfigureAwait(false);
            }

            // Spring Boot's JSON error body for unmapped paths, the same in both twins.
            if (ctx.Response.StatusCode == 404 && !ctx.Response.HasStarted)
            {
                ctx.Response.ContentType = SpringEnvelope.JsonType;
                await ctx.Response.WriteAsync(new JsonObject
                {
                    ["timestamp"] = options.Clock.GetUtcNow().ToOffset(BookingOptions.ChinaOffset).ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", System.Globalization.CultureInfo.InvariantCulture),
                    ["status"] = 404,
                    ["error"] = "Not Found",
                    ["message"] = "No message available",
                    ["path"] = ctx.Request.Path.Value,
                }.ToJsonString(SpringEnvelope.Json)).ConfigureAwait(false);
            }
        });

        WeChatOAuth.Map(app, store, options);
        BookingApi.Map(app, store, options, mode);
        BookingPages.Map(app);

        await app.StartAsync().ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(address).Port;
        return new RunningBooking(app, store, new Uri($"http://127.0.0.1:{port}/"), mode, options);
    }

    private static async Task WriteErrorAsync(HttpContext ctx, JavaBindingException e, bool vulnerable, BookingOptions options)
    {
        if (vulnerable)
        {
            ctx.Response.StatusCode = e.Status;
            ctx.Response.ContentType = "text/html;charset=UTF-8";
            await ctx.Response.WriteAsync(WhitelabelPage.Render(e, ctx.Request.Path.Value ?? "/", options.Clock.GetUtcNow())).ConfigureAwait(false);
            return;
        }

        // The fixed service's @RestControllerAdvice: nothing about the server, HTTP 200 like every other answer.
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = SpringEnvelope.JsonType;
        var (code, msg) = e.Missing ? BookingCodes.BadParameter("缺少必填参数") : BookingCodes.Busy;
        await ctx.Response.WriteAsync(new JsonObject { ["code"] = code, ["msg"] = msg }.ToJsonString(SpringEnvelope.Json)).ConfigureAwait(false);
    }
}
