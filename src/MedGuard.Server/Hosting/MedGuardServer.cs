using MedGuard.Domain.Inventory;
using MedGuard.Jobs;
using MedGuard.Security.Passwords;
using MedGuard.Security.Protection;
using MedGuard.Server.Accounts;
using MedGuard.Server.Api;
using MedGuard.Server.Auditing;
using MedGuard.Server.Demo;
using MedGuard.Server.Pages;
using MedGuard.Server.Tenancy;
using MedGuard.Storage.Auditing;
using MedGuard.Storage.Providers;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.FileProviders;

namespace MedGuard.Server.Hosting;

/// <summary>Builds the platform's web application: used by <c>Program</c> and, in-process on port 0, by the tests.</summary>
public static class MedGuardServer
{
    public static WebApplication Build(string[] args, Action<PlatformOptions>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            // The pages live in this assembly, whoever hosts it (Program, or a test project in-process).
            ApplicationName = typeof(MedGuardServer).Assembly.GetName().Name,
            ContentRootPath = Directory.GetCurrentDirectory(),
            WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot"),
        });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning);

        var options = builder.Configuration.GetSection(PlatformOptions.Section).Get<PlatformOptions>() ?? new PlatformOptions();
        configure?.Invoke(options);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = options.MaxUploadBytes; // larger: 413 with a Chinese page, not a 500
        });
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(DatabaseTarget.Resolve(options.Database));
        builder.Services.AddSingleton(TimeProvider.System);
        // The keys that protect session cookies live beside the SM4 key (outside the database), encrypted with it.
        builder.Services.AddMedGuardDataProtection(options.KeyDirectory, new Sm4FieldProtector(FieldKeyFile.LoadOrCreate(options.KeyFile)));
        builder.Services.Configure<ForwardedHeadersOptions>(forwarded =>
        {
            // A TLS-terminating proxy tells the scheme and the client address; only the configured proxies are believed
            // (loopback by default), so a client cannot claim https or another address itself.
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            if (options.TrustedProxies.Count > 0)
            {
                forwarded.KnownProxies.Clear();
                forwarded.KnownIPNetworks.Clear();
                foreach (var proxy in options.TrustedProxies)
                {
                    if (System.Net.IPNetwork.TryParse(proxy, out var network))
                    {
                        forwarded.KnownIPNetworks.Add(network);
                    }
                    else
                    {
                        forwarded.KnownProxies.Add(System.Net.IPAddress.Parse(proxy));
                    }
                }
            }
        });
        builder.Services.AddSingleton(new PasswordHasher());
        builder.Services.AddSingleton(new PasswordPolicy());
        builder.Services.AddSingleton(new LoginLockout());
        builder.Services.AddSingleton(options.AuditTrail);
        builder.Services.AddSingleton<AuditTrail>();
        builder.Services.AddSingleton<AccountService>();
        builder.Services.AddSingleton<SensitiveFields>();
        builder.Services.AddSingleton<MedGuard.Server.Lifecycle.LifecycleService>();
        builder.Services.AddSingleton<MedGuard.Server.Inventory.InventoryService>();
        builder.Services.AddSingleton(sp => new MedGuard.Storage.Findings.FindingImporter(sp.GetRequiredService<Sm4FieldProtector>(), options.FindingSla));
        builder.Services.AddSingleton<MedGuard.Server.Findings.FindingService>();
        builder.Services.AddSingleton(sp => new MedGuard.Storage.Inventory.AssetRegistry(sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton(sp => new MedGuard.Storage.Inventory.AppEndpointCandidates(
            sp.GetRequiredService<MedGuard.Storage.Inventory.AssetRegistry>(), sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<MedGuard.Server.Inventory.AssetService>();
        // Campaigns (issue 14): with the embedded engine running, AddJobEngine replaces the no-op kick with one that wakes its pump.
        builder.Services.TryAddSingleton(sp => new MedGuard.Storage.Campaigns.CampaignService(sp.GetRequiredService<TimeProvider>()));
        builder.Services.TryAddSingleton<MedGuard.Server.Campaigns.ICampaignKick, MedGuard.Server.Campaigns.NoCampaignKick>();
        builder.Services.AddSingleton<MedGuard.Server.Campaigns.CampaignActions>();
        // Documents (issue 17): one chromium for the whole server (PDF and chart images), started on first use.
        builder.Services.AddSingleton(_ => new MedGuard.Reports.Rendering.ChromiumRenderer());
        builder.Services.AddSingleton<MedGuard.Server.Reports.ReportService>();
        builder.Services.AddTenantDatabase();
        AddJobEngine(builder.Services, options);

        builder.Services
            .AddAuthentication(AuthSchemes.Session)
            .AddCookie(AuthSchemes.Session, cookie =>
            {
                cookie.Cookie.Name = "medguard.session";
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Strict;
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                cookie.ExpireTimeSpan = TimeSpan.FromMinutes(options.SessionTimeoutMinutes);
                cookie.SlidingExpiration = true; // the absolute end is the server-side session's ExpiresAt
                cookie.LoginPath = "/account/login";
                cookie.AccessDeniedPath = "/error/403";
                cookie.Events.OnValidatePrincipal = ValidateSessionAsync;
                cookie.Events.OnRedirectToLogin = ApiAware(StatusCodes.Status401Unauthorized);
                cookie.Events.OnRedirectToAccessDenied = ApiAware(StatusCodes.Status403Forbidden);
            })
            .AddCookie(AuthSchemes.Pending, cookie =>
            {
                cookie.Cookie.Name = "medguard.pending";
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Strict;
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                cookie.ExpireTimeSpan = TimeSpan.FromMinutes(5);
                cookie.SlidingExpiration = false;
                cookie.LoginPath = "/account/login";
            });
        builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder(AuthSchemes.Session).RequireAuthenticatedUser().Build())
            .AddPolicy(Policies.Admin, p => p.AddAuthenticationSchemes(AuthSchemes.Session).RequireRole("Admin"))
            .AddPolicy(Policies.Sector, p => p.AddAuthenticationSchemes(AuthSchemes.Session).RequireRole("Admin", "RegulatorStaff"))
            // The sector figures page: a hospital sees the same page for itself, beside its tier's average (issue 16 §4).
            .AddPolicy(Policies.SectorView, p => p.AddAuthenticationSchemes(AuthSchemes.Session).RequireRole("Admin", "RegulatorStaff", "InstitutionStaff"));
        builder.Services.AddAntiforgery(a =>
        {
            a.Cookie.Name = "medguard.csrf";
            a.Cookie.SameSite = SameSiteMode.Strict;
            a.HeaderName = "X-CSRF-TOKEN";
        });
        builder.Services.AddRazorPages();
        // Chinese text stays readable in the HTML source instead of &#x...; entities.
        builder.Services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(o =>
            o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        builder.Services.AddOpenApi();
        builder.Services.AddProblemDetails();

        var app = builder.Build();
        app.UseForwardedHeaders();
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandlingPath = "/error",
            // A request the platform refuses (too large, a text over its column) is the client's error: 4xx, not 500.
            StatusCodeSelector = ErrorModel.StatusOf,
        });
        app.UseStatusCodePagesWithReExecute("/error/{0}");
        app.Use((context, next) =>
        {
            // The API answers with its own status codes and problem details, never the HTML error page.
            if (context.Request.Path.StartsWithSegments("/api") && context.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodePagesFeature>() is { } pages)
            {
                pages.Enabled = false;
            }

            return next(context);
        });
        app.UseMiddleware<SecurityHeaders>();
        app.Use((context, next) =>
        {
            // The error page is re-executed with the failed request's method; it must not read that request's body
            // (an oversized or broken form would fail a second time and turn a 4xx into a 500).
            if (context.Request.Path.StartsWithSegments("/error") && !HttpMethods.IsGet(context.Request.Method))
            {
                context.Request.Method = HttpMethods.Get;
                context.Request.ContentType = null;
                context.Request.ContentLength = 0;
                context.Request.Body = Stream.Null;
                context.Features.Set<Microsoft.AspNetCore.Http.Features.IFormFeature>(new Microsoft.AspNetCore.Http.Features.FormFeature(context.Request));
            }

            // A body larger than the platform accepts is refused before anything reads it: 413, in Chinese.
            if (context.Request.ContentLength > options.MaxUploadBytes)
            {
                context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                return context.Request.Path.StartsWithSegments("/api")
                    ? Results.Problem($"提交的内容超过 {options.MaxUploadBytes / 1024 / 1024} MB 上限", statusCode: StatusCodes.Status413PayloadTooLarge).ExecuteAsync(context)
                    : Task.CompletedTask; // the status page renders the message
            }

            return next(context);
        });
        if (Directory.Exists(app.Environment.WebRootPath))
        {
            app.UseStaticFiles(new StaticFileOptions { FileProvider = new PhysicalFileProvider(app.Environment.WebRootPath) });
        }

        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.MapGet("/healthz", () => Results.Text("ok")).AllowAnonymous().ExcludeFromDescription();
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.MapPlatformApi();
        app.MapRazorPages();
        return app;
    }

    /// <summary>Migrates the database and loads the demo province into an empty one; returns what to tell the user.</summary>
    public static async Task<DemoCredentials?> PrepareAsync(WebApplication app)
    {
        var options = app.Services.GetRequiredService<PlatformOptions>();
        var target = app.Services.GetRequiredService<DatabaseTarget>();
        bool empty;
        await using (var db = MedGuardContextFactory.CreateMigrated(target))
        {
            empty = !db.Institutions.Any() && !db.Users.Any();
        }

        // The audit key before anything is logged: created on an empty chain or upgraded from the unkeyed one, and a
        // keyed chain whose key is gone stops the start (AuditKeyMissingException) rather than starting afresh.
        await app.Services.GetRequiredService<AuditTrail>().OpenAsync();
        if (!options.LoadDemo || !empty)
        {
            return null;
        }

        var loader = new DemoLoader(target, app.Services.GetRequiredService<PasswordHasher>(), app.Services.GetRequiredService<Sm4FieldProtector>(),
            app.Services.GetRequiredService<AuditTrail>());
        var today = options.DemoToday ?? DateOnly.FromDateTime(DateTime.Today);
        var credentials = await loader.LoadAsync(DemoProvince.Generate(today));
        await DemoDetection.LoadAsync(target, app.Services.GetRequiredService<Sm4FieldProtector>(), app.Services.GetRequiredService<AuditTrail>(), today);
        await DemoCampaign.LoadAsync(target, app.Services.GetRequiredService<Sm4FieldProtector>(), app.Services.GetRequiredService<AuditTrail>(), today);
        credentials.WriteTo(options.DemoCredentialsFile);
        return credentials;
    }

    private static async Task ValidateSessionAsync(CookieValidatePrincipalContext context)
    {
        // Every request: the server-side session must exist, be unrevoked (logout, forced reset) and within its idle
        // and absolute lifetimes; an account disabled, deleted or moved to another tenant since login loses it too.
        var accounts = context.HttpContext.RequestServices.GetRequiredService<AccountService>();
        var principal = context.Principal!;
        var user = await accounts.ValidateSessionAsync(principal.FindFirst(ClaimNames.Session)?.Value, principal.UserId());
        if (user is null || user.Role != principal.Role()
            || principal.FindFirst(ClaimNames.Region)?.Value != user.Region
            || principal.FindFirst(ClaimNames.Institution)?.Value != user.InstitutionId?.ToString()
            || principal.FindFirst(ClaimNames.Agency)?.Value != user.AgencyId?.ToString())
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(AuthSchemes.Session);
        }
    }

    private static Func<RedirectContext<CookieAuthenticationOptions>, Task> ApiAware(int status) => context =>
    {
        if (context.Request.Path.StartsWithSegments("/api"))
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }

        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    };

    /// <summary>
    /// The embedded job engine (issue 14): a worker on this server's zones, started with the host after the database is
    /// prepared, stopped cleanly with it. Not for an in-memory database (the engine's queues need a file or PostgreSQL).
    /// </summary>
    private static void AddJobEngine(IServiceCollection services, PlatformOptions options)
    {
        var target = DatabaseTarget.Resolve(options.Database);
        if (!options.Jobs.Enabled || (target.Provider == DatabaseProvider.Sqlite && target.FilePath is null))
        {
            return;
        }

        services.AddMedGuardJobs(new JobEngineOptions
        {
            Database = target,
            KeyDirectory = options.KeyDirectory,
            AuditTrail = options.AuditTrail,
            FieldKeyFile = options.KeyFile,
            Queues = [.. options.Jobs.Queues.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(NetworkZone.Normalize).DefaultIfEmpty(NetworkZone.Default).Distinct()],
            WorkerCount = Math.Clamp(options.Jobs.Workers, 1, 64),
            ApkDirectory = target.FilePath is { } file ? Path.Combine(Path.GetDirectoryName(file)!, "apk") : null,
            LogicDirectory = JobEngineOptions.LogicDirectoryFor(target.FilePath),
        });
        services.Replace(ServiceDescriptor.Singleton<MedGuard.Server.Campaigns.ICampaignKick, MedGuard.Server.Campaigns.EngineCampaignKick>());
    }
}

/// <summary>Authorization policy names.</summary>
public static class Policies
{
    public const string Admin = "admin";
    public const string Sector = "sector";

    public const string SectorView = "sector-view";

}
