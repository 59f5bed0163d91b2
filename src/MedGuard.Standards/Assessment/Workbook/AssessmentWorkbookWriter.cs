using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using MedGuard.Standards.Catalog;
using static MedGuard.Standards.Assessment.Workbook.WorkbookLayout;

namespace MedGuard.Standards.Assessment.Workbook;

/// <summary>
/// Writes the workbook an assessor fills in: one row per requirement item, a drop-down for the result, columns for
/// evidence and high-risk marks, and a hidden sheet that records the level and extensions so that reading it back can
/// refuse a workbook of another level.
/// </summary>
public static class AssessmentWorkbookWriter
{
    public static void Write(string path, int level, IReadOnlyCollection<CatalogSection> extensions, RequirementCatalog catalog)
    {
        var items = catalog.ForAssessment(level, extensions);
        var full = Path.GetFullPath(path);
        var temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        try
        {
            // Written beside the target and moved into place: a failure never leaves a half-written workbook.
            using (var document = SpreadsheetDocument.Create(temp, SpreadsheetDocumentType.Workbook))
            {
                Build(document, level, extensions, items);
            }

            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    private static void Build(SpreadsheetDocument document, int level, IReadOnlyCollection<CatalogSection> extensions, IReadOnlyList<RequirementAtLevel> items)
    {
        var workbookPart = document.AddWorkbookPart();
        workbookPart.Workbook = new DocumentFormat.OpenXml.Spreadsheet.Workbook();
        AddStyles(workbookPart);
        var sheets = workbookPart.Workbook.AppendChild(new Sheets());

        var rows = new List<string?[]> { ColumnTitles };
        var number = 1;
        foreach (var item in items)
        {
            rows.Add([
                (number++).ToString(System.Globalization.CultureInfo.InvariantCulture),
                item.Code,
                item.Section.ChineseName(),
                item.Category.Name,
                item.ControlPoint,
                item.Citation,
                item.Text,
                null, null, null, null, null, null,
            ]);
        }

        var results = AddSheet(workbookPart, sheets, ResultsSheet, 1, rows, Widths, freezeHeader: true);
        var last = rows.Count;
        AddValidations(results, [
            (ColumnTitles.IndexOf(Result), ResultWords),
            (ColumnTitles.IndexOf(Risk), RiskWords),
            (ColumnTitles.IndexOf(MajorHazard), YesNo),
            (ColumnTitles.IndexOf(Importance), ImportanceWords),
        ], last);

        var section = string.Join("、", extensions.Select(e => e.ChineseName()));
        AddSheet(workbookPart, sheets, GuideSheet, 2, [
            ["MedGuard 等级测评记录表"],
            [$"等级：第{MedGuard.Domain.Systems.ProtectionLevelNames.Numeral(level)}级；扩展要求：{(section.Length == 0 ? "无" : section)}；要求项 {items.Count} 项"],
            ["“测评结果”列从下拉框选择：符合 / 部分符合 / 不符合 / 不适用；不要增删行或改动单元编号。"],
            ["“风险等级”填写不符合或部分符合项的风险（高/中/低）；“高风险案例编号”填写高风险判定指引的案例编号，多个用逗号分隔。"],
            ["“重大风险隐患”选“是”的项目将使 2025 版模板的结论为不符合；“重要程度”仅用于 2021 版综合得分（默认关键）。"],
            ["读回评分：medguard assess score 本文件 --template 2025|2021"],
        ], [120], freezeHeader: false);

        var meta = AddSheet(workbookPart, sheets, MetaSheet, 3, [
            ["format", "medguard-assessment-workbook/1"],
            ["level", level.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            ["extensions", string.Join(",", extensions.Select(e => e.FolderName()))],
            ["items", items.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)],
        ], [20, 40], freezeHeader: false);
        _ = meta;
        sheets.Elements<Sheet>().Last().State = SheetStateValues.Hidden;
        workbookPart.Workbook.Save();
    }

    private static int IndexOf(this string[] array, string value) => Array.IndexOf(array, value);

    private static WorksheetPart AddSheet(WorkbookPart workbookPart, Sheets sheets, string name, uint id, IReadOnlyList<string?[]> rows, double[] widths, bool freezeHeader)
    {
        var part = workbookPart.AddNewPart<WorksheetPart>();
        var worksheet = new Worksheet();
        if (freezeHeader)
        {
            worksheet.Append(new SheetViews(new SheetView(
                new Pane { VerticalSplit = 1, TopLeftCell = "A2", ActivePane = PaneValues.BottomLeft, State = PaneStateValues.Frozen })
            { WorkbookViewId = 0 }));
        }

        var columns = new Columns();
        for (var i = 0; i < widths.Length; i++)
        {
            columns.Append(new Column { Min = (uint)(i + 1), Max = (uint)(i + 1), Width = widths[i], CustomWidth = true });
        }

        worksheet.Append(columns);
        var data = new SheetData();
        for (var r = 0; r < rows.Count; r++)
        {
            var row = new Row { RowIndex = (uint)(r + 1) };
            for (var c = 0; c < rows[r].Length; c++)
            {
                var value = rows[r][c];
                if (value is null)
                {
                    continue;
                }

                row.Append(new Cell
                {
                    CellReference = $"{ColumnLetter(c)}{r + 1}",
                    DataType = CellValues.InlineString,
                    InlineString = new InlineString(new Text(value)),
                    StyleIndex = freezeHeader && r == 0 ? 1u : 2u,
                });
            }

            data.Append(row);
        }

        worksheet.Append(data);
        part.Worksheet = worksheet;
        sheets.Append(new Sheet { Id = workbookPart.GetIdOfPart(part), SheetId = id, Name = name });
        return part;
    }

    private static void AddValidations(WorksheetPart part, IEnumerable<(int Column, string[] Words)> lists, int lastRow)
    {
        var validations = new DataValidations();
        foreach (var (column, words) in lists)
        {
            var letter = ColumnLetter(column);
            validations.Append(new DataValidation(new Formula1($"\"{string.Join(",", words)}\""))
            {
                Type = DataValidationValues.List,
                AllowBlank = true,
                ShowErrorMessage = true,
                ErrorTitle = "无效的取值",
                Error = $"请从下拉框选择：{string.Join(" / ", words)}",
                SequenceOfReferences = new ListValue<StringValue> { InnerText = $"{letter}2:{letter}{lastRow}" },
            });
        }

        validations.Count = (uint)validations.ChildElements.Count;
        // DataValidations must follow SheetData in the schema's element order.
        part.Worksheet.InsertAfter(validations, part.Worksheet.GetFirstChild<SheetData>());
    }

    private static void AddStyles(WorkbookPart workbookPart)
    {
        var styles = workbookPart.AddNewPart<WorkbookStylesPart>();
        styles.Stylesheet = new Stylesheet(
            new Fonts(new Font(), new Font(new Bold())),
            new Fills(new Fill(new PatternFill { PatternType = PatternValues.None }), new Fill(new PatternFill { PatternType = PatternValues.Gray125 })),
            new Borders(new Border()),
            new CellFormats(
                new CellFormat(),
                new CellFormat { FontId = 1, ApplyFont = true },
                new CellFormat(new Alignment { WrapText = true, Vertical = VerticalAlignmentValues.Top }) { ApplyAlignment = true }));
    }
}
