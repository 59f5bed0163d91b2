using System.Globalization;
using System.Net;

namespace MedGuard.TestTargets.Booking;

/// <summary>
/// What Spring MVC throws while binding a request (Long.valueOf on "abc", a missing parameter, unreadable JSON). The
/// vulnerable twin lets it reach Spring Boot's default error page with the stack trace (the report's 报错页面泄露服务器
/// 信息); the fixed twin's global handler answers 9999.
/// </summary>
internal sealed class JavaBindingException(string javaClass, string message, int status, bool missing = false) : Exception(message)
{
    public string JavaClass { get; } = javaClass;

    public int Status { get; } = status;

    public bool Missing { get; } = missing;

    public static JavaBindingException NumberFormat(string? input) => input is null
        ? new("java.lang.NumberFormatException", "Cannot parse null string: null", 500)
        : new("java.lang.NumberFormatException", $"For input string: \"{input}\"", 500);

    public static JavaBindingException MissingParameter(string name) =>
        new("org.springframework.web.bind.MissingServletRequestParameterException", $"Required request parameter '{name}' for method parameter type Long is not present", 400, missing: true);

    public static JavaBindingException Unreadable(string detail) =>
        new("org.springframework.http.converter.HttpMessageNotReadableException", "JSON parse error: " + detail, 400);
}

/// <summary>Spring Boot's "Whitelabel Error Page" as a Tomcat 8 (Server: Apache-Coyote/1.1) deployment shows it.</summary>
internal static class WhitelabelPage
{
    public const string ServerHeader = "Apache-Coyote/1.1";
    private const string Package = "com.hisyun.wxhos.web.controller";

    public static string Render(JavaBindingException error, string path, DateTimeOffset now)
    {
        var segments = path.Trim('/').Split('/');
        var controller = segments.Length > 1 ? char.ToUpperInvariant(segments[1][0]) + segments[1][1..] + "Controller" : "BaseController";
        var method = segments.Length > 2 ? segments[2] : "handle";
        var line = 40 + (Math.Abs(path.Length * 31 + method.Length) % 160);
        var reason = error.Status == 400 ? "Bad Request" : "Internal Server Error";
        List<string> frames = error.JavaClass == "java.lang.NumberFormatException"
            ?
            [
                "java.lang.NumberFormatException.forInputString(NumberFormatException.java:65)",
                "java.lang.Long.parseLong(Long.java:589)",
                "java.lang.Long.valueOf(Long.java:803)",
            ]
            : [];
        frames.AddRange(
        [
            $"{Package}.{controller}.{method}({controller}.java:{line})",
            "sun.reflect.NativeMethodAccessorImpl.invoke0(Native Method)",
            "sun.reflect.NativeMethodAccessorImpl.invoke(NativeMethodAccessorImpl.java:62)",
            "org.springframework.web.method.support.InvocableHandlerMethod.doInvoke(InvocableHandlerMethod.java:205)",
            "org.springframework.web.servlet.mvc.method.annotation.ServletInvocableHandlerMethod.invokeAndHandle(ServletInvocableHandlerMethod.java:102)",
            "org.springframework.web.servlet.DispatcherServlet.doDispatch(DispatcherServlet.java:1038)",
            "org.springframework.web.servlet.FrameworkServlet.processRequest(FrameworkServlet.java:1005)",
            "javax.servlet.http.HttpServlet.service(HttpServlet.java:635)",
            "org.apache.catalina.core.ApplicationFilterChain.internalDoFilter(ApplicationFilterChain.java:231)",
            "com.hisyun.wxhos.config.TokenFilter.doFilter(TokenFilter.java:58)",
            "org.apache.catalina.core.StandardWrapperValve.invoke(StandardWrapperValve.java:198)",
            "org.apache.coyote.http11.Http11Processor.service(Http11Processor.java:394)",
            "org.apache.tomcat.util.net.NioEndpoint$SocketProcessor.doRun(NioEndpoint.java:1590)",
            "java.lang.Thread.run(Thread.java:748)",
        ]);
        var trace = $"{error.JavaClass}: {error.Message}\n" + string.Concat(frames.Select(f => "\tat " + f + "\n"));
        var created = now.ToOffset(BookingOptions.ChinaOffset).ToString("ddd MMM dd HH:mm:ss 'CST' yyyy", CultureInfo.InvariantCulture);
        return "<html><body><h1>Whitelabel Error Page</h1><p>This application has no explicit mapping for /error, so you are seeing this as a fallback.</p>"
            + $"<div id='created'>{created}</div><div>There was an unexpected error (type={reason}, status={error.Status}).</div>"
            + $"<div>{WebUtility.HtmlEncode(error.Message)}</div><div style='white-space:pre-wrap;'>{WebUtility.HtmlEncode(trace)}</div></body></html>";
    }
}
