using System.Text.RegularExpressions;

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
    };

    /// <summary>Field names the change auditor writes into an entry's detail ("字段: DueOn,Owner").</summary>
    public static IReadOnlyDictionary<string, string> Fields { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["Address"] = "地址",
        ["AgencyId"] = "测评机构",
        ["AssessedOn"] = "测评日期",
        ["AssignedOn"] = "委托日期",
        ["Business"] = "业务类型",
        ["BusinessInformationLevel"] = "业务信息安全保护等级",
        ["CertificateIssuedOn"] = "证明签发日期",
        ["CertificateNumber"] = "备案证明编号",
        ["CertificateValidUntil"] = "备案证明有效期",
        ["Conclusion"] = "结论",
        ["ContactName"] = "联系人",
        ["ContactPhone"] = "联系电话",
        ["CreditCode"] = "统一社会信用代码",
        ["Description"] = "描述",
        ["DirectlyAffiliated"] = "直属",
        ["Disabled"] = "停用",
        ["DueOn"] = "期限",
        ["Email"] = "电子邮箱",
        ["EndsOn"] = "结束日期",
        ["Evidence"] = "证据",
        ["ExpertReviewed"] = "专家评审",
        ["ExpertReviewedOn"] = "专家评审日期",
        ["FailedLoginCount"] = "登录失败次数",
        ["FiledOn"] = "备案日期",
        ["FixEvidence"] = "整改证据",
        ["FixedOn"] = "整改日期",
        ["GradedOn"] = "定级日期",
        ["HighRiskCases"] = "高风险案例",
        ["InServiceSince"] = "投入运行日期",
        ["InternetFacing"] = "互联网可访问",
        ["IsCore"] = "核心业务系统",
        ["IsCriticalInfrastructure"] = "关键信息基础设施",
        ["LacksProfessionals"] = "缺乏专业人才",
        ["LastLoginAt"] = "最近登录",
        ["Level"] = "等级",
        ["LockoutUntil"] = "锁定至",
        ["MajorHazard"] = "重大风险隐患",
        ["MatrixEdition"] = "定级矩阵版本",
        ["Name"] = "名称",
        ["Owner"] = "责任人",
        ["PasswordHash"] = "口令",
        ["PersonalDataRecords"] = "个人信息记录量",
        ["Phone"] = "电话",
        ["PoliceOrgan"] = "受理公安机关",
        ["Reasons"] = "定级理由",
        ["Region"] = "行政区划",
        ["ReportNumber"] = "报告编号",
        ["Result"] = "测评结果",
        ["RetestNote"] = "复测说明",
        ["RetestPassed"] = "复测通过",
        ["RetestedOn"] = "复测日期",
        ["Risk"] = "风险",
        ["Role"] = "角色",
        ["Score"] = "得分",
        ["SecurityStaffCount"] = "专职网络安全人员",
        ["Status"] = "状态",
        ["SupervisorApproved"] = "主管部门核准",
        ["SupervisorApprovedOn"] = "主管部门核准日期",
        ["SurveyedOn"] = "调查日期",
        ["SystemServiceLevel"] = "系统服务安全保护等级",
        ["Template"] = "结论模板",
        ["Tier"] = "医院等级",
        ["Title"] = "名称",
        ["TotpEnabled"] = "动态口令",
        ["TotpSecretEncrypted"] = "动态口令密钥",
        ["Type"] = "类型",
        ["UsesCryptoAlgorithms"] = "使用密码算法",
        ["UsesCryptoDevices"] = "使用密码设备",
        ["UsesDomesticCryptoProducts"] = "使用国产密码产品",
        ["UsesDomesticDatabase"] = "使用国产数据库",
        ["UsesDomesticMiddleware"] = "使用国产中间件",
        ["UsesDomesticOperatingSystem"] = "使用国产操作系统",
    };

    /// <summary>An entry's detail with the field names it mentions in Chinese; everything else as written.</summary>
    public static string? Detail(string? detail) =>
        detail is null ? null : FieldName().Replace(detail, m => Fields.GetValueOrDefault(m.Value, m.Value));

    [GeneratedRegex(@"(?<![A-Za-z])[A-Z][A-Za-z]+(?![A-Za-z])")]
    private static partial Regex FieldName();

    public static string Action(string action) => Actions.GetValueOrDefault(action, action);

    public static string EntityType(string? type) => type is null ? "" : EntityTypes.GetValueOrDefault(type, type);
}
