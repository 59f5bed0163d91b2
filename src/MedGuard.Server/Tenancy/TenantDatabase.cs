using MedGuard.Server.Hosting;
using MedGuard.Storage.Auditing;
using MedGuard.Storage.Providers;

namespace MedGuard.Server.Tenancy;

/// <summary>
/// The request's database context, opened in the signed-in user's tenant scope (regulator: its region; institution:
/// itself; agency: its assigned systems). Pages and API endpoints get data only through it, so the storage layer's
/// query filters and save guard apply to every read and write; every change is audited with who and from where.
/// </summary>
public static class TenantDatabase
{
    public static IServiceCollection AddTenantDatabase(this IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        services.AddScoped(sp =>
        {
            var http = sp.GetRequiredService<IHttpContextAccessor>().HttpContext
                ?? throw new InvalidOperationException("租户数据库只能在请求中使用");
            if (http.User.Identity?.IsAuthenticated != true)
            {
                throw new UnauthorizedAccessException("未登录，不能访问数据");
            }

            // The context judges agency assignments (and statistics) on the platform clock's date.
            var today = DateOnly.FromDateTime(sp.GetRequiredService<TimeProvider>().GetLocalNow().DateTime);
            var db = MedGuardContextFactory.Create(sp.GetRequiredService<DatabaseTarget>(), http.User.Scope(), today);
            ChangeAuditor.Attach(db, sp.GetRequiredService<AuditTrail>(), e => e.From(http));
            return db;
        });
        return services;
    }

    /// <summary>Fills who and from where from the request.</summary>
    public static AuditEvent From(this AuditEvent e, HttpContext http) => e with
    {
        UserId = http.User.Identity?.IsAuthenticated == true ? http.User.UserId() : null,
        UserName = http.User.Identity?.IsAuthenticated == true ? http.User.Identity.Name : "anonymous",
        SourceAddress = http.Connection.RemoteIpAddress?.ToString(),
    };
}
