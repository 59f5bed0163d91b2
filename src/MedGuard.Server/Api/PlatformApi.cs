using MedGuard.Domain.Assessment;
using MedGuard.Domain.Platform;
using MedGuard.Domain.Systems;
using MedGuard.Security.Passwords;
using MedGuard.Server.Auditing;
using MedGuard.Server.Hosting;
using MedGuard.Server.Lifecycle;
using MedGuard.Server.Pages.Dashboard;
using MedGuard.Server.Sector;
using MedGuard.Standards.Grading;
using MedGuard.Storage.Auditing;
using MedGuard.Storage;
using MedGuard.Storage.Tenancy;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Server.Api;

/// <summary>
/// The REST API under /api (described at /openapi/v1.json). It uses the same session cookie as the pages, the same
/// tenant-scoped database and the same lifecycle service; a changing call must carry the anti-forgery token from
/// GET /api/csrf in the X-CSRF-TOKEN header. Data outside the caller's scope answers 404, as if it did not exist.
/// </summary>
public static class PlatformApi
{
    public static void MapPlatformApi(this WebApplication app)
    {
        var api = app.MapGroup("/api").AddEndpointFilter(GuardAsync).WithTags("MedGuard");
        api.MapLifecycleApi();

        api.MapSessionEndpoints();
        api.MapGet("/csrf", (HttpContext http, IAntiforgery antiforgery) => Results.Ok(new { token = antiforgery.GetAndStoreTokens(http).RequestToken })).WithSummary("获取防跨站请求伪造令牌");
        api.MapGet("/me", (HttpContext http, MedGuardDbContext db) =>
            Results.Ok(new MeResponse(http.User.UserId(), http.User.Identity!.Name!, http.User.FindFirst(ClaimNames.DisplayName)?.Value ?? "", http.User.Role().ToString()!, db.Scope.ToString())));

        api.MapGet("/institutions", async (MedGuardDbContext db) => Results.Ok(await db.Institutions.AsNoTracking().OrderBy(i => i.Name)
            .Select(i => new InstitutionSummary(i.Id, i.Name, i.Tier.ToString(), i.Region, i.DirectlyAffiliated, i.Systems.Count)).ToListAsync()));
        api.MapGet("/institutions/{id:guid}", async (Guid id, MedGuardDbContext db) =>
        {
            var i = await db.Institutions.AsNoTracking().Include(x => x.Systems).ThenInclude(s => s.Grading).Include(x => x.Systems).ThenInclude(s => s.Filing)
                .AsSplitQuery().FirstOrDefaultAsync(x => x.Id == id) ?? throw new KeyNotFoundException();
            return Results.Ok(new InstitutionDetail(i.Id, i.Name, i.Tier.ToString(), i.Region, i.DirectlyAffiliated, i.CreditCode, i.Address, i.Survey,
                i.Systems.Select(Summary).ToList()));
        });
        api.MapGet("/institutions/{id:guid}/contacts", async (Guid id, HttpContext http, MedGuardDbContext db, SensitiveFields sensitive) =>
        {
            var contacts = await db.InstitutionContacts.AsNoTracking().Where(c => c.InstitutionId == id).ToListAsync();
            if (contacts.Count == 0 && !await db.Institutions.AnyAsync(i => i.Id == id))
            {
                throw new KeyNotFoundException();
            }

            await sensitive.RecordReadAsync(http, "Institution", id.ToString(), "API 查看联系人电话");
            return Results.Ok(contacts.Select(c => new ContactView(c.Id, c.Name, c.Title, sensitive.Open(c.Phone, SensitiveFields.ContactPhone), c.Email)).ToList());
        }).WithSummary("联系人（含加密电话，读取记入审计）");
        api.MapPut("/institutions/{id:guid}/survey", async (Guid id, MedGuard.Domain.Institutions.InstitutionSurvey survey, HttpContext http, MedGuardDbContext db) =>
        {
            Require(http.User.CanEditInventory());
            var i = await db.Institutions.FirstOrDefaultAsync(x => x.Id == id) ?? throw new KeyNotFoundException();
            if (survey.SecurityStaffCount is < 0 || survey.PersonalDataRecords is < 0)
            {
                throw new LifecycleException("人数和记录量不能为负数");
            }

            CopySurvey(survey, i.Survey);
            await db.SaveChangesAsync();
            return Results.NoContent();
        });
        api.MapPost("/institutions/{id:guid}/systems", async (Guid id, NewSystemRequest body, HttpContext http, MedGuardDbContext db) =>
        {
            Require(http.User.CanEditInventory());
            if (!await db.Institutions.AnyAsync(i => i.Id == id))
            {
                throw new KeyNotFoundException();
            }

            if (string.IsNullOrWhiteSpace(body.Name) || body.Name.Length > 200)
            {
                throw new LifecycleException("定级对象名称不能为空且不超过 200 字");
            }

            var system = new ProtectedSystem
            {
                InstitutionId = id,
                Name = body.Name.Trim(),
                Type = Enum.TryParse<GradingObjectType>(body.Type, true, out var t) ? t : throw new LifecycleException($"未知的定级对象类型 {body.Type}"),
                Business = Enum.TryParse<BusinessKind>(body.Business, true, out var b) ? b : throw new LifecycleException($"未知的业务类型 {body.Business}"),
                IsCore = body.IsCore,
                InternetFacing = body.InternetFacing,
            };
            db.Systems.Add(system);
            await db.SaveChangesAsync();
            return Results.Created($"/api/systems/{system.Id}", Summary(system));
        });

        api.MapGet("/systems", async (MedGuardDbContext db) => Results.Ok((await db.Systems.AsNoTracking().Include(s => s.Grading).Include(s => s.Filing)
            .OrderBy(s => s.Name).ToListAsync()).Select(Summary).ToList()));
        api.MapGet("/systems/{id:guid}", async (Guid id, MedGuardDbContext db, LifecycleService lifecycle) =>
        {
            var s = await lifecycle.LoadSystemAsync(db, id);
            return Results.Ok(new SystemDetail(Summary(s), s.Institution?.Name ?? "", s.Grading?.Reasons ?? [], s.Grading?.GradedOn, s.Filing?.FiledOn,
                s.Filing?.CertificateValidUntil, s.Assessments.Select(Summary).ToList()));
        });
        api.MapPost("/systems/{id:guid}/grading", async (Guid id, GradeRequest body, HttpContext http, MedGuardDbContext db, LifecycleService lifecycle) =>
        {
            Require(http.User.CanEditInventory());
            var input = new GradingInput
            {
                InformationObject = body.InformationObject,
                InformationDegree = ParseDegree(body.InformationDegree),
                ServiceObject = body.ServiceObject,
                ServiceDegree = ParseDegree(body.ServiceDegree),
                IsCriticalInfrastructure = body.IsCriticalInfrastructure,
                MatrixEdition = body.MatrixEdition,
            };
            var r = await lifecycle.GradeAsync(db, id, input);
            return Results.Ok(new GradeResponse(r.Level, r.Notation, r.Edition, r.Reasons, r.Warnings));
        }).WithSummary("定级（GB/T 22240-2020）");
        api.MapPost("/systems/{id:guid}/filing", async (Guid id, FileRequest body, HttpContext http, MedGuardDbContext db, LifecycleService lifecycle) =>
        {
            Require(http.User.CanEditInventory());
            var f = await lifecycle.FileAsync(db, id, new FilingInput { FiledOn = body.FiledOn, CertificateNumber = body.CertificateNumber, PoliceOrgan = body.PoliceOrgan, CertificateIssuedOn = body.CertificateIssuedOn });
            return Results.Ok(new { f.FiledOn, f.CertificateNumber, f.CertificateValidUntil, Status = f.StatusName });
        }).WithSummary("备案");
        api.MapGet("/systems/{id:guid}/deadlines", async (Guid id, MedGuardDbContext db, LifecycleService lifecycle) =>
        {
            var schedule = lifecycle.Schedule(await lifecycle.LoadSystemAsync(db, id));
            return Results.Ok(schedule?.Items.Select(o => new DeadlineView(o.Kind.ToString(), o.Title, o.StatusName, o.DueOn, o.Detail, o.Basis)).ToList() ?? []);
        }).WithSummary("期限（义务计算）");
        api.MapGet("/systems/{id:guid}/assessments", async (Guid id, MedGuardDbContext db, LifecycleService lifecycle) =>
            Results.Ok((await lifecycle.LoadSystemAsync(db, id)).Assessments.OrderByDescending(a => a.AssessedOn).Select(Summary).ToList()));
        api.MapPost("/systems/{id:guid}/assessments", async (Guid id, NewAssessmentRequest body, HttpContext http, MedGuardDbContext db, LifecycleService lifecycle) =>
        {
            Require(http.User.CanAssess());
            var assessment = await lifecycle.StartAssessmentAsync(db, id, body.AssessedOn, body.Template);
            return Results.Created($"/api/assessments/{assessment.Id}", Summary(assessment));
        }).WithSummary("新建测评（测评机构：等级测评；医疗机构：自查）");
        api.MapGet("/assessments/{id:guid}", async (Guid id, HttpContext http, MedGuardDbContext db, LifecycleService lifecycle, SensitiveFields sensitive) =>
        {
            var (assessment, _) = await lifecycle.LoadAssessmentAsync(db, id);
            if (assessment.Results.Any(r => r.Evidence is not null))
            {
                await sensitive.RecordReadAsync(http, "AssessmentRecord", id.ToString(), "API 查看测评证据");
            }

            return Results.Ok(new AssessmentDetail(Summary(assessment), LifecycleService.ItemsOf(assessment).Count,
                assessment.Results.OrderBy(r => r.ItemCode).Select(r => new ItemView(r.ItemCode, r.Result.ToChinese(), r.Risk, r.MajorHazard, sensitive.Open(r.Evidence, SensitiveFields.ItemEvidence))).ToList()));
        }).WithSummary("测评详情（含证据，读取记入审计）");
        api.MapPut("/assessments/{id:guid}/items/{code}", async (Guid id, string code, ItemRequest body, HttpContext http, MedGuardDbContext db, LifecycleService lifecycle) =>
        {
            Require(http.User.CanAssess());
            await lifecycle.SaveItemsAsync(db, id, [new ItemInput(code, body.Result, body.Evidence, body.Risk, body.MajorHazard)]);
            return Results.NoContent();
        }).WithSummary("录入一项测评结果");
        api.MapPost("/assessments/{id:guid}/conclusion", async (Guid id, HttpContext http, MedGuardDbContext db, LifecycleService lifecycle) =>
        {
            Require(http.User.CanAssess());
            var c = await lifecycle.ConcludeAsync(db, id);
            return Results.Ok(new ConclusionView(c.Conclusion, c.ConformityRate, c.ComprehensiveScore, c.MajorHazards, c.Rectification.Count, c.Reasons));
        }).WithSummary("形成测评结论");

        api.MapGet("/rectifications", async (MedGuardDbContext db) => Results.Ok(await db.Rectifications.AsNoTracking().OrderBy(r => r.DueOn)
            .Select(r => new RectificationView(r.Id, r.SystemId, r.Title, r.ItemCode, r.Risk, r.Owner, r.DueOn, r.Status.ToString())).ToListAsync()));
        api.MapPut("/rectifications/{id:guid}", async (Guid id, RectificationUpdate body, HttpContext http, MedGuardDbContext db) =>
        {
            Require(http.User.CanRectify() || http.User.CanRetest() || http.User.Role() == UserRole.RegulatorStaff);
            var r = await db.Rectifications.FirstOrDefaultAsync(x => x.Id == id) ?? throw new KeyNotFoundException();
            var status = Enum.TryParse<RectificationStatus>(body.Status, true, out var st) ? st : throw new LifecycleException($"未知的整改状态 {body.Status}");
            if (status == RectificationStatus.Verified && r.Status != status && !await LifecycleService.CanRetestAsync(db, r))
            {
                throw new LifecycleException("复测通过须由测评机构确认（无测评机构时由监管部门确认）");
            }

            if (body.DueOn is { } due && due != r.DueOn)
            {
                throw new LifecycleException("整改期限须通过延期申请变更（POST /api/rectifications/{id}/extension-requests）");
            }

            if (http.User.CanRectify())
            {
                r.Owner = body.Owner ?? r.Owner;
            }

            r.Status = status;
            await db.SaveChangesAsync();
            return Results.NoContent();
        });

        api.MapGet("/agencies", async (MedGuardDbContext db) => Results.Ok(await db.Agencies.AsNoTracking().OrderBy(a => a.Name)
            .Select(a => new AgencyView(a.Id, a.Name, a.CertificateNumber)).ToListAsync()));
        api.MapGet("/dashboard", async (MedGuardDbContext db) =>
        {
            var (tiers, regions, total) = await SectorDashboard.ComputeAsync(db, IndexModel.RegionName);
            return Results.Ok(new { tiers, regions, total });
        }).RequireAuthorization(Policies.Sector).WithSummary("行业态势（定级率、备案率、测评率、整改率）");

        api.MapGet("/users", async (MedGuardDbContext db) => Results.Ok(await db.Users.AsNoTracking().OrderBy(u => u.UserName)
            .Select(u => new UserView(u.Id, u.UserName, u.DisplayName, u.Role.ToString(), u.Region, u.InstitutionId, u.AgencyId, u.TotpEnabled, u.Disabled)).ToListAsync()))
            .RequireAuthorization(Policies.Admin);
        api.MapPost("/users", async (NewUserRequest body, MedGuardDbContext db, PasswordHasher hasher, PasswordPolicy policy) =>
        {
            var role = Enum.TryParse<UserRole>(body.Role, true, out var r) ? r : throw new LifecycleException($"未知的角色 {body.Role}");
            var name = body.UserName?.Trim() ?? "";
            if (!System.Text.RegularExpressions.Regex.IsMatch(name, "^[A-Za-z0-9._-]{3,64}$"))
            {
                throw new LifecycleException("用户名须为 3–64 位字母、数字或 . _ -");
            }

            var problems = policy.Check(body.Password ?? "", name);
            if (problems.Count > 0)
            {
                throw new LifecycleException(string.Join("；", problems));
            }

            if (await db.Users.AnyAsync(u => u.NormalizedUserName == name.ToUpperInvariant()))
            {
                throw new LifecycleException("用户名已存在");
            }

            var user = new PlatformUser
            {
                UserName = name,
                NormalizedUserName = name.ToUpperInvariant(),
                DisplayName = body.DisplayName?.Trim() ?? name,
                Role = role,
                Region = body.Region,
                InstitutionId = body.InstitutionId,
                AgencyId = body.AgencyId,
                PasswordHash = hasher.Hash(body.Password!),
            };
            _ = TenantScope.ForUser(user); // refuses a regulator without region, an institution user without institution…
            db.Users.Add(user);
            await db.SaveChangesAsync();
            return Results.Created($"/api/users/{user.Id}", new UserView(user.Id, user.UserName, user.DisplayName, user.Role.ToString(), user.Region, user.InstitutionId, user.AgencyId, false, false));
        }).RequireAuthorization(Policies.Admin);
        api.MapGet("/audit/verify", async (MedGuardDbContext db, AuditTrail trail) =>
        {
            var v = await trail.VerifyAsync(db);
            return Results.Ok(new AuditVerifyView(v.Intact, v.EntriesChecked, v.BrokenAtSequence, v.Summary));
        }).RequireAuthorization(Policies.Admin).WithSummary("校验审计日志 SM3 链");
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
        catch (ForbiddenOperation)
        {
            return Results.Problem("您的角色不能执行此操作", statusCode: StatusCodes.Status403Forbidden);
        }
        catch (Exception ex) when (ex is LifecycleException or GradingException or FormatException or ArgumentException or FieldTooLongException)
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

    private static HarmDegree ParseDegree(string text) => HarmDegrees.Parse(text ?? "");

    private static void CopySurvey(MedGuard.Domain.Institutions.InstitutionSurvey from, MedGuard.Domain.Institutions.InstitutionSurvey to)
    {
        to.SecurityStaffCount = from.SecurityStaffCount;
        to.PersonalDataRecords = from.PersonalDataRecords;
        to.UsesCryptoDevices = from.UsesCryptoDevices;
        to.UsesCryptoAlgorithms = from.UsesCryptoAlgorithms;
        to.UsesDomesticCryptoProducts = from.UsesDomesticCryptoProducts;
        to.UsesDomesticOperatingSystem = from.UsesDomesticOperatingSystem;
        to.UsesDomesticDatabase = from.UsesDomesticDatabase;
        to.UsesDomesticMiddleware = from.UsesDomesticMiddleware;
        to.LacksProfessionals = from.LacksProfessionals;
        to.SurveyedOn = DateOnly.FromDateTime(DateTime.Today);
    }

    private static SystemSummary Summary(ProtectedSystem s) =>
        new(s.Id, s.InstitutionId, s.Name, s.Type.ToString(), s.Business.ToString(), (int?)s.Grading?.Level, s.Grading?.Notation, s.Filing is { IsCertified: true }, s.Filing?.CertificateNumber,
            s.Filing?.StatusName ?? "未备案");

    private static AssessmentSummary Summary(AssessmentRecord a) =>
        new(a.Id, a.SystemId, a.Level, a.AssessedOn, a.Agency, a.Template, a.Conclusion, a.Score, a.Kind.ToString());

    private sealed class ForbiddenOperation : Exception;
}
