using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using MedGuard.Domain.Assessment;
using MedGuard.Domain.Findings;
using MedGuard.Standards.Catalog;
using MedGuard.Standards.HighRisk;
using static MedGuard.Standards.Assessment.Workbook.WorkbookLayout;

namespace MedGuard.Standards.Assessment.Workbook;

/// <summary>
/// A filled workbook read back: its level, extensions and one result per filled catalog item; <see cref="Unfilled"/>
/// lists the rows whose result is still empty (only when the caller allowed them).
/// </summary>
public sealed record FilledWorkbook(int Level, IReadOnlyList<CatalogSection> Extensions, IReadOnlyList<AssessedItem> Items)
{
    public IReadOnlyList<UnfilledRow> Unfilled { get; init; } = [];
}

/// <summary>A row of the workbook whose 测评结果 is still empty.</summary>
public sealed record UnfilledRow(int Row, string Code);

/// <summary>
/// Reads a filled assessment workbook strictly: every catalog item of the recorded level must be present exactly once
/// with a valid result word; anything else is an error naming the row and the column. Rows whose result is still
/// empty are an error too (counted, the first named) unless the caller asks for them (<c>allowUnfilled</c>): then
/// they are returned in <see cref="FilledWorkbook.Unfilled"/> for a partial score.
/// </summary>
public static class AssessmentWorkbookReader
{
    /// <summary>Workbooks are small; a larger file is not ours (or is a zip bomb) and is refused before parsing.</summary>
    private const long MaxFileBytes = 20 * 1024 * 1024;

    public static FilledWorkbook Read(string path, RequirementCatalog catalog, bool allowUnfilled = false)
    {
        if (!File.Exists(path))
        {
            throw new WorkbookException($"找不到测评记录表 '{path}'");
        }

        if (new FileInfo(path).Length > MaxFileBytes)
        {
            throw new WorkbookException($"'{path}' 超过 {MaxFileBytes / 1024 / 1024} MB，不是测评记录表");
        }

        try
        {
            using var document = SpreadsheetDocument.Open(path, false, new OpenSettings { MaxCharactersInPart = 50_000_000 });
            return Read(document, catalog, allowUnfilled);
        }
        catch (Exception ex) when (ex is OpenXmlPackageException or InvalidDataException or FileFormatException or IOException or System.Xml.XmlException or InvalidOperationException or ArgumentException)
        {
            throw new WorkbookException($"'{path}' 不是有效的 xlsx 文件（文件损坏或格式错误）：{ex.Message}", ex);
        }
    }

    private static FilledWorkbook Read(SpreadsheetDocument document, RequirementCatalog catalog, bool allowUnfilled)
    {
        var workbook = document.WorkbookPart ?? throw new WorkbookException("工作簿没有内容");
        var strings = workbook.SharedStringTablePart?.SharedStringTable.Elements<SharedStringItem>().Select(s => s.InnerText).ToArray() ?? [];

        var meta = ReadRows(workbook, MetaSheet, strings)
            ?? throw new WorkbookException($"缺少隐藏工作表 '{MetaSheet}'：该文件不是由 medguard assess new 生成的");
        var metaMap = meta.Where(r => r.Cells.Count >= 2).ToDictionary(r => r.Cells.GetValueOrDefault(0) ?? "", r => r.Cells.GetValueOrDefault(1) ?? "");
        if (metaMap.GetValueOrDefault("format") != "medguard-assessment-workbook/1")
        {
            throw new WorkbookException($"工作表 '{MetaSheet}' 的格式标记不正确");
        }

        if (!int.TryParse(metaMap.GetValueOrDefault("level"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var level) || level is < 1 or > 4)
        {
            throw new WorkbookException($"工作表 '{MetaSheet}' 的 level 无效");
        }

        var extensions = (metaMap.GetValueOrDefault("extensions") ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(e => CatalogSections.TryParseFolder(e, out var s) && s != CatalogSection.General ? s : throw new WorkbookException($"工作表 '{MetaSheet}' 的扩展要求 '{e}' 无效"))
            .ToList();

        var rows = ReadRows(workbook, ResultsSheet, strings) ?? throw new WorkbookException($"缺少工作表 '{ResultsSheet}'");
        if (rows.Count == 0)
        {
            throw new WorkbookException($"工作表 '{ResultsSheet}' 为空");
        }

        var header = rows[0];
        var columnOf = new Dictionary<string, int>();
        foreach (var (index, name) in header.Cells)
        {
            if (!string.IsNullOrWhiteSpace(name))
            {
                columnOf[name.Trim()] = index;
            }
        }

        foreach (var required in new[] { Code, Result, Evidence, Risk, HighRiskCases, MajorHazard })
        {
            if (!columnOf.ContainsKey(required))
            {
                throw new WorkbookException($"工作表 '{ResultsSheet}' 第 1 行缺少列 '{required}'");
            }
        }

        string? Cell(WorkbookRow row, string column) =>
            columnOf.TryGetValue(column, out var i) ? row.Cells.GetValueOrDefault(i)?.Trim() is { Length: > 0 } v ? v : null : null;

        var expected = catalog.ForAssessment(level, extensions);
        var expectedCodes = expected.Select(i => i.Code).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var seen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var items = new List<AssessedItem>();
        var unfilled = new List<UnfilledRow>();
        foreach (var row in rows.Skip(1))
        {
            var code = Cell(row, Code);
            if (code is null)
            {
                if (row.Cells.Values.Any(v => !string.IsNullOrWhiteSpace(v)))
                {
                    throw new WorkbookException($"第 {row.Number} 行：'{Code}' 为空");
                }

                continue;
            }

            var item = catalog.Find(code) ?? throw new WorkbookException($"第 {row.Number} 行：未知的单元编号 '{code}'");
            if (item.Level != level)
            {
                throw new WorkbookException($"第 {row.Number} 行：单元编号 {code} 属于第{MedGuard.Domain.Systems.ProtectionLevelNames.Numeral(item.Level)}级，而本表为第{MedGuard.Domain.Systems.ProtectionLevelNames.Numeral(level)}级");
            }

            if (!expectedCodes.Contains(code))
            {
                throw new WorkbookException($"第 {row.Number} 行：单元编号 {code} 不属于本表所选的要求（{item.Section.ChineseName()}）");
            }

            if (seen.TryGetValue(code, out var firstRow))
            {
                throw new WorkbookException($"第 {row.Number} 行：单元编号 {code} 与第 {firstRow} 行重复");
            }

            seen[code] = row.Number;
            if (Cell(row, Result) is not { } resultText)
            {
                unfilled.Add(new UnfilledRow(row.Number, item.Code));
                continue;
            }

            if (!ItemResultNames.TryParse(resultText, out var result))
            {
                throw new WorkbookException($"第 {row.Number} 行（{code}）：'{Result}' 的值 '{resultText}' 无效（应为 {string.Join(" / ", ResultWords)}）");
            }

            Severity? risk = null;
            if (Cell(row, Risk) is { } riskText)
            {
                risk = SeverityNames.TryParse(riskText, out var s) && s != Severity.Info
                    ? s
                    : throw new WorkbookException($"第 {row.Number} 行（{code}）：'{Risk}' 的值 '{riskText}' 无效（应为 高 / 中 / 低）");
            }

            var hazard = Cell(row, MajorHazard) switch
            {
                null or "否" => false,
                "是" => true,
                var other => throw new WorkbookException($"第 {row.Number} 行（{code}）：'{MajorHazard}' 的值 '{other}' 无效（应为 是 / 否）"),
            };
            var importance = Cell(row, Importance);
            if (importance is not null && Array.IndexOf(ImportanceWords, importance) < 0)
            {
                throw new WorkbookException($"第 {row.Number} 行（{code}）：'{Importance}' 的值 '{importance}' 无效（应为 {string.Join(" / ", ImportanceWords)}）");
            }

            var cases = (Cell(row, HighRiskCases) ?? "")
                .Split([',', '，', ';', '；', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .ToList();
            foreach (var id in cases)
            {
                var known = HighRiskCatalog.Default.Find(id)
                    ?? throw new WorkbookException($"第 {row.Number} 行（{code}）：未知的高风险案例编号 '{id}'（{HighRiskCatalog.Default.SourceVersion}）");
                if (!known.AppliesAt(level))
                {
                    throw new WorkbookException($"第 {row.Number} 行（{code}）：高风险案例 {id} 适用于第{MedGuard.Domain.Systems.ProtectionLevelNames.Numeral(known.FromLevel)}级及以上，不适用于本表等级");
                }
            }

            items.Add(new AssessedItem(item, result, Cell(row, Evidence), risk, cases, hazard, importance));
        }

        var missing = expected.Where(e => !seen.ContainsKey(e.Code)).Select(e => e.Code).ToList();
        if (missing.Count > 0)
        {
            throw new WorkbookException($"缺少 {missing.Count} 个要求项的行：{string.Join(", ", missing.Take(10))}{(missing.Count > 10 ? " …" : "")}");
        }

        if (unfilled.Count > 0 && !allowUnfilled)
        {
            throw new WorkbookException(DescribeUnfilled(unfilled, expected.Count));
        }

        return new FilledWorkbook(level, extensions, items) { Unfilled = unfilled };
    }

    /// <summary>"211 项中有 209 行的'测评结果'未填写（第 4、5、6 … 行）".</summary>
    public static string DescribeUnfilled(IReadOnlyList<UnfilledRow> unfilled, int total)
    {
        var rows = string.Join("、", unfilled.Take(8).Select(u => u.Row));
        return $"{total} 项中有 {unfilled.Count} 行的'{Result}'未填写（第 {rows}{(unfilled.Count > 8 ? " …" : "")} 行）";
    }

    private sealed record WorkbookRow(int Number, Dictionary<int, string?> Cells);

    private static List<WorkbookRow>? ReadRows(WorkbookPart workbook, string sheetName, string[] sharedStrings)
    {
        var sheet = workbook.Workbook.Sheets?.Elements<Sheet>().FirstOrDefault(s => s.Name?.Value == sheetName);
        if (sheet?.Id?.Value is not { } id)
        {
            return null;
        }

        var part = (WorksheetPart)workbook.GetPartById(id);
        var rows = new List<WorkbookRow>();
        foreach (var row in part.Worksheet.Descendants<Row>())
        {
            var cells = new Dictionary<int, string?>();
            var position = 0;
            foreach (var cell in row.Elements<Cell>())
            {
                var column = cell.CellReference?.Value is { } reference ? ColumnIndex(reference) : position;
                cells[column] = CellText(cell, sharedStrings);
                position = column + 1;
            }

            rows.Add(new WorkbookRow((int)(row.RowIndex?.Value ?? (uint)(rows.Count + 1)), cells));
        }

        return rows;
    }

    private static string? CellText(Cell cell, string[] sharedStrings)
    {
        if (cell.DataType?.Value == CellValues.InlineString)
        {
            return cell.InlineString?.InnerText;
        }

        var raw = cell.CellValue?.Text;
        if (cell.DataType?.Value == CellValues.SharedString)
        {
            return int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) && i >= 0 && i < sharedStrings.Length
                ? sharedStrings[i]
                : throw new WorkbookException($"单元格 {cell.CellReference} 引用了不存在的共享字符串");
        }

        return raw;
    }

    private static int ColumnIndex(string reference)
    {
        var index = 0;
        foreach (var ch in reference)
        {
            if (ch is < 'A' or > 'Z')
            {
                break;
            }

            index = (index * 26) + (ch - 'A' + 1);
        }

        return index - 1;
    }
}
