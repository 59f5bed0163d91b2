using MedGuard.Detection.Web.Crawl;
using MedGuard.Detection.Web.Http;
using MedGuard.Detection.Web.Templates;
using MedGuard.Domain.Scope;
using Microsoft.AspNetCore.Builder;

namespace MedGuard.Detection.Web.Tests;

public sealed class TemplateTests
{
    public static TheoryData<string> BundledIds() => [.. TemplateLoader.LoadBundled().Select(t => t.Id)];

    [Theory]
    [MemberData(nameof(BundledIds))]
    public void BundledTemplateMatchesItsPositiveExamplesAndNotItsNegativeOnes(string id)
    {
        var t = TemplateLoader.LoadBundled().Single(x => x.Id == id);
        Assert.NotEmpty(t.PositiveExamples);
        Assert.NotEmpty(t.NegativeExamples);
        foreach (var (example, i) in t.PositiveExamples.Select((e, i) => (e, i)))
        {
            Assert.True(t.Matches(example), $"{id}: positive example {i + 1} did not match");
        }

        foreach (var (example, i) in t.NegativeExamples.Select((e, i) => (e, i)))
        {
            Assert.False(t.Matches(example), $"{id}: negative example {i + 1} matched");
        }
    }

    [Fact]
    public void BundleCoversTheIssuesList()
    {
        var ids = TemplateLoader.LoadBundled().Select(t => t.Id).ToHashSet();
        foreach (var id in new[] { "server-version-leak", "error-page-disclosure", "database-error-disclosure", "directory-listing", "exposed-vcs", "exposed-env", "backup-files",
                     "phpinfo", "admin-console", "default-page", "http-put-enabled", "http-trace-enabled", "missing-csp", "missing-x-frame-options",
                     "missing-x-content-type-options", "missing-hsts", "cookie-without-httponly", "cookie-without-secure", "cors-permissive" })
        {
            Assert.Contains(id, ids);
        }
    }

    [Theory]
    [InlineData("id: x\ntitle: t\nseverity: 严重\nmatchers: [{type: status, status: [200]}]\nrequests: [{path: /}]\n", "严重程度")]
    [InlineData("id: x\ntitle: t\nseverity: 高\nmatchers: [{type: regex, regex: ['(']}]\nrequests: [{path: /}]\n", "无法编译")]
    [InlineData("id: x\ntitle: t\nseverity: 高\nmatchers: [{type: status, status: [200]}]\nrequests: [{path: /}]\n", "positive")]
    [InlineData("id: x\ntitle: t\nseverity: 高\nmatchers: [{type: status, status: [200]}]\nrequests: [{path: 'http://other.invalid/'}]\n", "不能指向其他主机")]
    [InlineData("id: x\ntitle: t\nseverity: 高\nmatcherz: []\n", "第 4 行")]
    [InlineData("id: x\ntitle: t\nseverity: 高\nstandardRefs: [\"8.1.4.4 a)\"]\nrequests: [{path: /}]\nmatchers: [{type: status, status: [200]}]\n", "第 4 行：standardRefs 中的 '8.1.4.4 a)' 不是 GB/T 28448 单元编号")]
    [InlineData("id: x\ntitle: t\nseverity: 高\nmatchers: [{type: color}]\nrequests: [{path: /}]\n", "matcher 类型")]
    [InlineData("id: x\ntitle: t\nseverity: 高\nrequests: [{path: /}]\nmatchers: [{type: word, words: [root]}]\nexamples:\n  positive: [{body: admin}]\n  negative: [{body: none}]\n", "第 1 个 positive 示例不满足")]
    [InlineData("id: x\ntitle: t\nseverity: 高\nrequests: [{path: /}]\nmatchers: [{type: word, words: [root]}]\nexamples:\n  positive: [{body: root}]\n  negative: [{body: none}, {body: 'root:x:0:0'}]\n", "第 2 个 negative 示例满足")]
    public void InvalidTemplatesAreRejectedWithFileAndReason(string yaml, string expected)
    {
        var ex = Assert.Throws<InvalidDataException>(() => TemplateLoader.Parse(yaml, "user/x.yaml"));
        Assert.Contains("user/x.yaml", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IdenticalRequestsOfSeveralTemplatesAreSentOnce()
    {
        await using var s = await LocalServer.StartAsync(app => app.MapGet("/", () => "<html>hello</html>"));
        var dir = Directory.CreateTempSubdirectory("mg-templates-");
        try
        {
            foreach (var (id, word) in new[] { ("one", "hello"), ("two", "hell"), ("three", "absent") })
            {
                File.WriteAllText(Path.Combine(dir.FullName, id + ".yaml"), $"""
                    id: user-{id}
                    title: 用户模板 {id}
                    severity: 低
                    requests:
                      - method: GET
                        path: "{"{{BaseURL}}"}"
                    matchers:
                      - type: word
                        words: ["{word}"]
                    examples:
                      positive: [{"{"}body: "{word}"{"}"}]
                      negative: [{"{"}body: "nothing"{"}"}]
                    """);
            }

            var templates = TemplateLoader.LoadDirectory(dir.FullName);
            Assert.Equal(3, templates.Count);
            using var pipeline = new SafeHttpPipeline(AuthorizedScope.ForOrigin(s.BaseUrl));
            var runner = new TemplateRunner(pipeline, templates);
            var soft404 = new Soft404Profile();
            var findings = await runner.RunRequestsAsync(s.BaseUrl, soft404, CancellationToken.None);
            Assert.Equal(1, pipeline.RequestsSent);
            Assert.Equal(3, runner.RequestedRequests);
            Assert.Equal(["user-one", "user-two"], findings.Select(f => f.RuleId).Order());
        }
        finally
        {
            dir.Delete(true);
        }
    }
}
