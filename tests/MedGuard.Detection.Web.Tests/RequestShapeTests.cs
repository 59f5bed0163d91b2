using MedGuard.Detection.Web.Crawl;
using MedGuard.Detection.Web.Http;
using MedGuard.Domain.Scope;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Endpoint = MedGuard.Detection.Web.Crawl.Endpoint;

namespace MedGuard.Detection.Web.Tests;

/// <summary>Every request shape the active checks can tamper with, and what a site says about itself.</summary>
public sealed class RequestShapeTests
{
    private static readonly Uri Page = new("http://127.0.0.1:1/dept/list.php?ward=3#top");

    [Theory]
    [InlineData("""<form method="post" action="#"><input name="q"></form>""")]
    [InlineData("""<form method="post" action="#search"><input name="q"></form>""")]
    [InlineData("""<form method="post" action=""><input name="q"></form>""")]
    [InlineData("""<form method="post"><input name="q"></form>""")]
    public void AFormWithoutAnActionPostsToItsOwnPage(string html)
    {
        var form = Assert.Single(PageParser.Forms(html, Page));
        Assert.Equal("http://127.0.0.1:1/dept/list.php?ward=3", form.Action.AbsoluteUri);
        Assert.Equal("POST", form.Method);
    }

    [Fact]
    public void MultipartFormsAreSentAsMultipart()
    {
        var form = Assert.Single(PageParser.Forms("""<form method="post" enctype="multipart/form-data" action="/find"><input name="name" value="a"><input name="dept" value="b"></form>""", Page));
        Assert.True(form.Multipart);
        var e = new Endpoint("POST", form.Action, [new("name", ParameterKind.Multipart, "a"), new("dept", ParameterKind.Multipart, "b")]);
        var request = e.BuildRequest(e.Parameters[0], "a'");
        Assert.StartsWith("multipart/form-data; boundary=", request.ContentType, StringComparison.Ordinal);
        Assert.Contains("name=\"name\"\r\n\r\na'\r\n", request.Body, StringComparison.Ordinal);
        Assert.Contains("name=\"dept\"\r\n\r\nb\r\n", request.Body, StringComparison.Ordinal);
    }

    [Fact]
    public void EachJsonLeafIsInjectedAndTheRestKept()
    {
        const string json = """{"patient":{"name":"张三","ids":[7,8]},"page":1,"active":true}""";
        var leaves = Endpoint.JsonLeaves(json);
        Assert.Equal(["patient.name", "patient.ids[0]", "patient.ids[1]", "page", "active"], leaves.Select(l => l.Name));
        var e = new Endpoint("POST", new Uri("http://127.0.0.1:1/api/q"), leaves) { JsonBody = json };
        Assert.Equal("""{"patient":{"name":"张三","ids":[7,"8 AND 1=1"]},"page":1,"active":true}""", e.BuildRequest(leaves[2], "8 AND 1=1").Body);
        Assert.Equal("""{"patient":{"name":"张三'\"","ids":[7,8]},"page":1,"active":true}""", e.BuildRequest(leaves[0], "张三'\"").Body);
    }

    [Fact]
    public void HeadersAndCookiesCarryTheirPayload()
    {
        var e = new Endpoint("GET", new Uri("http://127.0.0.1:1/api/me"),
            [new("X-Hospital-Code", ParameterKind.Header, "H1"), new("ward", ParameterKind.Cookie, "A")])
        {
            Headers = [new("X-Requested-With", "XMLHttpRequest")],
        };
        var request = e.BuildRequest(e.Parameters[1], "A' OR '1");
        Assert.Contains(request.Headers, h => h is { Key: "X-Hospital-Code", Value: "H1" });
        Assert.Contains(request.Headers, h => h is { Key: "X-Requested-With", Value: "XMLHttpRequest" });
        Assert.Contains(request.Headers, h => h.Key == "Cookie" && h.Value == "ward=" + Uri.EscapeDataString("A' OR '1"));
    }

    [Fact]
    public void JQueryAjaxCallsAreEndpoints()
    {
        const string script = """
            $.ajax({ type: 'POST', url: '/His/QueryFee', data: { cardNo: '001', days: 7 }, dataType: 'json' });
            $.ajax({ url: "/His/Dept", data: { code: 'NK' } });
            """;
        var calls = PageParser.ScriptCalls(script, Page);
        var post = Assert.Single(calls, c => c.Method == "POST");
        Assert.Equal("/His/QueryFee", post.Url.AbsolutePath);
        Assert.Equal(["cardNo", "days"], post.FormFields.Select(f => f.Key));
        Assert.Contains(calls, c => c.Method == "GET" && c.Url.PathAndQuery == "/His/Dept?code=NK");
    }

    [Theory]
    [InlineData("""<div id="app"></div><script src="/js/app.3f2a.js"></script>""", true)]
    [InlineData("""<nav id="menu"></nav><p>欢迎</p><a href="/a">a</a><a href="/b">b</a><a href="/c">c</a><script src="/menu.js"></script>""", true)]
    [InlineData("""<p>欢迎</p><script>window.addEventListener('hashchange', render);</script><a href="/a">a</a><a href="/b">b</a><a href="/c">c</a>""", true)]
    [InlineData("""<p>首页</p><script src="/bundle.js"></script>""", true)]
    [InlineData("""<ul><li><a href="/news">新闻</a></li><li><a href="/guide">就医指南</a></li><li><a href="/dept">科室</a></li></ul><script src="/jquery.js"></script>""", false)]
    [InlineData("""<p>无脚本的页面</p>""", false)]
    public void AutoRendersWhatLooksBuiltByScript(string body, bool render)
    {
        var page = new HttpExchange
        {
            Request = ScanRequest.Get(new Uri("http://127.0.0.1:1/")),
            RawRequest = "",
            Status = 200,
            Headers = [new("Content-Type", "text/html; charset=utf-8")],
            Body = $"<!DOCTYPE html><html><body>{body}</body></html>",
        };
        Assert.Equal(render, ScriptedSite.Reason([page]) is not null);
    }

    [Fact]
    public void RobotsAndSitemapsNamePages()
    {
        var site = new Uri("http://127.0.0.1:1/");
        var (paths, maps) = RobotsTxt.Parse("User-agent: *\nDisallow: /admin/\nAllow: /public/*.php\nDisallow: /\nSitemap: /map.xml\n", site);
        Assert.Equal(["http://127.0.0.1:1/admin/", "http://127.0.0.1:1/public/"], paths.Select(p => p.AbsoluteUri));
        Assert.Equal("http://127.0.0.1:1/map.xml", Assert.Single(maps).AbsoluteUri);
        var locs = Sitemap.Locations("<urlset><url><loc>http://127.0.0.1:1/news?id=1&amp;p=2</loc></url></urlset>", site);
        Assert.Equal("http://127.0.0.1:1/news?id=1&p=2", Assert.Single(locs).AbsoluteUri);
    }

    [Fact]
    public void AnOpenApiDocumentNamesEveryOperation()
    {
        const string doc = """
            {"openapi":"3.0.1","paths":{
              "/api/patients/{id}":{"get":{"parameters":[{"name":"id","in":"path","schema":{"type":"integer"}},{"name":"fields","in":"query","schema":{"type":"string"}}]}},
              "/api/search":{"post":{"requestBody":{"content":{"application/json":{"schema":{"$ref":"#/components/schemas/Q"}}}}}}},
             "components":{"schemas":{"Q":{"type":"object","properties":{"filter":{"type":"object","properties":{"ward":{"type":"string","example":"A"}}}}}}}}
            """;
        var endpoints = OpenApiDocument.Endpoints(doc, new Uri("http://127.0.0.1:1/swagger/v1/swagger.json"));
        var get = Assert.Single(endpoints, e => e.Method == "GET");
        Assert.Equal("/api/patients/1", get.Url.AbsolutePath);
        Assert.Contains(get.Parameters, p => p is { Kind: ParameterKind.Path, Value: "1" });
        Assert.Contains(get.Parameters, p => p is { Kind: ParameterKind.Query, Name: "fields" });
        var post = Assert.Single(endpoints, e => e.Method == "POST");
        Assert.Contains(post.Parameters, p => p is { Kind: ParameterKind.Json, Name: "filter.ward", Value: "A" });
        Assert.Equal("""{"filter":{"ward":"x"}}""", post.BuildRequest(post.Parameters[0], "x").Body);
    }

    [Fact]
    public async Task TheCrawlReadsWhatTheSiteSaysAboutItselfAndTestsARedirectingStartUrl()
    {
        await using var s = await LocalServer.StartAsync(app =>
        {
            app.MapGet("/start", () => Results.Redirect("/home"));
            app.MapGet("/home", () => Results.Content("<p>首页</p>", "text/html"));
            app.MapGet("/robots.txt", () => Results.Text("User-agent: *\nDisallow: /hidden/report\n"));
            app.MapGet("/hidden/report", () => Results.Content("<a href=\"/hidden/detail?no=5\">详情</a>", "text/html"));
            app.MapGet("/v2/api-docs", () => Results.Text("""{"swagger":"2.0","basePath":"/","paths":{"/api/find":{"post":{"parameters":[{"name":"name","in":"formData","type":"string"}]}}}}""", "application/json"));
        });

        using var pipeline = new SafeHttpPipeline(AuthorizedScope.ForOrigin(s.BaseUrl));
        var crawl = await new Crawler(pipeline).CrawlAsync(new Uri(s.BaseUrl, "start?from=portal"), CancellationToken.None);
        Assert.Contains(crawl.Endpoints, e => e.Url.AbsolutePath == "/start" && e.Parameters.Any(p => p.Name == "from"));
        Assert.Contains(crawl.Endpoints, e => e.Url.AbsolutePath == "/hidden/detail" && e.Parameters.Any(p => p.Name == "no"));
        Assert.Contains(crawl.Endpoints, e => e is { Method: "POST" } && e.Url.AbsolutePath == "/api/find" && e.Parameters.Any(p => p is { Name: "name", Kind: ParameterKind.Form }));
    }
}
