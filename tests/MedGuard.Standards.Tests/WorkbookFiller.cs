using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace MedGuard.Standards.Tests;

/// <summary>Fills a generated workbook the way an assessor would in Excel: shared strings, as Excel saves them.</summary>
public static class WorkbookFiller
{
    public delegate (string? Result, string? Evidence, string? Risk, string? Cases, string? Hazard) RowFiller(int row, string code);

    public static void Fill(string path, RowFiller fill, (int Row, string Code)? replaceCode = null, string? metaLevel = null, int? deleteRow = null)
    {
        using var doc = SpreadsheetDocument.Open(path, true);
        var wb = doc.WorkbookPart!;
        var sst = wb.SharedStringTablePart ?? wb.AddNewPart<SharedStringTablePart>();
        sst.SharedStringTable ??= new SharedStringTable();

        WorksheetPart Sheet(string name) =>
            (WorksheetPart)wb.GetPartById(wb.Workbook.Sheets!.Elements<Sheet>().Single(s => s.Name == name).Id!);

        var results = Sheet("测评结果");
        var rows = results.Worksheet.Descendants<Row>().ToList();
        foreach (var row in rows.Skip(1))
        {
            var index = (int)row.RowIndex!.Value;
            if (index == deleteRow)
            {
                row.Remove();
                continue;
            }

            var codeCell = row.Elements<Cell>().Single(c => c.CellReference == $"B{index}");
            if (replaceCode is { } r && r.Row == index)
            {
                codeCell.InlineString = new InlineString(new Text(r.Code));
            }

            var (result, evidence, risk, cases, hazard) = fill(index, codeCell.InnerText);
            Set(row, sst, $"H{index}", result);
            Set(row, sst, $"I{index}", evidence);
            Set(row, sst, $"J{index}", risk);
            Set(row, sst, $"K{index}", cases);
            Set(row, sst, $"L{index}", hazard);
        }

        if (metaLevel is not null)
        {
            var meta = Sheet("_medguard");
            var levelRow = meta.Worksheet.Descendants<Row>().Single(r => r.InnerText.StartsWith("level", StringComparison.Ordinal));
            levelRow.Elements<Cell>().ElementAt(1).InlineString = new InlineString(new Text(metaLevel));
        }

        doc.Save();
    }

    private static void Set(Row row, SharedStringTablePart sst, string reference, string? value)
    {
        if (value is null)
        {
            return;
        }

        sst.SharedStringTable.AppendChild(new SharedStringItem(new Text(value)));
        var index = sst.SharedStringTable.Elements<SharedStringItem>().Count() - 1;
        var cell = new Cell { CellReference = reference, DataType = CellValues.SharedString, CellValue = new CellValue(index) };
        var after = row.Elements<Cell>().LastOrDefault(c => string.CompareOrdinal(c.CellReference!.Value, reference) < 0 && c.CellReference!.Value!.Length <= reference.Length);
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
