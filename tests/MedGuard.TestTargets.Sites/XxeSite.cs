using System.Xml;

namespace MedGuard.TestTargets.Sites;

/// <summary>
/// A SOAP-style lab service (/ws/LabService.asmx) that reads XML requests: the vulnerable twin's parser processes DTDs
/// and expands their entities (with no resolver, so even an external entity would fetch nothing — the test site is safe
/// itself), the fixed twin prohibits DTDs and answers 400.
/// </summary>
public sealed class XxeSite : ITestSite
{
    public string Name => "xxe";

    public string Description => "XML 接口（.asmx）：解析器处理 DTD 并展开实体；修复版禁止 DTD";

    public Task<RunningSite> StartAsync(SiteTwin twin, SiteStartOptions options, CancellationToken cancellationToken = default) =>
        InProcessSite.StartAsync(Name, twin, options, app =>
        {
            app.MapGet("/", () => InProcessSite.Html("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>检验接口</title></head><body><a href=\"/ws/LabService.asmx\">检验结果服务</a></body></html>"));
            app.MapGet("/ws/LabService.asmx", () => InProcessSite.Html("<html><head><title>LabService Web Service</title></head><body><h1>LabService</h1><p>支持的操作：QueryReport</p></body></html>"));
            app.MapPost("/ws/LabService.asmx", async (HttpRequest request) =>
            {
                var settings = new XmlReaderSettings
                {
                    DtdProcessing = twin == SiteTwin.Vulnerable ? DtdProcessing.Parse : DtdProcessing.Prohibit,
                    XmlResolver = null,
                    MaxCharactersFromEntities = 4096,
                };
                // Kestrel forbids synchronous reads of the body: read it, then parse.
                using var body = new StreamReader(request.Body);
                var xml = await body.ReadToEndAsync();
                try
                {
                    using var reader = XmlReader.Create(new StringReader(xml), settings);
                    var doc = new XmlDocument { XmlResolver = null };
                    doc.Load(reader);
                    var text = doc.DocumentElement?.InnerText ?? "";
                    return Results.Text($"<?xml version=\"1.0\" encoding=\"utf-8\"?><QueryReportResponse><Message>未找到报告：{System.Security.SecurityElement.Escape(text)}</Message></QueryReportResponse>", "text/xml; charset=utf-8");
                }
                catch (XmlException)
                {
                    return Results.Text("<?xml version=\"1.0\" encoding=\"utf-8\"?><Fault>请求格式错误</Fault>", "text/xml; charset=utf-8", statusCode: 400);
                }
            });
        }, cancellationToken: cancellationToken);
}
