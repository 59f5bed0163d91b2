using MiniExcelLibs;

namespace MedGuard.Server.Sector;

/// <summary>A dashboard table as an .xlsx workbook (MiniExcel): the header row, then the cells' numbers (or texts).</summary>
public static class SectorExport
{
    public const string ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static byte[] Xlsx(SectorTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var rows = table.Rows.Select(row =>
        {
            var values = new Dictionary<string, object?>(StringComparer.Ordinal);
            for (var i = 0; i < table.Columns.Count; i++)
            {
                var cell = i < row.Count ? row[i] : null;
                values[table.Columns[i]] = cell?.Number is { } n ? n : cell?.Text;
            }

            return values;
        }).ToList();
        using var stream = new MemoryStream();
        if (rows.Count == 0)
        {
            // MiniExcel writes no header from an empty list: one row of the column names keeps the sheet readable.
            rows.Add(table.Columns.ToDictionary(c => c, c => (object?)null, StringComparer.Ordinal));
        }

        stream.SaveAs(rows, sheetName: "Sheet1");
        return stream.ToArray();
    }
}
