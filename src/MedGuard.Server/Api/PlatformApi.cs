using MedGuard.Server.Lifecycle;
using MedGuard.Standards.Grading;
using MedGuard.Storage;
using MedGuard.Storage.Tenancy;
using Microsoft.AspNetCore.Antiforgery;

namespace MedGuard.Server.Api;

/// <summary>
/// The REST API under /api (described at /openapi/v1.json): one file per feature (InstitutionsApi, SystemsApi…), all
/// mapped into one group here so that each gets the same guard. It uses the same session cookie as the pages, the same
/// tenant-scoped database and the same services; a changing call must carry the anti-forgery token from GET /api/csrf
/// in the X-CSRF-TOKEN header. Data outside the caller's scope answers 404, as if it did not exist.
/// </summary>
public static class PlatformApi
{
    public static void MapPlatformApi(this WebApplication app)
    {
        var api = app.MapGroup("/api").AddEndpointFilter(GuardAsync).WithTags("MedGuard");
        api.MapLifecycleApi();
        api.MapSessionEndpoints();
        api.MapInstitutionsApi();
        api.MapSystemsApi();
        api.MapAssessmentsApi();
        api.MapRectificationsApi();
        api.MapAgenciesApi();
        api.MapDashboardApi();
        api.MapSectorFiguresApi();
        api.MapUsersApi();
        api.MapAuditApi();
        api.MapFindingsApi();
        api.MapAssetsApi();
        api.MapCampaignsApi();
        api.MapReportsApi();
    }

    /// <summary>Anti-forgery on every changing call, and domain errors as problem responses (never a stack trace).</summary>
    internal static async ValueTask<object?> GuardAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var isLogin = http.Request.Path.Equals("/api/session", StringComparison.OrdinalIgnoreCase) && HttpMethods.IsPost(http.Request.Method);
        if (!isLogin && !HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method))
        {
            var antiforgery = http.RequestServices.GetRequiredService<IAntiforgery>();
            if (!await antiforgery.IsRequestValidAsync(http))
            {
                return Results.Problem("缺少或无效的防跨站请求伪造令牌（X-CSRF-TOKEN）", statusCode: StatusCodes.Status400BadRequest);
            }
        }

        try
        {
            return await next(context);
        }
        catch (KeyNotFoundException)
        {
            return Results.Problem("不存在或不在您的权限范围内", statusCode: StatusCodes.Status404NotFound);
        }
        catch (TenantScopeViolationException)
        {
            return Results.Problem("不存在或不在您的权限范围内", statusCode: StatusCodes.Status404NotFound);
        }
        catch (Exception ex) when (ex is ForbiddenOperation or MedGuard.Storage.Reports.ReportForbiddenException)
        {
            return Results.Problem("您的角色不能执行此操作", statusCode: StatusCodes.Status403Forbidden);
        }
        catch (Exception ex) when (ex is LifecycleException or GradingException or FormatException or ArgumentException or FieldTooLongException
            or MedGuard.Storage.Findings.FindingWorkflowException or MedGuard.Storage.Findings.FindingImportException
            or MedGuard.Storage.Inventory.AssetRegistrationException or MedGuard.Domain.Inventory.AssetValueException
            or MedGuard.Storage.Campaigns.CampaignException or MedGuard.Reports.Document.ReportInputException)
        {
            return Results.Problem(ex.Message, statusCode: StatusCodes.Status400BadRequest);
        }
    }

    internal static void Require(bool allowed)
    {
        if (!allowed)
        {
            throw new ForbiddenOperation();
        }
    }

    private sealed class ForbiddenOperation : Exception;
}
