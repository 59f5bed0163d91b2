using MedGuard.Domain.Assessment;
using MedGuard.Domain.Institutions;
using MedGuard.Domain.Systems;

namespace MedGuard.Server.Api;

public sealed record LoginRequest(string UserName, string Password, string? Code);

public sealed record MeResponse(Guid Id, string UserName, string DisplayName, string Role, string Scope);

public sealed record InstitutionSummary(Guid Id, string Name, string Tier, string Region, bool DirectlyAffiliated, int Systems);

public sealed record InstitutionDetail(Guid Id, string Name, string Tier, string Region, bool DirectlyAffiliated, string? CreditCode, string? Address,
    InstitutionSurvey Survey, IReadOnlyList<SystemSummary> Systems);

public sealed record ContactView(Guid Id, string Name, string? Title, string? Phone, string? Email);

public sealed record NewSystemRequest(string Name, string Type, string Business, bool IsCore = false, bool InternetFacing = false);

/// <summary>A system in a list. <c>Filed</c> is true only with a 备案证明; <c>FilingStatus</c> is 未备案 / 已提交 / 已备案.</summary>
public sealed record SystemSummary(Guid Id, Guid InstitutionId, string Name, string Type, string Business, int? Level, string? Notation, bool Filed, string? CertificateNumber,
    string FilingStatus)
{
    public static SystemSummary Of(ProtectedSystem s) =>
        new(s.Id, s.InstitutionId, s.Name, s.Type.ToString(), s.Business.ToString(), (int?)s.Grading?.Level, s.Grading?.Notation, s.Filing is { IsCertified: true }, s.Filing?.CertificateNumber,
            s.Filing?.StatusName ?? "未备案");
}

public sealed record SystemDetail(SystemSummary System, string Institution, IReadOnlyList<string> GradingReasons, DateOnly? GradedOn, DateOnly? FiledOn,
    DateOnly? CertificateValidUntil, IReadOnlyList<AssessmentSummary> Assessments);

public sealed record GradeRequest(string InformationObject, string InformationDegree, string ServiceObject, string ServiceDegree, bool IsCriticalInfrastructure = false, string? MatrixEdition = null);

public sealed record GradeResponse(int Level, string Notation, string Edition, IReadOnlyList<string> Reasons, IReadOnlyList<string> Warnings);

public sealed record FileRequest(DateOnly FiledOn, string? CertificateNumber, string? PoliceOrgan, DateOnly? CertificateIssuedOn);

public sealed record DeadlineView(string Kind, string Title, string Status, DateOnly? DueOn, string Detail, string Basis);

public sealed record NewAssessmentRequest(DateOnly AssessedOn, string Template = "2025");

/// <summary>An assessment; <c>Kind</c> is LevelAssessment (等级测评, by an agency) or SelfInspection (自查, by the hospital).</summary>
public sealed record AssessmentSummary(Guid Id, Guid SystemId, int Level, DateOnly AssessedOn, string? Agency, string Template, string? Conclusion, double? Score, string Kind)
{
    public static AssessmentSummary Of(AssessmentRecord a) =>
        new(a.Id, a.SystemId, a.Level, a.AssessedOn, a.Agency, a.Template, a.Conclusion, a.Score, a.Kind.ToString());
}

public sealed record ItemView(string Code, string Result, string? Risk, bool MajorHazard, string? Evidence);

public sealed record AssessmentDetail(AssessmentSummary Assessment, int Items, IReadOnlyList<ItemView> Results);

public sealed record ItemRequest(string Result, string? Evidence = null, string? Risk = null, bool MajorHazard = false);

public sealed record ConclusionView(string Conclusion, double ConformityRate, double? ComprehensiveScore, int MajorHazards, int Rectifications, IReadOnlyList<string> Reasons);

public sealed record RectificationView(Guid Id, Guid SystemId, string Title, string? ItemCode, string? Risk, string? Owner, DateOnly? DueOn, string Status);

public sealed record RectificationUpdate(string Status, string? Owner = null, DateOnly? DueOn = null);

public sealed record AgencyView(Guid Id, string Name, string? CertificateNumber);

public sealed record UserView(Guid Id, string UserName, string DisplayName, string Role, string? Region, Guid? InstitutionId, Guid? AgencyId, bool TotpEnabled, bool Disabled);

public sealed record NewUserRequest(string UserName, string DisplayName, string Password, string Role, string? Region, Guid? InstitutionId, Guid? AgencyId);

public sealed record AuditVerifyView(bool Intact, long EntriesChecked, long? BrokenAtSequence, string Summary);
