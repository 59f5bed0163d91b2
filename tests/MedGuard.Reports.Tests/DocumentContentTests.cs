using System.Globalization;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using MedGuard.Domain.Findings;
using MedGuard.Reports.Document;
using MedGuard.Reports.Documents;
using MedGuard.Reports.Inputs;
using MedGuard.Reports.Rendering;
using MedGuard.Standards.Assessment;
using MiniExcelLibs;

namespace MedGuard.Reports.Tests;

/// <summary>
/// Each document is produced as docx and PDF (and xlsx where tabular), opened again with OpenXML / pdftotext, and its
/// text and numbers compared with the records it was made from; PDF pages are rendered to PNG under artifacts/reports.
/// </summary>
[Collection(ChromiumCollection.Name)]
public sealed class DocumentContentTests(ChromiumFixture fixture)
{
    private async Task<(string Docx, string Pdf, byte[] DocxBytes)> BothAsync(ReportDocument document, string name)
    {
        var docx = await fixture.Writer.WriteAsync(document, ReportFormat.Docx);
        var pdf = await fixture.Writer.WriteAsync(document, ReportFormat.Pdf);
        File.WriteAllBytes(Path.Combine(ProducedFiles.ArtifactDirectory, name + ".docx"), docx);
        var pages = ProducedFiles.RenderPages(pdf, name);
        Assert.NotEmpty(pages);
        Assert.True(new FileInfo(pages[0]).Length > 5_000, "首页 PNG 过小（空白页？）");
        return (ProducedFiles.DocxText(docx), ProducedFiles.Squash(ProducedFiles.PdfText(pdf)), docx);
    }

    private static void InBoth((string Docx, string Pdf, byte[] _) text, params string[] expected)
    {
        foreach (var e in expected)
        {
            Assert.Contains(e, text.Docx);
            Assert.Contains(ProducedFiles.Squash(e), text.Pdf);
        }
    }

    [Fact]
    public async Task GradingReportCarriesTheLevelsReasonsAndReview()
    {
        var text = await BothAsync(GradingReport.Build(SampleRecords.GradingInput), "grading");
        InBoth(text, "医院信息系统（HIS）定级报告", "示范市第一人民医院", "12110000400000001X", "203.0.113.10", "443/tcp, 3389/tcp",
            "业务信息安全保护等级（S）：第三级", "系统服务安全保护等级（A）：第二级", "社会秩序、公共利益 × 严重损害 → 第三级", "（S3A2）",
            "张教授（示范大学）", "2026年4月1日", "约 2,300,000 条");

        // The 2025 structure: the object's five parts, then S, A, the final level, and review.
        var order = new[] { "一、定级对象描述", "（一）责任主体", "（二）定级对象构成", "（三）承载业务", "（四）承载数据", "（五）安全责任", "二、业务信息安全保护等级的确定", "三、系统服务安全保护等级的确定", "四、安全保护等级的确定", "五、专家评审与主管部门核准" };
        var positions = order.Select(h => text.Docx.IndexOf(h, StringComparison.Ordinal)).ToList();
        Assert.DoesNotContain(-1, positions);
        Assert.Equal(positions.Order(), positions);

        // Real Word structure: headings in Heading styles, a footer with PAGE/NUMPAGES fields, East Asian fonts named.
        using var doc = WordprocessingDocument.Open(new MemoryStream(text.DocxBytes), false);
        var headings = doc.MainDocumentPart!.Document!.Body!.Descendants<DocumentFormat.OpenXml.Wordprocessing.Paragraph>()
            .Where(p => p.ParagraphProperties?.ParagraphStyleId?.Val?.Value == "Heading1").Select(p => p.InnerText).ToList();
        Assert.Equal(order.Where(h => !h.StartsWith('（')), headings);
        var styles = doc.MainDocumentPart.StyleDefinitionsPart!.Styles!;
        Assert.Contains(styles.Descendants<Style>(), s => s.StyleId == "Heading1" && s.Descendants<OutlineLevel>().Any());
        Assert.Contains(styles.Descendants<RunFonts>(), f => f.EastAsia?.Value == "宋体");
        Assert.Contains(doc.MainDocumentPart.FontTablePart!.Fonts!.Descendants<Font>(), f => f.Name?.Value == "WenQuanYi Zen Hei");
        var footer = string.Concat(doc.MainDocumentPart.FooterParts.Single().Footer!.Descendants<FieldCode>().Select(c => c.Text));
        Assert.Contains("PAGE", footer);
        Assert.Contains("NUMPAGES", footer);
    }

    [Fact]
    public void UngradedSystemSaysWhatIsMissing()
    {
        var ex = Assert.Throws<ReportInputException>(() => GradingReport.Build(SampleRecords.GradingInput with { Grading = null }));
        Assert.Contains("尚未定级", ex.Message);
        Assert.Contains("业务信息安全保护等级（S）", ex.Message);
        Assert.Contains("医院信息系统（HIS）", ex.Message);
    }

    [Fact]
    public async Task FilingFormHasSixTablesAndMarksWhatThePlatformDoesNotHold()
    {
        var document = FilingForm.Build(SampleRecords.FilingInput);
        var text = await BothAsync(document, "filing");
        InBoth(text, "表一 单位基本情况", "表二 定级对象情况", "表三 定级情况", "表四 新技术应用情况", "表五 提交材料情况", "表六 数据摸底调查表",
            "卫生健康（32）", "11010199001-26001", "示范市公安局网安支队", "0 / 4 / 2 / 0 / 0", "203.0.113.10", "his.example.org", "第三级");

        // The credit code was not given: a marked blank, not a made-up number.
        var table1 = document.Tables.First();
        Assert.Equal(Blank.Marker, table1.Rows.Single(r => r[0] == "统一社会信用代码")[1]);
        Assert.Contains(Blank.Marker, text.Docx);
        Assert.DoesNotContain("12110000400000001X", text.Docx);

        var xlsx = await fixture.Writer.WriteAsync(document, ReportFormat.Xlsx);
        var sheets = MiniExcel.GetSheetNames(new MemoryStream(xlsx));
        Assert.Equal(["说明", "表一 单位基本情况", "表二 定级对象情况", "表三 定级情况", "表四 新技术应用情况", "表五", "表六"], sheets);
        var rows = MiniExcel.Query(new MemoryStream(xlsx), useHeaderRow: true, sheetName: "表三 定级情况").Cast<IDictionary<string, object>>().ToList();
        Assert.Equal("11010199001-26001", rows.Single(r => (string)r["项目"] == "备案证明编号")["内容"]);
    }

    [Theory]
    [InlineData("2025")]
    [InlineData("2021")]
    public async Task AssessmentSummaryNumbersEqualTheConclusionPolicy(string template)
    {
        var input = SampleRecords.AssessmentInput(template);
        var expected = ConclusionPolicy.Default.Conclude(3, input.Items, ConclusionPolicy.ParseTemplate(template));
        var document = AssessmentReport.Build(input);
        var text = await BothAsync(document, "assessment-" + template);
        var rate = expected.ConformityRate.ToString("0.##", CultureInfo.InvariantCulture) + "%";
        InBoth(text, $"符合率 {rate}", $"测评结论：{expected.Conclusion}", "CP-2026-0001", "示范测评中心", "修改默认口令", input.Items[3].Item.Code);
        if (template == "2025")
        {
            Assert.Equal("不符合", expected.Conclusion); // the one 重大风险隐患 decides (DOMAIN.md §5)
            InBoth(text, "重大风险隐患 1 项");
        }
        else
        {
            InBoth(text, $"综合得分 {expected.ComprehensiveScore!.Value.ToString("0.##", CultureInfo.InvariantCulture)}");
        }

        // Per category: the docx table's rows are the policy's counts.
        using var doc = WordprocessingDocument.Open(new MemoryStream(text.DocxBytes), false);
        var table = doc.MainDocumentPart!.Document!.Body!.Descendants<Table>().First(t => t.Descendants<TableRow>().First().InnerText.StartsWith("安全类要求项", StringComparison.Ordinal));
        var rows = table.Descendants<TableRow>().Skip(1).Select(r => r.Descendants<TableCell>().Select(c => c.InnerText).ToList()).ToList();
        foreach (var c in expected.Categories)
        {
            var row = rows.Single(r => r[0] == c.Category);
            Assert.Equal([c.Items, c.Conforming, c.Partial, c.NonConforming, c.NotApplicable], row.Skip(1).Take(5).Select(int.Parse));
            Assert.Equal(c.Rate.ToString("0.##", CultureInfo.InvariantCulture) + "%", row[6]);
        }

        Assert.Equal(input.Items.Count, int.Parse(rows.Single(r => r[0] == "合计")[1]));

        // Per control point: every point of the items appears once; its item count adds up to the total.
        var points = document.Tables.Single(t => t.Caption == "各控制点测评结果");
        Assert.Equal(input.Items.Select(i => (i.Item.Category.Name, i.Item.ControlPoint)).Distinct().Count(), points.Rows.Count);
        Assert.Equal(input.Items.Count, points.Rows.Sum(r => int.Parse(r[2])));
        Assert.Equal(expected.Rectification.Count, document.Tables.Single(t => t.Caption == "待整改要求项").Rows.Count);
    }

    [Fact]
    public async Task NoticeListsFindingsWithPersonalDataMasked()
    {
        var input = SampleRecords.NoticeInput;
        var text = await BothAsync(DetectionNotice.Build(input), "notice");
        InBoth(text, "网络安全问题整改通知", "发现以下 3 项安全问题（高危 2 项、中危 0 项、低危 1 项）", "资产：203.0.113.10", "资产：his.example.org",
            "远程桌面端口暴露于互联网", "L3-ABS1-01", "L3-CES1-51", "CWE-359", "2026年7月15日", "2026年9月13日", "接口按登录身份返回数据，证件号脱敏显示。",
            "端口与服务", "网站漏洞", "高危端口不得直接暴露于互联网");
        var masked = EvidenceMask.Mask(input.Findings[1].Evidence);
        Assert.NotEqual(input.Findings[1].Evidence, masked);
        InBoth(text, masked);
        Assert.DoesNotContain(SampleRecords.PatientId, text.Docx);
        Assert.DoesNotContain(SampleRecords.PatientId, text.Pdf);
        Assert.DoesNotContain("6222020200112233445", text.Docx + text.Pdf);
    }

    [Fact]
    public async Task SituationReportPrintsEveryRateWithItsCountsAndRanksInstitutions()
    {
        var input = SampleRecords.SituationInput;
        var document = SituationReport.Build(input);
        var text = await BothAsync(document, "situation");
        InBoth(text, "示范市卫生健康行业网络安全态势报告", "二、等级保护工作推进情况", "纳入平台管理的医疗卫生机构 12 家、定级对象（信息系统）33 个",
            "定级率 57.6%（19/33）", "备案率 45.5%（15/33）", "三级系统测评率 84.2%（16/19）", "整改率 40.0%（4/10）", "HIS 三级定级率 81.8%（9/11）",
            "三甲医院（4 家、15 个系统）：定级率 80.0%（12/15）", "附录 医疗卫生机构排名", "示范市第一人民医院", "16.7", "已定级系统数 / 系统总数");

        using var doc = WordprocessingDocument.Open(new MemoryStream(text.DocxBytes), false);
        Assert.Equal(2, doc.MainDocumentPart!.ImageParts.Count()); // 图1 and 图2, drawn server-side
        Assert.Contains("图1 各级别医院等级保护工作推进情况", text.Docx);

        var xlsx = await fixture.Writer.WriteAsync(document, ReportFormat.Xlsx);
        var totals = MiniExcel.Query(new MemoryStream(xlsx), useHeaderRow: true, sheetName: "主要指标").Cast<IDictionary<string, object>>().ToList();
        var graded = totals.Single(r => (string)r["指标"] == "定级率");
        Assert.Equal(("19", "33", "57.6%"), (graded["分子"].ToString(), graded["分母"].ToString(), graded["比率"].ToString()));
    }

    [Fact]
    public async Task SituationReportTellsWhatDetectionFound()
    {
        var input = SampleRecords.SituationInput with
        {
            Detection = new SituationDetection
            {
                Figures = [new("unitsTested", "检测单位数", 22, 30, "期间内有检测运行的机构数 / 机构数"), new("openPorts", "开放端口数", 50, null, "服务器上开放的端口数")],
                BySeverity = [new("web", 13, 6, 44), new("apk", 11, 6, 19)],
                PerPort = [new("3389", "3389", 3, null, "开放该端口的服务器数")],
                WebKinds = [new("布尔型 SQL 注入", "高", 2)],
                AppRiskKinds = ["WebView 明文存储密码", "allowBackup"],
                Apps = ["com.example.a", "com.example.b"],
                AppRiskCounts = [[1, 0], [2, 3]],
                AccountRisks = [new("取消任意预约挂号", "高", 1)],
            },
        };
        var document = SituationReport.Build(input);
        var text = await BothAsync(document, "situation-detection");
        InBoth(text, "三、远程技术检测情况", "检测单位数 22（共 30）", "开放端口数 50", "网站 63 个（高危 13、中危 6、低危 44）", "APP 36 个（高危 11、中危 6、低危 19）",
            "表6 服务器开放端口", "布尔型 SQL 注入", "表8 APP 风险在各 APP 中出现的次数", "com.example.b", "取消任意预约挂号", "四、统计表", "五、统计图");
        var apps = document.Tables.Single(t => t.Caption.StartsWith("表8", StringComparison.Ordinal));
        Assert.Equal(["allowBackup", "2", "3"], apps.Rows[1]);

        using var doc = WordprocessingDocument.Open(new MemoryStream(text.DocxBytes), false);
        Assert.Equal(3, doc.MainDocumentPart!.ImageParts.Count()); // 图3 beside 图1 and 图2
    }

    [Fact]
    public async Task RegionWithoutDataSaysSo()
    {
        var empty = SampleRecords.SituationInput with { RegionName = "空白县", Institutions = 0, Systems = 0, Totals = [], Tiers = [], Regions = [], Rankings = [] };
        var text = await BothAsync(SituationReport.Build(empty), "situation-empty");
        InBoth(text, "空白县", "在平台中没有医疗卫生机构和信息系统的数据，本报告无统计数字可报", "本地区暂无数据");
        Assert.DoesNotContain("%", text.Docx);
    }
}
