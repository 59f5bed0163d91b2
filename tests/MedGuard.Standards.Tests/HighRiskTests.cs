using MedGuard.Standards.Assessment.Workbook;
using MedGuard.Standards.Catalog;
using MedGuard.Standards.HighRisk;

namespace MedGuard.Standards.Tests;

public sealed class HighRiskTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("medguard-hr-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void TheWorkingListIsLoadedWithCategoriesAndLevels()
    {
        var catalog = HighRiskCatalog.Default;
        Assert.Equal(42, catalog.Cases.Count);
        var ports = catalog.Find("6.4.3.1")!;
        Assert.Equal(("CES", "入侵防范", 2), (ports.Category.Code, ports.ControlPoint, ports.FromLevel));
        Assert.Equal("MMS", catalog.Find("6.10.1.2")!.Category.Code);
        Assert.False(catalog.Find("6.1.3.2")!.AppliesAt(3));
        Assert.True(catalog.Find("6.1.3.2")!.AppliesAt(4));
        // Every case names a control point that exists in the catalog at its first level (where the names agree).
        var points = CatalogLoader.Default.Items.Select(i => i.ControlPoint).ToHashSet();
        Assert.All(catalog.Cases.Where(c => !c.ControlPoint.Contains('/')), c => Assert.Contains(c.ControlPoint, points));
    }

    [Theory]
    [InlineData("6.99.1.1", "未知的高风险案例编号")]
    [InlineData("6.1.3.2", "适用于第四级及以上")]
    public void WorkbookCaseIdsAreChecked(string caseId, string message)
    {
        var path = Path.Combine(directory, "a.xlsx");
        AssessmentWorkbookWriter.Write(path, 3, [], CatalogLoader.Default);
        WorkbookFiller.Fill(path, (row, _) => row == 4 ? ("不符合", null, "高", caseId, null) : ("符合", null, null, null, null));
        var ex = Assert.Throws<WorkbookException>(() => AssessmentWorkbookReader.Read(path, CatalogLoader.Default));
        Assert.Contains("第 4 行", ex.Message);
        Assert.Contains(message, ex.Message);
    }
}
