using MedGuard.Detection.Web.Active;
using MedGuard.Detection.Web.Http;

namespace MedGuard.Detection.Web.Tests;

/// <summary>A reflection counts as XSS only where the browser would run it; inert places are negative cases.</summary>
public sealed class XssContextTests
{
    private const string Payload = "\"'><mgxab12cd34>";

    [Theory]
    [InlineData("<p>搜索：{0}</p>", "text/html", "html")]
    [InlineData("<input name=\"q\" value=\"{0}\">", "text/html; charset=utf-8", "attribute")]
    [InlineData("<!-- 调试：{0} -->", "text/html", null)]
    [InlineData("<textarea>{0}</textarea>", "text/html", null)]
    [InlineData("<title>{0}</title>", "text/html", null)]
    [InlineData("<noscript>{0}</noscript>", "text/html", null)]
    [InlineData("{{\"q\":\"{0}\"}}", "application/json", null)]
    [InlineData("<!-- a --><p>{0}</p>", "text/html", "html")]          // after a closed comment the text is live again
    [InlineData("<textarea>x</textarea><b>{0}</b>", "text/html", "html")]
    public void OnlyALiveContextCounts(string template, string contentType, string? expected)
    {
        var exchange = new HttpExchange
        {
            Request = ScanRequest.Get(new Uri("http://127.0.0.1:1/Search")),
            RawRequest = "GET /Search HTTP/1.1\n",
            Status = 200,
            Headers = [new("Content-Type", contentType)],
            Body = string.Format(System.Globalization.CultureInfo.InvariantCulture, template, Payload),
        };
        Assert.Equal(expected, ReflectedXssCheck.ExecutableContext(exchange, Payload));
    }
}
