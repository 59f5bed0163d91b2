using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using MedGuard.Domain.Systems;
using MedGuard.Server.Demo;
using MedGuard.Standards.Assessment.Workbook;
using MedGuard.Standards.Catalog;
using MedGuard.Storage.Providers;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Server.Tests;

/// <summary>
/// An assessor imports the standards engine's assessment workbook (filled in as in Excel) on the assessment page in
/// Chromium; a 重大风险隐患 in it makes the 2025 conclusion 不符合 whatever the 符合率.
/// </summary>
public sealed class WorkbookImportTests
{
    [Fact]
    public async Task AFilledWorkbookIsImportedAndConcluded()
    {
        await using var platform = await PlatformFixture.StartAsync(DatabaseKind.Sqlite);
        Guid systemId;
        await using (var db = MedGuardContextFactory.Create(platform.Target))
        {
            var hospital = await db.Institutions.SingleAsync(i => i.Name == DemoProvince.DemoHospitalName);
            systemId = await db.Systems.Where(s => s.InstitutionId == hospital.Id && s.Business == BusinessKind.His).Select(s => s.Id).SingleAsync();
        }

        using (var owner = await ApiClient.LoginAsync(platform, "hospital"))
        {
            await owner.SendAsync(HttpMethod.Post, $"/api/systems/{systemId}/grading", new { informationObject = "public", informationDegree = "serious", serviceObject = "citizen", serviceDegree = "general" });
        }

        Guid assessmentId;
        using (var assessorApi = await ApiClient.LoginAsync(platform, "assessor"))
        {
            var (_, body) = await assessorApi.SendAsync(HttpMethod.Post, $"/api/systems/{systemId}/assessments", new { assessedOn = DateTime.Today.ToString("yyyy-MM-dd") });
            assessmentId = System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("id").GetGuid();
        }

        var workbook = Path.Combine(Path.GetTempPath(), $"medguard-import-test-{Guid.NewGuid():N}.xlsx");
        AssessmentWorkbookWriter.Write(workbook, 3, [], CatalogLoader.Default);
        FillAllConformingExcept(workbook, nonConforming: ["L3-CES1-01", "L3-ABS1-01"], majorHazard: "L3-CES1-01");

        await using var browser = await Browser.LaunchAsync();
        var page = await browser.Context.NewPageAsync();
        var assessor = platform.Credentials["assessor"];
        await page.GotoAsync(new Uri(platform.BaseAddress, "/account/login").ToString());
        await page.FillAsync("#UserName", assessor.UserName);
        await page.FillAsync("#Password", assessor.Password);
        await page.FillAsync("#Code", await TotpCodes.FreshAsync(assessor.TotpSecret!));
        await page.ClickAsync("#login-submit");
        await page.WaitForSelectorAsync("#current-user");
        await page.GotoAsync(new Uri(platform.BaseAddress, $"/assessments/{assessmentId}").ToString());
        await page.SetInputFilesAsync("input[name='workbook']", workbook);
        await page.ClickAsync("button:has-text('导入测评工作簿')");
        await page.WaitForSelectorAsync("#flash, #assessment-error");
        Assert.Contains("已从工作簿导入 211 项", await page.TextContentAsync("#flash"), StringComparison.Ordinal);
        Assert.Equal("不符合", await page.InputValueAsync("#result-L3-ABS1-01"));
        await page.ClickAsync("#conclude");
        await page.WaitForSelectorAsync("#conclusion-text");
        Assert.Equal("不符合", (await page.TextContentAsync("#conclusion-text"))?.Trim());
        Assert.Contains("重大风险隐患", await page.TextContentAsync("#conclusion"), StringComparison.Ordinal);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Artifacts.Screenshots, "sqlite-11-workbook-import.png") });
        File.Delete(workbook);
    }

    /// <summary>Fills the result column (and the hazard column) with inline strings, as a spreadsheet program saves them.</summary>
    private static void FillAllConformingExcept(string path, string[] nonConforming, string majorHazard)
    {
        using var doc = SpreadsheetDocument.Open(path, true);
        var workbook = doc.WorkbookPart!;
        var sheet = (WorksheetPart)workbook.GetPartById(workbook.Workbook.Sheets!.Elements<Sheet>().Single(s => s.Name == "测评结果").Id!);
        var header = sheet.Worksheet.Descendants<Row>().First();
        string Column(string title) => new(header.Elements<Cell>().First(c => Text(workbook, c) == title).CellReference!.Value!.TakeWhile(char.IsLetter).ToArray());
        var code = Column("单元编号");
        var result = Column("测评结果");
        var hazard = Column("重大风险隐患");
        var risk = Column("风险等级");
        foreach (var row in sheet.Worksheet.Descendants<Row>().Skip(1))
        {
            var index = row.RowIndex!.Value;
            var itemCode = Text(workbook, row.Elements<Cell>().First(c => c.CellReference == $"{code}{index}"));
            var bad = nonConforming.Contains(itemCode);
            Set(row, $"{result}{index}", bad ? "不符合" : "符合");
            if (bad)
            {
                Set(row, $"{risk}{index}", "高");
            }

            if (itemCode == majorHazard)
            {
                Set(row, $"{hazard}{index}", "是");
            }
        }

        doc.Save();
    }

    private static string Text(WorkbookPart workbook, Cell cell) =>
        cell.DataType?.Value == CellValues.SharedString
            ? workbook.SharedStringTablePart!.SharedStringTable.Elements<SharedStringItem>().ElementAt(int.Parse(cell.InnerText, System.Globalization.CultureInfo.InvariantCulture)).InnerText
            : cell.InnerText;

    private static void Set(Row row, string reference, string value)
    {
        var existing = row.Elements<Cell>().FirstOrDefault(c => c.CellReference == reference);
        var cell = new Cell { CellReference = reference, DataType = CellValues.InlineString, InlineString = new InlineString(new DocumentFormat.OpenXml.Spreadsheet.Text(value)) };
        if (existing is not null)
        {
            row.ReplaceChild(cell, existing);
            return;
        }

        var after = row.Elements<Cell>().LastOrDefault(c => c.CellReference!.Value!.Length < reference.Length
            || (c.CellReference!.Value!.Length == reference.Length && string.CompareOrdinal(c.CellReference!.Value, reference) < 0));
        if (after is null)
        {
            row.PrependChild(cell);
        }
        else
        {
            row.InsertAfter(cell, after);
        }
    }
}
