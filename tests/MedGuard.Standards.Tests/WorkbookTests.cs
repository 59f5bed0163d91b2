using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using MedGuard.Domain.Assessment;
using MedGuard.Standards.Assessment;
using MedGuard.Standards.Assessment.Workbook;
using MedGuard.Standards.Catalog;

namespace MedGuard.Standards.Tests;

/// <summary>The assessor's workbook: written, filled as a person would in Excel, read back strictly.</summary>
public sealed class WorkbookTests : IDisposable
{
    private static readonly RequirementCatalog Catalog = CatalogLoader.Default;
    private readonly string directory = Directory.CreateTempSubdirectory("medguard-wb-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private string NewWorkbook(int level = 3, params CatalogSection[] extensions)
    {
        var path = Path.Combine(directory, $"l{level}-{Guid.NewGuid():N}.xlsx");
        AssessmentWorkbookWriter.Write(path, level, extensions, Catalog);
        return path;
    }

    [Fact]
    public void RoundTripKeepsEveryResultAndScoresIt()
    {
        var path = NewWorkbook(3, CatalogSection.Cloud);
        WorkbookFiller.Fill(path, (row, code) => row switch
        {
            2 => ("不符合", "未启用双因素", "高", "6.4.1.3", "是"),
            3 => ("部分符合", "口令未定期更换", "中", null, null),
            4 => ("不适用", null, null, null, null),
            _ => ("符合", "已核查", null, null, "否"),
        });

        var filled = AssessmentWorkbookReader.Read(path, Catalog);
        Assert.Equal(3, filled.Level);
        Assert.Equal([CatalogSection.Cloud], filled.Extensions);
        Assert.Equal(211 + 46, filled.Items.Count);
        var first = filled.Items[0];
        Assert.Equal(("L3-PES1-01", ItemResultValue.NonConforming, "未启用双因素", true), (first.Item.Code, first.Result, first.Evidence, first.MajorHazard));
        Assert.Equal(["6.4.1.3"], first.HighRiskCases);

        var c2025 = ConclusionPolicy.Default.Conclude(3, filled.Items, ConclusionTemplate.Template2025);
        Assert.Equal("不符合", c2025.Conclusion); // the 重大风险隐患
        Assert.Equal(2, c2025.Rectification.Count);
        var c2021 = ConclusionPolicy.Default.Conclude(3, filled.Items, ConclusionTemplate.Template2021);
        Assert.Equal("差", c2021.Conclusion);
        Assert.True(c2021.ComprehensiveScore > 99);
    }

    [Fact]
    public void TheResultColumnOffersADropDown()
    {
        var path = NewWorkbook(2);
        using var doc = SpreadsheetDocument.Open(path, false);
        var sheet = doc.WorkbookPart!.WorksheetParts.First(p => p.Worksheet.Descendants<DataValidation>().Any());
        var formulas = sheet.Worksheet.Descendants<DataValidation>().Select(v => v.Formula1!.Text).ToList();
        Assert.Contains("\"符合,部分符合,不符合,不适用\"", formulas);
        Assert.Contains(sheet.Worksheet.Descendants<DataValidation>(), v => v.SequenceOfReferences!.InnerText == "H2:H136");
    }

    [Fact]
    public void AnUnfilledRowIsNamed()
    {
        var path = NewWorkbook();
        WorkbookFiller.Fill(path, (row, _) => row == 7 ? (null, null, null, null, null) : ("符合", null, null, null, null));
        var ex = Assert.Throws<WorkbookException>(() => AssessmentWorkbookReader.Read(path, Catalog));
        Assert.Contains("第 7 行", ex.Message);
        Assert.Contains("未填写", ex.Message);
    }

    [Fact]
    public void AnInvalidResultWordIsNamedWithRowAndColumn()
    {
        var path = NewWorkbook();
        WorkbookFiller.Fill(path, (row, _) => (row == 10 ? "基本符合" : "符合", null, null, null, null));
        var ex = Assert.Throws<WorkbookException>(() => AssessmentWorkbookReader.Read(path, Catalog));
        Assert.Contains("第 10 行", ex.Message);
        Assert.Contains("'测评结果' 的值 '基本符合' 无效", ex.Message);
    }

    [Fact]
    public void AnUnknownCodeIsNamed()
    {
        var path = NewWorkbook();
        WorkbookFiller.Fill(path, (_, _) => ("符合", null, null, null, null), replaceCode: (5, "L3-XYZ1-01"));
        var ex = Assert.Throws<WorkbookException>(() => AssessmentWorkbookReader.Read(path, Catalog));
        Assert.Contains("第 5 行：未知的单元编号 'L3-XYZ1-01'", ex.Message);
    }

    [Fact]
    public void ACodeOfAnotherLevelIsRefused()
    {
        var path = NewWorkbook();
        WorkbookFiller.Fill(path, (_, _) => ("符合", null, null, null, null), replaceCode: (5, "L2-PES1-01"));
        var ex = Assert.Throws<WorkbookException>(() => AssessmentWorkbookReader.Read(path, Catalog));
        Assert.Contains("属于第二级", ex.Message);
    }

    [Fact]
    public void AWorkbookWhoseRecordedLevelDiffersFromItsRowsIsRefused()
    {
        var path = NewWorkbook(2);
        WorkbookFiller.Fill(path, (_, _) => ("符合", null, null, null, null), metaLevel: "3");
        var ex = Assert.Throws<WorkbookException>(() => AssessmentWorkbookReader.Read(path, Catalog));
        Assert.Contains("属于第二级，而本表为第三级", ex.Message);
    }

    [Fact]
    public void MissingRowsAreListed()
    {
        var path = NewWorkbook();
        WorkbookFiller.Fill(path, (_, _) => ("符合", null, null, null, null), deleteRow: 12);
        var ex = Assert.Throws<WorkbookException>(() => AssessmentWorkbookReader.Read(path, Catalog));
        Assert.Contains("缺少 1 个要求项", ex.Message);
        Assert.Contains(Catalog.ForAssessment(3, [])[10].Code, ex.Message);
    }

    [Fact]
    public void CorruptedAndForeignFilesAreClearErrors()
    {
        var garbage = Path.Combine(directory, "garbage.xlsx");
        File.WriteAllBytes(garbage, [0x50, 0x4B, 0x03, 0x04, 1, 2, 3, 4, 5]);
        Assert.Contains("不是有效的 xlsx", Assert.Throws<WorkbookException>(() => AssessmentWorkbookReader.Read(garbage, Catalog)).Message);

        var truncated = NewWorkbook();
        var bytes = File.ReadAllBytes(truncated);
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 2)]);
        Assert.Contains("不是有效的 xlsx", Assert.Throws<WorkbookException>(() => AssessmentWorkbookReader.Read(truncated, Catalog)).Message);

        var foreign = Path.Combine(directory, "foreign.xlsx");
        using (var doc = SpreadsheetDocument.Create(foreign, DocumentFormat.OpenXml.SpreadsheetDocumentType.Workbook))
        {
            var wb = doc.AddWorkbookPart();
            wb.Workbook = new Workbook(new Sheets());
        }

        Assert.Contains("_medguard", Assert.Throws<WorkbookException>(() => AssessmentWorkbookReader.Read(foreign, Catalog)).Message);
        Assert.Contains("找不到", Assert.Throws<WorkbookException>(() => AssessmentWorkbookReader.Read(Path.Combine(directory, "none.xlsx"), Catalog)).Message);
    }

    [Fact]
    public void AFailedWriteLeavesNothingBehind()
    {
        var target = Path.Combine(directory, "missing-dir", "a.xlsx");
        Assert.ThrowsAny<IOException>(() => AssessmentWorkbookWriter.Write(target, 3, [], Catalog));
        Assert.False(File.Exists(target));
        Assert.Empty(Directory.GetFiles(directory, "*.tmp", SearchOption.AllDirectories));
    }
}
