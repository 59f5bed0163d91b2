using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MedGuard.TestTargets.Booking;

/// <summary>
/// The answer shape of a Spring Boot HIS front-end: HTTP 200 with {"code","msg","data"} for success and for business
/// errors alike (the status code proves nothing), Chinese unescaped as Jackson writes it.
/// </summary>
internal static class SpringEnvelope
{
    public const string JsonType = "application/json;charset=UTF-8";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static IResult Ok(object? data) =>
        Results.Text(new JsonObject { ["code"] = "0000", ["msg"] = "成功", ["data"] = JsonSerializer.SerializeToNode(data, Json) }.ToJsonString(Json), JsonType);

    public static IResult Fail(string code, string msg) =>
        Results.Text(new JsonObject { ["code"] = code, ["msg"] = msg }.ToJsonString(Json), JsonType);

    public static IResult Fail((string Code, string Msg) error) => Fail(error.Code, error.Msg);
}

/// <summary>Business codes of the service (contract table; a few beyond it for errors both twins share).</summary>
internal static class BookingCodes
{
    public static readonly (string, string) TokenExpired = ("4010", "登录已过期，请重新登录");
    public static readonly (string, string) SameDoctorSameDay = ("4001", "同一就诊人同一医生同日限约一次");
    public static readonly (string, string) CaptchaRequired = ("4002", "请完成滑块验证");
    public static readonly (string, string) CancelFrozen = ("4003", "取消次数过多，暂停预约");
    public static readonly (string, string) TooManyPatients = ("4004", "每个账号最多绑定5个就诊人");
    public static readonly (string, string) NotReleased = ("4005", "未到放号时间");
    public static readonly (string, string) AmountMismatch = ("4006", "金额不符");
    public static readonly (string, string) NoSuchSchedule = ("4007", "号源不存在");
    public static readonly (string, string) ScheduleFull = ("4008", "号源已约满");
    public static readonly (string, string) WrongOrderState = ("4009", "订单状态不允许该操作");
    public static readonly (string, string) OAuthFailed = ("4011", "微信授权失败，请重新进入");
    public static readonly (string, string) Forbidden = ("4030", "无权操作");
    public static readonly (string, string) NotFound = ("4040", "记录不存在");
    public static readonly (string, string) TooFrequent = ("4290", "操作过于频繁");
    public static readonly (string, string) Busy = ("9999", "系统繁忙，请稍后再试");

    public static (string, string) BadParameter(string detail) => ("4000", "参数错误：" + detail);
}
