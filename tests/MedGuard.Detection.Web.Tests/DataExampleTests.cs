using MedGuard.Detection.Web.Active;
using MedGuard.Detection.Web.Crawl;
using MedGuard.Domain.PersonalData;

namespace MedGuard.Detection.Web.Tests;

public sealed class DataExampleTests
{
    [Fact]
    public void SqlErrorSignaturesMatchTheirExamplesAndCoverTheIssuesDatabases()
    {
        var all = SqlErrorSignatures.All;
        foreach (var dbms in new[] { "Oracle", "Microsoft SQL Server", "MySQL/MariaDB", "PostgreSQL", "SQLite" })
        {
            Assert.Contains(all, s => s.Dbms == dbms);
        }

        foreach (var s in all)
        {
            Assert.NotEmpty(s.Positive);
            Assert.NotEmpty(s.Negative);
            Assert.All(s.Positive, p => Assert.Equal(s.Dbms, SqlErrorSignatures.Identify(p)));
            Assert.All(s.Negative, n => Assert.Null(SqlErrorSignatures.Identify(n)));
        }
    }

    [Theory]
    [InlineData("11010519491231002X", true)]
    [InlineData("110105194912310021", false)] // wrong check digit
    [InlineData("110105194913310028", false)] // month 13
    [InlineData("990105194912310026", false)] // no such province
    public void ResidentIdUsesTheGb11643CheckDigit(string id, bool valid) => Assert.Equal(valid, ResidentIdNumber.IsValid(id));

    [Theory]
    [InlineData("6222020200123456", false)]
    [InlineData("4111111111111111", true)]
    [InlineData("6212262201023557228", true)]
    [InlineData("1234567812345670", false)] // Luhn-valid but no issuer starts with 1
    public void BankCardsNeedLuhnAndAPlausibleIssuer(string card, bool valid) => Assert.Equal(valid, BankCardNumber.IsValid(card));

    [Fact]
    public void MaskingRemovesEveryClearValueAndTheNameNextToIt()
    {
        const string page = "<tr><td>张伟</td><td>11010519491231002X</td><td>4111111111111111</td><td>13800138000</td></tr>";
        var masked = PersonalDataScanner.Mask(page);
        Assert.DoesNotContain("11010519491231002X", masked, StringComparison.Ordinal);
        Assert.DoesNotContain("4111111111111111", masked, StringComparison.Ordinal);
        Assert.DoesNotContain("13800138000", masked, StringComparison.Ordinal);
        Assert.DoesNotContain("张伟", masked, StringComparison.Ordinal);
        Assert.Contains("110105**********2X", masked, StringComparison.Ordinal);
        Assert.Contains("411111******1111", masked, StringComparison.Ordinal);
        Assert.Contains("138****8000", masked, StringComparison.Ordinal);
        var kinds = PersonalDataScanner.Find(page).Select(h => h.Kind).ToHashSet();
        Assert.Equal([PersonalDataKind.ResidentId, PersonalDataKind.BankCard, PersonalDataKind.Mobile, PersonalDataKind.Name], kinds);
    }

    [Theory]
    [InlineData("卡号：4111 1111 1111 1111。", "卡号：4111 11** **** 1111。")]
    [InlineData("卡号 6212-2622-0102-3557-228 已绑定", "卡号 6212-26**-****-***7-228 已绑定")]
    [InlineData("Amex 3782 822463 10005", "Amex 3782 82**** *0005")]
    public void GroupedCardNumbersAreFoundAndMaskedWithTheirSeparators(string text, string masked)
    {
        Assert.Equal(masked, PersonalDataScanner.Mask(text));
        Assert.Equal(PersonalDataKind.BankCard, Assert.Single(PersonalDataScanner.Find(text)).Kind);
    }

    [Fact]
    public void OrdinaryNumbersAreNotPersonalData()
    {
        Assert.Empty(PersonalDataScanner.Find("订单号 20240101123456789 统计 1234567890123456 电话 010-12345678 门诊量 12000000000"));
        // Grouped like a card but failing Luhn, or a longer run of groups (a serial or a phone list), is not a card.
        Assert.Empty(PersonalDataScanner.Find("序列号 4111 1111 1111 1112；批次 4111-1111-1111-1111-1111-1111"));
    }

    [Fact]
    public void AFindingsLocationIsMaskedLikeItsEvidence()
    {
        var url = new Uri("http://127.0.0.1:1/his/patients/11010519491231002X/record");
        var exchange = new MedGuard.Detection.Web.Http.HttpExchange
        {
            Request = MedGuard.Detection.Web.Http.ScanRequest.Get(url),
            RawRequest = "GET /his/patients/11010519491231002X/record HTTP/1.1\n",
            Status = 200,
            Body = "ok",
        };
        var f = MedGuard.Detection.Web.Scanning.WebFinding.From("x", "x", MedGuard.Domain.Findings.Severity.Low, exchange);
        Assert.Equal("http://127.0.0.1:1/his/patients/110105**********2X/record", f.Url);
        var target = Assert.IsType<MedGuard.Domain.Findings.WebTarget>(f.Finding.Target);
        Assert.Equal(f.Url, target.Url);
        Assert.Equal("http://127.0.0.1:1", target.Origin);
        Assert.All(f.Finding.Locations.Concat(f.Finding.Evidence.Values), v => Assert.DoesNotContain("11010519491231002X", v, StringComparison.Ordinal));
    }

    [Fact]
    public void ParserFindsFormsLinksScriptCallsAndJsonFields()
    {
        var page = new Uri("http://127.0.0.1:1/a/page");
        const string html = """
            <a href="/x?id=5&amp;t=b">x</a> <a href='javascript:void(0)'>no</a> <a href="#top">no</a>
            <form action="save" method="POST"><input type="hidden" name="tok" value="abc"><input name="q"><select name="dept"></select><input type="submit" name="go"></form>
            <script src="/static/app.js"></script>
            <script>$.post('/ajax/find', {name: 'z', page: 2}); axios.get('/api/items/77');</script>
            """;
        Assert.Equal(["http://127.0.0.1:1/x?id=5&t=b"], PageParser.Links(html, page).Select(u => u.AbsoluteUri));
        var form = Assert.Single(PageParser.Forms(html, page));
        Assert.Equal("POST", form.Method);
        Assert.Equal("http://127.0.0.1:1/a/save", form.Action.AbsoluteUri);
        Assert.Equal(["tok", "q", "dept"], form.Fields.Select(f => f.Key));
        Assert.Equal(["http://127.0.0.1:1/static/app.js"], PageParser.ScriptSources(html, page).Select(u => u.AbsoluteUri));
        var calls = PageParser.ScriptCalls(PageParser.InlineScripts(html).Single(), page);
        Assert.Contains(calls, c => c.Method == "POST" && c.Url.AbsolutePath == "/ajax/find" && c.FormFields.Select(f => f.Key).SequenceEqual(["name", "page"]));
        Assert.Contains(calls, c => c.Url.AbsolutePath == "/api/items/77");

        const string spa = "fetch('/api/p', { method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify({ cardNo: 'MZ1', n: 3 }) });";
        var call = Assert.Single(PageParser.ScriptCalls(spa, page));
        Assert.Equal("POST", call.Method);
        Assert.Equal(["cardNo", "n"], call.JsonFields.Select(f => f.Key));
    }

    [Fact]
    public void IdLikePathSegmentsBecomeParameters()
    {
        var e = Assert.Single(Crawler.EndpointsOfUrl(new Uri("http://127.0.0.1:1/api/reports/1024?x=1")));
        Assert.Contains(e.Parameters, p => p is { Kind: ParameterKind.Path, Name: "path[3]", Value: "1024" });
        Assert.Contains(e.Parameters, p => p is { Kind: ParameterKind.Query, Name: "x" });
        var request = e.BuildRequest(e.Parameters[0], "1024'");
        Assert.Equal("/api/reports/1024%27", request.Url.AbsolutePath);
    }
}
