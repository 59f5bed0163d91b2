using System.Text.RegularExpressions;
using MedGuard.Storage.Auditing;

namespace MedGuard.Server.Pages.Audit;

/// <summary>
/// Chinese names of the audit trail's action and entity codes. The codes stay English in the chain (they are hashed
/// and read by <c>medguard audit verify</c>); only the page translates them. An unknown code is shown as it is.
/// </summary>
public static partial class AuditNames
{
    public static IReadOnlyDictionary<string, string> Actions { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["create"] = "新增",
        ["update"] = "修改",
        ["delete"] = "删除",
        ["read-sensitive"] = "查看敏感信息",
        ["login"] = "登录",
        ["login-failed"] = "登录失败",
        ["login-password-ok"] = "口令验证通过",
        ["logout"] = "退出登录",
        ["totp-enrolled"] = "绑定动态口令",
        ["totp-enrol-failed"] = "绑定动态口令失败",
        ["totp-reset"] = "重置动态口令",
        ["password-changed"] = "修改口令",
        ["password-reset"] = "重置口令",
        ["session-revoked"] = "会话注销",
        ["demo-load"] = "载入演示数据",
        ["campaign-cancel"] = "取消检测任务",
        ["campaign-retry"] = "重试失败子任务",
    };

    public static IReadOnlyDictionary<string, string> EntityTypes { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["Institution"] = "医疗机构",
        ["InstitutionContact"] = "机构联系人",
        ["ProtectedSystem"] = "定级对象",
        ["GradingRecord"] = "定级",
        ["FilingRecord"] = "备案",
        ["AssessmentRecord"] = "等级测评",
        ["ItemResult"] = "测评结果项",
        ["RectificationItem"] = "整改任务",
        ["AssessmentAgency"] = "测评机构",
        ["AgencyAssignment"] = "测评委托",
        ["PlatformUser"] = "用户",
        ["Province"] = "行政区划",
        ["Campaign"] = "检测任务计划",
        ["CampaignRound"] = "检测轮次",
        ["CampaignTask"] = "检测子任务",
        ["DetectionStop"] = "停止开关",
    };

    /// <summary>An entry's detail with the field names it mentions in Chinese; everything else as written.</summary>
    public static string? Detail(string? detail) =>
        detail is null ? null : FieldName().Replace(detail, m => FieldLabels.Names.GetValueOrDefault(m.Value, m.Value));

    // A name already written beside its label ("整改期限(DueOn)") stays as it is.
    [GeneratedRegex(@"(?<![A-Za-z(])[A-Z][A-Za-z]+(?![A-Za-z)])")]
    private static partial Regex FieldName();

    public static string Action(string action) => Actions.GetValueOrDefault(action, action);

    public static string EntityType(string? type) => type is null ? "" : EntityTypes.GetValueOrDefault(type, type);
}
