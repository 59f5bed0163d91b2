using System.Diagnostics;
using MedGuard.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Diagnostics;
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

    // From the route only: re-executed after a too-large upload, the form must not be read again.
    public void OnGet([FromRoute] int? code) => Describe(code);

    public void OnPost([FromRoute] int? code) => Describe(code);

    /// <summary>The status an unhandled exception answers with: the client's mistakes are 4xx, everything else 500.</summary>
    public static int StatusOf(Exception exception) => exception switch
    {
        BadHttpRequestException bad => bad.StatusCode,
        FieldTooLongException => StatusCodes.Status400BadRequest,
        // The multipart reader's own limit (a form part larger than the page allows).
        InvalidDataException when exception.Message.Contains("body length limit", StringComparison.OrdinalIgnoreCase) => StatusCodes.Status413PayloadTooLarge,
        _ => StatusCodes.Status500InternalServerError,
    };

    private void Describe(int? code)
    {
        RequestId = Activity.Current?.Id ?? HttpContext.TraceIdentifier;
        if (code is null && HttpContext.Features.Get<IExceptionHandlerFeature>()?.Error is { } error)
        {
            code = StatusOf(error);
            if (error is FieldTooLongException tooLong)
            {
                // Our own message, naming the field and its limit: safe to show.
                (Title, Message) = ("内容过长", tooLong.Message);
                Response.StatusCode = code.Value;
                return;
            }
        }

        (Title, Message) = code switch
        {
            400 => ("请求无效", "请求格式不正确或页面已过期，请返回后重新操作。"),
            413 => ("上传内容过大", "上传的文件或提交的内容超过平台允许的大小（测评工作簿不超过 20 MB），请缩小后重试。"),
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
