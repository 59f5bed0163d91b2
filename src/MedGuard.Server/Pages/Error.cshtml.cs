using System.Diagnostics;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace MedGuard.Server.Pages;

/// <summary>
/// The one error page: a generic Chinese message and a request id, never an exception's text or stack trace (the
/// details go to the server log, keyed by the same id).
/// </summary>
[AllowAnonymous]
[IgnoreAntiforgeryToken]
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class ErrorModel : PageModel
{
    public string Title { get; private set; } = "系统繁忙";

    public string Message { get; private set; } = "处理您的请求时发生错误，请稍后重试。";

    public string? RequestId { get; private set; }

    public void OnGet(int? code) => Describe(code);

    public void OnPost(int? code) => Describe(code);

    private void Describe(int? code)
    {
        RequestId = Activity.Current?.Id ?? HttpContext.TraceIdentifier;
        (Title, Message) = code switch
        {
            400 => ("请求无效", "请求格式不正确或页面已过期，请返回后重新操作。"),
            403 => ("无权访问", "您没有访问该页面或数据的权限。"),
            404 => ("页面不存在", "您访问的页面或数据不存在，或不在您的权限范围内。"),
            405 => ("请求无效", "不支持该请求方式。"),
            429 => ("请求过于频繁", "请稍后再试。"),
            _ => (Title, Message),
        };
        if (code is >= 400 and < 600)
        {
            Response.StatusCode = code.Value;
        }
        else
        {
            Response.StatusCode = StatusCodes.Status500InternalServerError;
        }
    }
}
